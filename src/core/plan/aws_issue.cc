#include "core/plan/aws_issue.h"

#include <fmt/format.h>

#include <charconv>

#include "core/plan/ttl.h"

namespace audex {
namespace {

// GetScopedCredentials is not served by the global endpoint (API reference).
bool IsGlobalStsEndpoint(std::string_view url) {
  return url.find("://sts.amazonaws.com") != std::string_view::npos;
}

Result<std::optional<ServePlan>> PlanServe(const SessionRequest& request,
                                           const AwsIssueInputs& inputs) {
  // --broker hands the child placeholders, so there is nothing to serve:
  // `serve = true` in config.toml gives way to it, an explicit --serve is
  // refused.
  if (request.broker && request.serve.value_or(false)) {
    return UsageError(
        "--broker and --serve are two ways to hand the command credentials (placeholders and an "
        "endpoint that signs for them, or real ones renewed from an endpoint): give one");
  }
  const bool serve = request.serve.value_or(!request.broker && inputs.config.serve.value_or(false));
  if (request.max_duration && !serve) {
    return UsageError("--max-duration only applies with --serve; add --serve or drop it");
  }
  if (!serve) return std::optional<ServePlan>();
  ServePlan plan;
  if (request.max_duration) {
    auto parsed = ParseTtl(*request.max_duration);
    if (!parsed) return UsageError("--max-duration: " + parsed.error().message);
    plan.max_duration = *parsed;
  }
  auto refresh = SecondsFromVariable(inputs.env, "AUDEX_SERVE_REFRESH_SECONDS", 1);
  if (!refresh) return tl::unexpected(refresh.error());
  plan.refresh_after = *refresh;
  return std::optional<ServePlan>(plan);
}

// --server, else AUDEX_SERVER, else server_url: a grant of the team server.
Result<std::optional<ServerIssue>> PlanServerIssue(const SessionRequest& request,
                                                   const AwsIssueInputs& inputs) {
  ServerIssue server;
  if (request.server && !request.server->empty()) {
    server.url = *request.server;
    server.source = "--server";
  } else if (auto named = NonEmptyVariable(inputs.env, "AUDEX_SERVER")) {
    server.url = *named;
    server.source = "AUDEX_SERVER";
  } else if (inputs.config.server_url && !inputs.config.server_url->empty()) {
    server.url = *inputs.config.server_url;
    server.source = "server_url in " + inputs.config.source;
  } else {
    return std::optional<ServerIssue>();
  }
  while (server.url.size() > 1 && server.url.back() == '/') server.url.pop_back();
  if (!server.url.starts_with("https://") && !server.url.starts_with("http://")) {
    return UsageError(
        fmt::format("{} \"{}\" is not a URL; give https://HOST[:PORT]", server.source, server.url));
  }
  if (request.scope_current) {
    return UsageError(
        "--scope-current narrows your own credentials with STS, so it cannot go through a team "
        "server: drop --scope-current or the server");
  }
  if (auto token = NonEmptyVariable(inputs.env, "AUDEX_SERVER_TOKEN")) {
    server.token = SecretString(*token);
    server.token_source = "AUDEX_SERVER_TOKEN";
  } else if (inputs.config.server_token && !inputs.config.server_token->empty()) {
    server.token = *inputs.config.server_token;
    server.token_source = "server_token in " + inputs.config.source;
  } else if (inputs.need_role && inputs.login_token) {
    // No API token: the ID token of `tryaudex login --server URL`, if any.
    auto login = inputs.login_token(server.url);
    if (!login) return tl::unexpected(login.error());
    if (*login) {
      server.token = std::move(**login);
      server.token_source = "tryaudex login";
    }
  }
  if (server.token_source.empty() && inputs.need_role) {
    return UsageError(fmt::format(
        "the team server {} (from {}) needs a token: log in with `tryaudex login --server {}`, "
        "or set AUDEX_SERVER_TOKEN (or server_token in config.toml) to the one `tryaudex server "
        "token create` printed",
        server.url, server.source, server.url));
  }
  nlohmann::json body = nlohmann::json::object();
  body["provider"] = "aws";
  if (request.allow) body["allow"] = *request.allow;
  if (request.profile) body["profile"] = *request.profile;
  if (request.resource) body["resource"] = *request.resource;
  body["ttl"] = FormatTtl(inputs.ttl);
  if (request.role_arn) body["role"] = *request.role_arn;
  if (request.reason) body["reason"] = *request.reason;
  server.body = std::move(body);
  return std::optional<ServerIssue>(std::move(server));
}

// --broker, and --allow-credential-calls, which means nothing without it.
Result<std::optional<BrokerPlan>> PlanBroker(const SessionRequest& request) {
  if (request.allow_credential_calls && !request.broker) {
    return UsageError(
        "--allow-credential-calls only applies with --broker (without it the command holds the "
        "session's credentials anyway); add --broker or drop it");
  }
  if (!request.broker) return std::optional<BrokerPlan>();
  return std::optional<BrokerPlan>(BrokerPlan{request.allow_credential_calls});
}

}  // namespace

Result<std::optional<std::chrono::seconds>> SecondsFromVariable(const EnvLookup& env,
                                                                const std::string& name,
                                                                long minimum) {
  const auto text = env(name);
  if (!text || text->empty()) return std::optional<std::chrono::seconds>();
  long value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < minimum) {
    return UsageError(fmt::format("{}=\"{}\" is not a whole number of seconds{}; unset it", name,
                                  *text, minimum > 0 ? " above 0" : ""));
  }
  return std::optional<std::chrono::seconds>(value);
}

Result<AwsIssuePlan> PlanAwsIssue(const SessionRequest& request, const AwsIssueInputs& inputs) {
  // --scope-current narrows the caller's own session and assumes no role,
  // so an explicit --role-arn beside it would be silently ignored.
  if (request.scope_current && request.role_arn) {
    return UsageError(
        "--scope-current narrows your own credentials and assumes no role, so --role-arn would "
        "be ignored: drop --role-arn, or drop --scope-current to assume the role");
  }
  AwsIssuePlan plan;
  auto server = PlanServerIssue(request, inputs);
  if (!server) return tl::unexpected(server.error());
  if (*server) {
    plan.method = AwsIssueMethod::kServer;
    plan.server = std::move(**server);
    plan.duration = inputs.ttl;
    plan.policy = inputs.policy;
    if (request.role_arn) plan.role = RoleChoice{*request.role_arn, "--role-arn"};
    // The server's STS region is its own; this one is the child's.
    auto region =
        ResolveRegion(request.region, inputs.env, inputs.config.region, inputs.aws_profile_region);
    if (!region) return tl::unexpected(region.error());
    plan.region = std::move(*region);
    plan.endpoint = StsEndpoint{plan.server->url, plan.server->source};
    switch (request.cache) {
      case CacheChoice::kOn:
        plan.use_cache = true;
        break;
      case CacheChoice::kOff:
        break;
      case CacheChoice::kConfigDefault:
        plan.use_cache = inputs.config.cache.value_or(false);
        break;
    }
    auto serve = PlanServe(request, inputs);
    if (!serve) return tl::unexpected(serve.error());
    plan.serve = std::move(*serve);
    // A grant's credentials can sit behind the forwarding endpoint as well
    // as STS's can: the endpoint only needs the session's keys.
    auto broker = PlanBroker(request);
    if (!broker) return tl::unexpected(broker.error());
    plan.broker = std::move(*broker);
    return plan;
  }
  plan.method =
      request.scope_current ? AwsIssueMethod::kScopedCurrent : AwsIssueMethod::kAssumeRole;
  plan.duration = inputs.ttl;
  plan.policy = inputs.policy;
  plan.source_identity = request.source_identity;
  if (plan.method == AwsIssueMethod::kAssumeRole) {
    const UserConfig& config = inputs.config;
    if (inputs.need_role || request.role_arn || ConfiguredRole(inputs.env, config)) {
      auto role = ResolveRole(request.role_arn, inputs.env, config);
      if (!role) return tl::unexpected(role.error());
      plan.role = std::move(*role);
    }
  }
  auto region =
      ResolveRegion(request.region, inputs.env, inputs.config.region, inputs.aws_profile_region);
  if (!region) return tl::unexpected(region.error());
  plan.region = std::move(*region);
  auto endpoint = ResolveStsEndpoint(inputs.env, plan.region.region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  plan.endpoint = std::move(*endpoint);

  switch (request.cache) {
    case CacheChoice::kOn:
      plan.use_cache = true;
      break;
    case CacheChoice::kOff:
      plan.use_cache = false;
      break;
    case CacheChoice::kConfigDefault:
      plan.use_cache = inputs.config.cache.value_or(false);
      break;
  }
  // AUDEX_CACHE_MARGIN_SECONDS: tests make entries stale without waiting.
  if (plan.use_cache) {
    auto margin = SecondsFromVariable(inputs.env, "AUDEX_CACHE_MARGIN_SECONDS", 0);
    if (!margin) return tl::unexpected(margin.error());
    if (*margin) plan.cache_margin = **margin;
  }
  auto serve = PlanServe(request, inputs);
  if (!serve) return tl::unexpected(serve.error());
  plan.serve = std::move(*serve);
  auto broker = PlanBroker(request);
  if (!broker) return tl::unexpected(broker.error());
  plan.broker = std::move(*broker);

  if (plan.method == AwsIssueMethod::kScopedCurrent) {
    if (IsGlobalStsEndpoint(plan.endpoint.url)) {
      return UsageError(fmt::format(
          "--scope-current needs a regional STS endpoint, and {} (from {}) is the global one; "
          "unset it or use https://sts.{}.amazonaws.com",
          plan.endpoint.url, plan.endpoint.source, plan.region.region));
    }
    if (auto valid = ValidateGetScopedCredentialsRequest(ScopedCredentialsFor(plan, plan.duration));
        !valid) {
      return tl::unexpected(valid.error());
    }
  } else if (plan.role.arn.empty()) {
    // --dry-run without a role: nothing more to check.
  } else if (auto valid = ValidateAssumeRoleRequest(
                 AssumeRoleFor(plan, std::string(16, '0'), plan.duration));
             !valid) {
    // A session id is 16 characters of the name's own alphabet: a stand-in
    // checks everything else the name and the request carry.
    return tl::unexpected(valid.error());
  }
  return plan;
}

AssumeRoleRequest AssumeRoleFor(const AwsIssuePlan& plan, std::string_view session_id,
                                std::chrono::seconds duration) {
  AssumeRoleRequest request;
  request.role_arn = plan.role.arn;
  request.role_session_name = plan.session_name_prefix + std::string(session_id);
  request.duration_seconds = duration;
  request.policy = plan.policy;
  request.source_identity = plan.source_identity;
  return request;
}

GetScopedCredentialsRequest ScopedCredentialsFor(const AwsIssuePlan& plan,
                                                 std::chrono::seconds duration) {
  return GetScopedCredentialsRequest{plan.policy, duration};
}

CacheRequest CacheRequestFor(const AwsIssuePlan& plan) {
  if (plan.method == AwsIssueMethod::kServer) {
    // The server decides role and policy: the entry answers this exact
    // request to this server.
    return CacheRequest{
        plan.role.arn, plan.server->body.dump(), "", plan.server->url, "server", ""};
  }
  const bool scoped = plan.method == AwsIssueMethod::kScopedCurrent;
  return CacheRequest{scoped ? "" : plan.role.arn,
                      plan.policy,
                      plan.region.region,
                      plan.endpoint.url,
                      scoped ? "scoped" : "assume-role",
                      plan.source_identity.value_or("")};
}

}  // namespace audex
