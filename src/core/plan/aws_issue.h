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

#include <nlohmann/json.hpp>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/credential_cache.h"
#include "core/credentials/served_credentials.h"
#include "core/plan/aws_endpoints.h"
#include "core/plan/role.h"
#include "core/plan/session_request.h"
#include "core/plan/sts_request.h"
#include "core/plan/user_config.h"

namespace audex {

enum class AwsIssueMethod {
  kAssumeRole,     // sts:AssumeRole with the session policy
  kScopedCurrent,  // sts:GetScopedCredentials on the caller's own session
  kServer,         // a grant of the team server (POST /v1/grants)
};

// Asking a team server (docs/team-mode.md, "Clients"): where, with which
// token, and the request as the caller typed it — the server plans it
// again under its own rules and deny list.
struct ServerIssue {
  std::string url;     // "https://audex.example.com"
  std::string source;  // "--server", "AUDEX_SERVER", "server_url in FILE"
  SecretString token;  // AUDEX_SERVER_TOKEN or server_token; prints as ****
  std::string token_source;
  nlohmann::json body;  // allow | profile, resource, ttl, role, provider, reason
};

// `run --serve` (README, "--serve").
struct ServePlan {
  std::chrono::seconds max_duration{kDefaultServeMaxDuration};
  // AUDEX_SERVE_REFRESH_SECONDS (tests): renew this long after each issue.
  std::optional<std::chrono::seconds> refresh_after;
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
  std::optional<std::string> aws_profile_region;  // region of the AWS profile (~/.aws/config)
  std::chrono::seconds ttl{0};                    // the session plan's TTL
  std::string policy;                             // the session plan's policy, minified
  // The ID token kept by `tryaudex login` for a server URL (nullopt: not
  // logged in there), asked only when a grant will be requested and no API
  // token is set. Empty: none is looked for.
  std::function<Result<std::optional<SecretString>>(const std::string& server_url)> login_token;
};

// The team server, when one is named (--server, AUDEX_SERVER, server_url):
// then the grant comes from it, the role is the server's unless named, and
// a token is required (AUDEX_SERVER_TOKEN, server_token). Else the role
// (--role-arn, AUDEX_ROLE_ARN, role_arn in config.toml; none for
// --scope-current), region and STS endpoint, cache (the request's choice,
// else `cache` in config.toml) and serve settings (--serve or `serve` in
// config.toml, --max-duration; `serve` in config.toml gives way to
// --broker), --broker and --allow-credential-calls, and the test hooks AUDEX_CACHE_MARGIN_SECONDS
// and AUDEX_SERVE_REFRESH_SECONDS. Then checks what STS would refuse: the
// STS request's limits, and --scope-current's need for a regional endpoint.
// kUsage errors name the flag or variable; kPolicy for a TTL outside
// GetScopedCredentials' bounds.
Result<AwsIssuePlan> PlanAwsIssue(const SessionRequest& request, const AwsIssueInputs& inputs);

// The AssumeRole call for session `session_id`, asking for `duration`
// (the plan's at first, shorter when --serve renews near --max-duration).
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
