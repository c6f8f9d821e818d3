#include "core/plan/aws_issue.h"

#include <fmt/format.h>

#include <charconv>

#include "core/base/text.h"
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

// --chain ARN[,ARN...], possibly given more than once: the roles in order.
Result<std::vector<RoleChoice>> PlanChain(const SessionRequest& request) {
  std::vector<RoleChoice> chain;
  for (const std::string& item : request.chain) {
    for (const std::string& part : SplitCommaList(item)) {
      const std::string arn(Trim(part));
      if (arn.empty()) {
        return UsageError(
            "--chain has an empty item; write --chain ROLE_ARN[,ROLE_ARN...] (the roles assumed "
            "after --role-arn, in order)");
      }
      auto role = CheckRoleArn(RoleChoice{arn, "--chain"});
      if (!role) return tl::unexpected(role.error());
      chain.push_back(std::move(*role));
    }
  }
  return chain;
}

// Ceilings add up in the order config, profile, flag; an ARN given twice
// counts once. Each can only narrow the session, so no source may drop
// another's (the company-wide one in config.toml above all).
Result<std::vector<PolicyArnChoice>> PlanPolicyArns(const SessionRequest& request,
                                                    const AwsIssueInputs& inputs) {
  std::vector<PolicyArnChoice> candidates;
  const std::string config_source =
      fmt::format("policy_arns in {}",
                  inputs.config.source.empty() ? std::string("config.toml") : inputs.config.source);
  for (const std::string& arn : inputs.config.policy_arns)
    candidates.push_back({arn, config_source});
  for (const PolicyArnChoice& choice : inputs.profile_policy_arns) candidates.push_back(choice);
  for (const std::string& item : request.policy_arns) {
    for (const std::string& part : SplitCommaList(item)) {
      candidates.push_back({std::string(Trim(part)), "--policy-arn"});
    }
  }
  std::vector<PolicyArnChoice> merged;
  for (PolicyArnChoice& choice : candidates) {
    if (auto valid = ValidatePolicyArn(choice.arn, choice.source); !valid) {
      return tl::unexpected(valid.error());
    }
    const bool seen = std::any_of(merged.begin(), merged.end(), [&](const PolicyArnChoice& kept) {
      return kept.arn == choice.arn;
    });
    if (!seen) merged.push_back(std::move(choice));
  }
  if (merged.size() > kMaxPolicyArns) {
    std::vector<std::string> sources;
    for (const PolicyArnChoice& choice : merged) {
      if (std::find(sources.begin(), sources.end(), choice.source) == sources.end()) {
        sources.push_back(choice.source);
      }
    }
    return UsageError(fmt::format(
        "{} managed policy ARNs from {} are more than the {} STS AssumeRole takes (PolicyArns); "
        "drop some",
        merged.size(), Join(sources, ", "), kMaxPolicyArns));
  }
  return merged;
}

}  // namespace

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
    if (request.break_glass || request.approval_wait) {
      return UsageError(fmt::format(
          "{} asks a team server, and none is named: give --server URL (or set AUDEX_SERVER), or "
          "drop it",
          request.break_glass ? "--break-glass" : "--approval-wait"));
    }
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
  // The server plans the grant again under its own rules and makes its own
  // AssumeRole: what this side would add to that call cannot reach it.
  if (const char* flag = !request.chain.empty()         ? "--chain"
                         : !request.policy_arns.empty() ? "--policy-arn"
                         : request.tag_session          ? "--tag-session"
                                                        : nullptr) {
    return UsageError(fmt::format(
        "{} shapes the AssumeRole call, and with a team server ({} from {}) the server makes "
        "that call under its own rules: drop {}, or drop the server to assume the role yourself",
        flag, server.url, server.source, flag));
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
  if (request.break_glass) {
    if (!request.reason || request.reason->empty()) {
      return UsageError(
          "--break-glass needs --reason TEXT: the grant is issued without approval and its "
          "reviewers read why");
    }
    body["break_glass"] = true;
  }
  server.body = std::move(body);
  if (request.approval_wait) {
    if (*request.approval_wait == "0") {
      server.approval_wait = std::chrono::seconds(0);
    } else {
      auto wait = ParseTtl(*request.approval_wait);
      if (!wait) {
        return UsageError(fmt::format("--approval-wait {}: {} (or 0 not to wait)",
                                      *request.approval_wait, wait.error().message));
      }
      server.approval_wait = *wait;
    }
  }
  return std::optional<ServerIssue>(std::move(server));
}

namespace {

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

// How the child gets the session's keys: served (--serve) or behind the
// forwarding endpoint (--broker).
Result<void> PlanHandOver(const SessionRequest& request, const AwsIssueInputs& inputs,
                          AwsIssuePlan& plan) {
  auto serve = PlanServe(request, inputs);
  if (!serve) return tl::unexpected(serve.error());
  plan.serve = std::move(*serve);
  auto broker = PlanBroker(request);
  if (!broker) return tl::unexpected(broker.error());
  plan.broker = std::move(*broker);
  return {};
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
    // A grant's credentials can be served, or sit behind the forwarding
    // endpoint, as STS's can: both only need the session's keys.
    if (auto handed = PlanHandOver(request, inputs, plan); !handed) {
      return tl::unexpected(handed.error());
    }
    // Ceilings configured here are this side's; the server applies its own.
    if (!inputs.config.policy_arns.empty() || !inputs.profile_policy_arns.empty()) {
      plan.notes.push_back(fmt::format(
          "{} not sent: the team server assumes the role with its own managed-policy ceilings",
          !inputs.config.policy_arns.empty()
              ? "policy_arns in " + inputs.config.source
              : "the policy_arns of " + inputs.profile_policy_arns.front().source));
    }
    return plan;
  }
  plan.method =
      request.scope_current ? AwsIssueMethod::kScopedCurrent : AwsIssueMethod::kAssumeRole;
  plan.duration = inputs.ttl;
  plan.policy = inputs.policy;
  plan.source_identity = request.source_identity;
  auto chain = PlanChain(request);
  if (!chain) return tl::unexpected(chain.error());
  plan.chain = std::move(*chain);
  auto policy_arns = PlanPolicyArns(request, inputs);
  if (!policy_arns) return tl::unexpected(policy_arns.error());
  plan.policy_arns = std::move(*policy_arns);
  plan.session_tag = inputs.session_tag;
  if (request.scope_current &&
      (!plan.chain.empty() || !plan.policy_arns.empty() || plan.session_tag)) {
    return UsageError(fmt::format(
        "--scope-current narrows your own credentials with GetScopedCredentials, which takes no "
        "{}; drop --scope-current to assume a role",
        !plan.chain.empty() ? "role chain (--chain)"
        : !plan.policy_arns.empty()
            ? fmt::format("managed policies (policy_arns from {})", plan.policy_arns.front().source)
            : "session tags (--tag-session)"));
  }
  if (!plan.chain.empty() && plan.duration > kMaxChainedDuration) {
    plan.notes.push_back(fmt::format(
        "TTL capped at {} (was {}): AWS limits a session made by role chaining (--chain) to one "
        "hour",
        FormatTtl(kMaxChainedDuration), FormatTtl(plan.duration)));
    plan.duration = kMaxChainedDuration;
  }
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
  // The policy of a --tag-session session names that session: no other
  // session could reuse its credentials, and a cached one must not.
  if (plan.session_tag && plan.use_cache) {
    if (request.cache == CacheChoice::kOn) {
      return UsageError(
          "--cache and --tag-session cannot go together: the session policy names its own "
          "session, so its credentials can never answer another; drop --cache");
    }
    plan.use_cache = false;
  }
  // AUDEX_CACHE_MARGIN_SECONDS: tests make entries stale without waiting.
  if (plan.use_cache) {
    auto margin = SecondsFromVariable(inputs.env, "AUDEX_CACHE_MARGIN_SECONDS", 0);
    if (!margin) return tl::unexpected(margin.error());
    if (*margin) plan.cache_margin = **margin;
  }
  if (auto handed = PlanHandOver(request, inputs, plan); !handed) {
    return tl::unexpected(handed.error());
  }

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
  } else {
    // A session id is 16 characters of the name's own alphabet: a stand-in
    // checks everything else the name and the request carry.
    for (const AssumeRoleRequest& hop : AssumeRoleHops(plan, std::string(16, '0'), plan.duration)) {
      if (auto valid = ValidateAssumeRoleRequest(hop); !valid) return tl::unexpected(valid.error());
    }
  }
  return plan;
}

std::vector<AssumeRoleRequest> AssumeRoleHops(const AwsIssuePlan& plan, std::string_view session_id,
                                              std::chrono::seconds duration) {
  std::vector<const RoleChoice*> roles = {&plan.role};
  for (const RoleChoice& role : plan.chain) roles.push_back(&role);
  std::vector<AssumeRoleRequest> hops;
  for (size_t i = 0; i < roles.size(); ++i) {
    const bool first = i == 0, last = i + 1 == roles.size();
    AssumeRoleRequest hop;
    hop.role_arn = roles[i]->arn;
    hop.role_session_name = plan.session_name_prefix + std::string(session_id);
    hop.duration_seconds = last ? duration : kChainHopDuration;
    if (last) {
      hop.policy = plan.policy;
      for (const PolicyArnChoice& choice : plan.policy_arns) hop.policy_arns.push_back(choice.arn);
    }
    // The source identity and transitive session tags carry over to every
    // later session of a chain by themselves (IAM User Guide, "Chaining
    // roles with session tags"; "Monitor and control actions taken with
    // assumed roles").
    if (first) {
      hop.source_identity = plan.source_identity;
      if (plan.session_tag) hop.tags.push_back({plan.session_tag->key, plan.session_tag->value});
      hop.tags.insert(hop.tags.end(), plan.tags.begin(), plan.tags.end());
      if (!last) {
        for (const StsTag& tag : hop.tags) hop.transitive_tag_keys.push_back(tag.key);
      }
    }
    hops.push_back(std::move(hop));
  }
  return hops;
}

AssumeRoleRequest AssumeRoleFor(const AwsIssuePlan& plan, std::string_view session_id,
                                std::chrono::seconds duration) {
  return AssumeRoleHops(plan, session_id, duration).back();
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
        plan.role.arn, plan.server->body.dump(), "", plan.server->url, "server", "", ""};
  }
  const bool scoped = plan.method == AwsIssueMethod::kScopedCurrent;
  std::vector<std::string> roles;
  if (!scoped) roles.push_back(plan.role.arn);
  for (const RoleChoice& role : plan.chain) roles.push_back(role.arn);
  std::vector<std::string> ceilings;
  for (const PolicyArnChoice& choice : plan.policy_arns) ceilings.push_back(choice.arn);
  return CacheRequest{Join(roles, ","),
                      plan.policy,
                      plan.region.region,
                      plan.endpoint.url,
                      scoped ? "scoped" : "assume-role",
                      plan.source_identity.value_or(""),
                      Join(ceilings, ",")};
}

}  // namespace audex
