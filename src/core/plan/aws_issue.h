// AwsIssuePlan: how an AWS session's credentials are issued — which STS
// call with which parameters, where it goes, and whether the encrypted
// cache and the renewing loopback endpoint take part. Every face (run,
// learn, credential-process, MCP, the team server) decides it here, before
// any I/O; the session engine only carries it out.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/credential_cache.h"
#include "core/credentials/served_credentials.h"
#include "core/plan/aws_endpoints.h"
#include "core/plan/role.h"
#include "core/plan/session_request.h"
#include "core/plan/session_tagging.h"
#include "core/plan/sts_request.h"
#include "core/plan/user_config.h"

namespace audex {

enum class AwsIssueMethod {
  kAssumeRole,     // sts:AssumeRole with the session policy
  kScopedCurrent,  // sts:GetScopedCredentials on the caller's own session
  kServer,         // a grant of the team server (POST /v1/grants)
};

// How long `run --server` and `credential-process --server` wait for a
// grant's approvals by default (--approval-wait).
inline constexpr std::chrono::seconds kDefaultApprovalWait{600};

// Asking a team server (docs/team-mode.md, "Clients"): where, with which
// token, and the request as the caller typed it — the server plans it
// again under its own rules and deny list.
struct ServerIssue {
  std::string url;     // "https://audex.example.com"
  std::string source;  // "--server", "AUDEX_SERVER", "server_url in FILE"
  SecretString token;  // AUDEX_SERVER_TOKEN or server_token; prints as ****
  std::string token_source;
  nlohmann::json body;  // allow | profile, resource, ttl, role, provider, reason, break_glass
  // How long to wait for approvals when the server answers 202.
  std::chrono::seconds approval_wait{kDefaultApprovalWait};
};

// `run --serve` (README, "--serve").
struct ServePlan {
  std::chrono::seconds max_duration{kDefaultServeMaxDuration};
  // AUDEX_SERVE_REFRESH_SECONDS (tests): renew this long after each issue.
  std::optional<std::chrono::seconds> refresh_after;
};

// A session made with another session's credentials (role chaining) lasts at
// most one hour (IAM User Guide, "Role chaining"; STS API reference,
// AssumeRole DurationSeconds). The hops before the last one only hand their
// credentials to the next call, so they ask for STS's minimum.
inline constexpr std::chrono::seconds kMaxChainedDuration{3600};
inline constexpr std::chrono::seconds kChainHopDuration{900};

// A managed policy passed as a further session policy, and where it was
// configured ("policy_arns in FILE", "profile NAME", "--policy-arn").
struct PolicyArnChoice {
  std::string arn;
  std::string source;
};

// `run --broker` (README, "--broker"): the forwarding endpoint signs for
// the child, which holds only placeholder credentials.
struct BrokerPlan {
  // Forward credential calls (STS AssumeRole, ...) instead of refusing
  // them: --allow-credential-calls.
  bool allow_credential_calls = false;
};

struct AwsIssuePlan {
  AwsIssueMethod method = AwsIssueMethod::kAssumeRole;
  RoleChoice role;  // empty for kScopedCurrent
  RegionChoice region;
  StsEndpoint endpoint;
  std::chrono::seconds duration{0};
  std::string policy;  // the session (or scope-down) policy, minified; empty for none
  std::optional<std::string> source_identity;
  // --chain: the roles assumed after `role`, in order, each with the
  // credentials of the one before; the session policy and the managed
  // policies go on the last hop only, and `duration` is at most
  // kMaxChainedDuration.
  std::vector<RoleChoice> chain;
  // Managed-policy ceilings (PolicyArns): policy_arns in config.toml, then
  // the profile's, then --policy-arn; they add up, never replace each other.
  std::vector<PolicyArnChoice> policy_arns;
  // --tag-session: also sent as an STS session tag (sts:TagSession), marked
  // transitive so that it reaches the last hop of a chain.
  std::optional<SessionTag> session_tag;
  // Further session tags for the first AssumeRole, after session_tag (the
  // team server's audex-caller), transitive alike when a chain follows.
  std::vector<StsTag> tags;
  // What the issue plan decided that the plan should say (the chained TTL).
  std::vector<std::string> notes;
  // RoleSessionName is this prefix and the session id: it shows in the
  // assumed-role ARN and in CloudTrail, tying every call to the session.
  std::string session_name_prefix = "audex-";
  bool use_cache = false;
  std::chrono::seconds cache_margin = kDefaultCacheMargin;
  std::optional<ServePlan> serve;
  std::optional<ServerIssue> server;  // kServer
  std::optional<BrokerPlan> broker;
};

// What the issue plan is decided from, besides the request.
struct AwsIssueInputs {
  // False for --dry-run: a role is shown when one is configured, but none
  // is required (one given with --role-arn must still be a role ARN).
  bool need_role = true;
  EnvLookup env;
  UserConfig config;
  std::optional<std::string> aws_profile_region;     // region of the AWS profile (~/.aws/config)
  std::chrono::seconds ttl{0};                       // the session plan's TTL
  std::string policy;                                // the session plan's policy, minified
  std::vector<PolicyArnChoice> profile_policy_arns;  // policy_arns of the request's profile
  std::optional<SessionTag> session_tag;             // the plan's tag under --tag-session
  // The ID token kept by `tryaudex login` for a server URL (nullopt: not
  // logged in there), asked only when a grant will be requested and no API
  // token is set. Empty: none is looked for.
  std::function<Result<std::optional<SecretString>>(const std::string& server_url)> login_token;
};

// The team server, when one is named (--server, else AUDEX_SERVER, else
// server_url): its URL, the caller's token (AUDEX_SERVER_TOKEN, server_token,
// else the ID token of `tryaudex login`; required when inputs.need_role) and
// the grant request's body, with "provider": "aws" (a GCP or Azure plan
// sets its own, planner.cc). nullopt when none is named. kUsage for a URL
// that is not one, a flag that shapes AssumeRole (--chain, --policy-arn,
// --tag-session) or --scope-current beside a server, --break-glass without
// --reason, and a bad --approval-wait.
Result<std::optional<ServerIssue>> PlanServerIssue(const SessionRequest& request,
                                                   const AwsIssueInputs& inputs);

// The team server, when one is named (--server, AUDEX_SERVER, server_url):
// then the grant comes from it, the role is the server's unless named, and
// a token is required (AUDEX_SERVER_TOKEN, server_token); --chain,
// --policy-arn and --tag-session are refused there (the server makes the
// AssumeRole). Else the role (--role-arn, AUDEX_ROLE_ARN, role_arn in
// config.toml; none for --scope-current) and --chain, region and STS
// endpoint, managed-policy ceilings (config, profile, --policy-arn: merged,
// at most 10), the session tag, cache (the request's choice, else `cache`
// in config.toml; never with --tag-session, whose policy names its own
// session) and serve settings (--serve or `serve` in config.toml,
// --max-duration; `serve` in config.toml gives way to --broker), --broker
// and --allow-credential-calls, and the test hooks
// AUDEX_CACHE_MARGIN_SECONDS and AUDEX_SERVE_REFRESH_SECONDS. A chained
// session's duration is capped at kMaxChainedDuration, with a note. Then
// checks what STS would refuse: the STS request's limits, and
// --scope-current's need for a regional endpoint. kUsage errors name the
// flag or variable; kPolicy for a TTL outside GetScopedCredentials' bounds.
Result<AwsIssuePlan> PlanAwsIssue(const SessionRequest& request, const AwsIssueInputs& inputs);

// The AssumeRole calls for session `session_id`, in order: the role with
// the base credentials, then each role of the chain with the previous
// hop's. The last asks for `duration` (the plan's at first, shorter when
// --serve renews near --max-duration) and carries the session policy and
// the managed policies; the first carries the source identity and the
// session tags, session_tag then `tags` (transitive when a chain follows, so
// that they reach the last hop: a later hop may not set them again). Every hop's RoleSessionName
// names the session.
std::vector<AssumeRoleRequest> AssumeRoleHops(const AwsIssuePlan& plan, std::string_view session_id,
                                              std::chrono::seconds duration);

// The last of AssumeRoleHops: the call whose credentials the session gets.
AssumeRoleRequest AssumeRoleFor(const AwsIssuePlan& plan, std::string_view session_id,
                                std::chrono::seconds duration);

// The GetScopedCredentials call for `duration`.
GetScopedCredentialsRequest ScopedCredentialsFor(const AwsIssuePlan& plan,
                                                 std::chrono::seconds duration);

// The cache entry the plan's credentials answer (docs/credential-cache.md).
CacheRequest CacheRequestFor(const AwsIssuePlan& plan);

// A whole number of seconds from an environment variable used by tests;
// nullopt when unset or empty, kUsage naming the variable otherwise.
Result<std::optional<std::chrono::seconds>> SecondsFromVariable(const EnvLookup& env,
                                                                const std::string& name,
                                                                long minimum);

}  // namespace audex
