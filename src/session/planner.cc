#include "session/planner.h"

#include "session/login.h"

#include <fmt/format.h>

#include "adapters/aws/credential_chain.h"
#include "catalog/catalog_universe.h"
#include "core/audit/session_id.h"
#include "core/credentials/forwarded_child.h"
#include "core/plan/ttl.h"

namespace audex {
namespace {

void NoteWarnings(const World& world, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) world.Warn(warning);
}

// --serve renews AWS credentials; GCP and Azure sessions end at their TTL.
Result<void> RefuseServeOffAws(const SessionRequest& request, Provider provider) {
  const bool serve = request.serve.value_or(false);
  if (provider == Provider::kAws || (!serve && !request.max_duration)) return {};
  return UsageError(fmt::format(
      "--serve and --max-duration are for AWS (they renew AWS credentials from a loopback "
      "endpoint); this {} session ends at its TTL: drop {}",
      provider == Provider::kGcp ? "GCP" : "Azure",
      serve && request.max_duration ? "both"
      : serve                       ? "--serve"
                                    : "--max-duration"));
}

// --chain and --policy-arn are AWS's (STS AssumeRole parameters).
Result<void> RefuseAwsOnlyFlags(const SessionRequest& request, Provider provider) {
  if (provider == Provider::kAws) return {};
  const char* flag = !request.chain.empty()         ? "--chain"
                     : !request.policy_arns.empty() ? "--policy-arn"
                                                    : nullptr;
  if (flag == nullptr) return {};
  return UsageError(
      fmt::format("{} is for AWS (an STS AssumeRole parameter); this is a {} "
                  "session: drop {}",
                  flag, ProviderName(provider), flag));
}

// The policy_arns of the profile the request resolved to, with where they
// came from.
std::vector<PolicyArnChoice> ProfilePolicyArns(const SessionPlan& plan,
                                               const ProfileCatalog& profiles) {
  std::vector<PolicyArnChoice> arns;
  if (!plan.request.profile_name) return arns;
  const Profile* profile = profiles.Find(*plan.request.profile_name);
  if (profile == nullptr) return arns;
  for (const std::string& arn : profile->policy_arns) {
    arns.push_back({arn, fmt::format("profile {} ({})", profile->name, profile->source)});
  }
  return arns;
}

// --broker signs AWS calls; GCP and Azure have no forwarding endpoint.
Result<void> RefuseBrokerOffAws(const SessionRequest& request, Provider provider) {
  if (provider == Provider::kAws || (!request.broker && !request.allow_credential_calls)) return {};
  return UsageError(fmt::format(
      "--broker and --allow-credential-calls sign AWS calls for the command; this {} session "
      "has no such endpoint: drop {}",
      provider == Provider::kGcp ? "GCP" : "Azure",
      request.broker ? "--broker" : "--allow-credential-calls"));
}

// GCP and Azure through a team server (--server, AUDEX_SERVER, server_url):
// the same server, token and request body as an AWS grant's
// (PlanServerIssue), asking for this provider.
Result<std::optional<ServerIssue>> PlanTokenServer(const SessionRequest& request,
                                                   const World& world, const UserConfig& config,
                                                   const SessionPlan& session,
                                                   const PlanSettings& settings) {
  AwsIssueInputs inputs;
  inputs.need_role = settings.will_issue;
  inputs.env = world.env;
  inputs.config = config;
  inputs.ttl = session.ttl;
  inputs.login_token = [&world](const std::string& server_url) {
    return CurrentLoginToken(world, server_url);
  };
  auto server = PlanServerIssue(request, inputs);
  if (!server) return tl::unexpected(server.error());
  if (*server) (*server)->body["provider"] = std::string(ProviderName(session.request.provider));
  return server;
}

}  // namespace

Result<LoadedConfiguration> LoadConfigurationNoting(const World& world) {
  std::vector<std::string> warnings;
  auto loaded = LoadConfiguration(world.paths, &warnings);
  NoteWarnings(world, warnings);
  return loaded;
}

Result<PlannedSession> PlanRequest(const SessionRequest& request, const World& world,
                                   const PlanSettings& settings) {
  PlannedSession planned;
  planned.request = request;
  // The id is drawn here only when the policy must name it (--tag-session);
  // otherwise Session::Start draws it. Drawing means seeding OpenSSL's
  // generator, which is most of what a --dry-run would cost
  // (bench/startup_compare.sh).
  std::optional<SessionTag> session_tag;
  if (request.tag_session) {
    auto random = world.random(kSessionIdRandomBytes);
    if (!random) return tl::unexpected(random.error());
    planned.session_id = SessionIdFromRandom(*random);
    session_tag =
        settings.session_tag.value_or(SessionTag{std::string(kSessionTagKey), planned.session_id});
  }
  AccessRequest& access = planned.access;
  if (request.provider) {
    auto parsed = ParseProviderOption(*request.provider, "--provider");
    if (!parsed) return tl::unexpected(parsed.error());
    access.provider = *parsed;
  }
  access.allow = request.allow;
  access.profile = request.profile;
  access.resource = request.resource;
  access.allow_unknown = request.allow_unknown;
  access.unscoped_allowed = request.unscoped_allowed;
  std::optional<std::chrono::seconds> ttl;
  if (request.ttl) {
    auto parsed = ParseTtl(*request.ttl);
    if (!parsed) return UsageError("--ttl: " + parsed.error().message);
    ttl = *parsed;
  }
  std::optional<NetworkBinding> source_ip;
  if (request.source_ip) {
    auto parsed = ParseSourceIpList(*request.source_ip);
    if (!parsed) return tl::unexpected(parsed.error());
    source_ip = std::move(*parsed);
  }
  if (settings.configuration != nullptr) {
    planned.loaded = *settings.configuration;
  } else {
    auto loaded = LoadConfigurationNoting(world);
    if (!loaded) return tl::unexpected(loaded.error());
    planned.loaded = std::move(*loaded);
  }
  const UserConfig& config = planned.loaded.config;
  // GetScopedCredentials takes 1 s to 36 h, not AssumeRole's 15 min to
  // 12 h: its TTL is checked by the issue plan, not against the plan's
  // bounds.
  auto plan = PlanSession(access, request.scope_current ? std::nullopt : ttl, config,
                          planned.loaded.profiles, planned.loaded.deny, request.command,
                          &BuiltinAwsActions(), !request.no_compress, source_ip,
                          session_tag ? &*session_tag : nullptr);
  if (!plan) return tl::unexpected(plan.error());
  planned.plan = std::move(*plan);
  SessionPlan& session = planned.plan;
  if (request.scope_current && ttl) session.ttl = *ttl;
  session.sandbox = ChooseSandbox(request.sandbox, config);
  NoteWarnings(world, session.request.warnings);
  const Provider provider = session.request.provider;
  if (request.scope_current && provider != Provider::kAws) {
    return UsageError(fmt::format(
        "--scope-current is AWS only (sts:GetScopedCredentials); {} has no such call: drop "
        "--scope-current",
        ProviderName(provider)));
  }
  if (auto refused = RefuseServeOffAws(request, provider); !refused) {
    return tl::unexpected(refused.error());
  }
  if (auto refused = RefuseAwsOnlyFlags(request, provider); !refused) {
    return tl::unexpected(refused.error());
  }
  if (auto refused = RefuseBrokerOffAws(request, provider); !refused) {
    return tl::unexpected(refused.error());
  }

  switch (provider) {
    case Provider::kAws: {
      AwsIssueInputs inputs;
      inputs.need_role = settings.will_issue;
      inputs.env = world.env;
      inputs.config = config;
      // ~/.aws/config is read only when nothing before it names a region
      // (the order of ResolveRegion): the team server plans every grant.
      const bool region_known = request.region || NonEmptyVariable(world.env, "AWS_REGION") ||
                                NonEmptyVariable(world.env, "AWS_DEFAULT_REGION") ||
                                (config.region && !config.region->empty());
      if (!region_known) {
        inputs.aws_profile_region = AwsProfileRegion(ResolveAwsSharedFiles(world.env));
      }
      inputs.ttl = session.ttl;
      inputs.policy = session.policy_json;
      inputs.profile_policy_arns = ProfilePolicyArns(session, planned.loaded.profiles);
      inputs.session_tag = session_tag;
      inputs.login_token = [&world](const std::string& server_url) {
        return CurrentLoginToken(world, server_url);
      };
      auto issue = PlanAwsIssue(request, inputs);
      if (!issue) return tl::unexpected(issue.error());
      // A chained session lives at most an hour: the plan's TTL follows.
      if (!request.scope_current) session.ttl = issue->duration;
      NoteWarnings(world, issue->notes);
      for (const std::string& note : issue->notes) session.request.notes.push_back(note);
      if (issue->serve) {
        session.child_variables = ServedChildVariableNames(session.child_variables);
      }
      if (issue->broker) {
        session.child_variables = BrokeredChildVariableNames(session.child_variables);
      }
      session.aws = std::move(*issue);
      break;
    }
    case Provider::kGcp: {
      auto server = PlanTokenServer(request, world, config, session, settings);
      if (!server) return tl::unexpected(server.error());
      session.server = std::move(*server);
      if (!settings.will_issue) break;
      if (session.server) {
        // The service account is the server's unless the request names one
        // (the server checks it against its rules); the project is this
        // side's when set, else the one the grant's reply names.
        GcpTarget target;
        target.service_account = request.role_arn.value_or("");
        target.source = "team server " + session.server->url;
        target.project = ResolveGcpProject(world.env, config);
        target.endpoints = ResolveGcpEndpoints(world.env);
        session.gcp = std::move(target);
        break;
      }
      auto target = ResolveGcpTarget(request.role_arn, world.env, config);
      if (!target) return tl::unexpected(target.error());
      session.gcp = std::move(*target);
      break;
    }
    case Provider::kAzure: {
      auto server = PlanTokenServer(request, world, config, session, settings);
      if (!server) return tl::unexpected(server.error());
      session.server = std::move(*server);
      if (!settings.will_issue) break;
      // With a server too: the cloud is the child's (its `az` profile), the
      // subscription this side's when set, else the grant's.
      auto target = ResolveAzureTarget(world.env, config);
      if (!target) return tl::unexpected(target.error());
      session.azure = std::move(*target);
      break;
    }
  }
  return planned;
}

}  // namespace audex
