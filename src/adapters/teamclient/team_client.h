// The client of a team server (docs/team-mode.md, "API"): ask for a grant
// (POST /v1/grants) and fetch a grant's renewed credentials (its
// container-credentials endpoint). What `run --server`,
// `credential-process --server` and `run --serve --server` call.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

struct GrantReply {
  AwsCredentials credentials;  // expiration set
  std::string grant_id;
  std::string credentials_url;  // absolute
  SecretString credentials_token;
  std::optional<std::string> reused_from;
};

// How long RequestGrant waits when the server answers 202 (the grant needs
// approval, docs/team-mode.md "Approvals"): it polls the grant's
// credentials endpoint every `poll` until the credentials come, the request
// is denied or expires, or `limit` has passed. `notice` hears one line when
// the wait starts (the request id and who must approve).
struct ApprovalWait {
  std::chrono::seconds limit{0};  // 0: do not wait
  std::chrono::seconds poll{2};
  std::function<void(const std::string&)> notice;
  std::function<void(std::chrono::milliseconds)> sleep;  // default: sleep_for
};

// POSTs `body` to SERVER/v1/grants with the bearer `token`. A refusal is
// an error saying the server's reason and the rule that refused it:
// kCredentials for 401/403/429 (with Retry-After) and for the server's own
// trouble (5xx), kPolicy/kUsage for a request the server cannot plan
// (400), never echoing a token.
// A 202 waits as `wait` says; still pending at its end (or with no wait) is
// kCredentials naming the request id and how to approve it; denied or
// expired meanwhile is kCredentials with the server's reason.
Result<GrantReply> RequestGrant(HttpClient& http, const std::string& server,
                                const SecretString& token, const nlohmann::json& body,
                                const ApprovalWait& wait = {});

// A GCP or Azure grant (docs/team-mode.md, "GCP and Azure grants"): the
// access token the server obtained for it and what the child needs besides.
struct TokenGrantReply {
  SecretString access_token;
  std::optional<std::chrono::system_clock::time_point> expires_at;  // the token's
  std::string grant_id;
  std::chrono::seconds ttl{0};                 // the grant's (the server may have cut it)
  std::string service_account;                 // GCP
  std::string project;                         // GCP: the server's gcp_project; may be empty
  std::string resource;                        // Azure: the token's audience (ARM)
  std::string cloud;                           // Azure: the server's cloud (AzureCloud, ...)
  std::optional<std::string> tenant_id;        // Azure
  std::optional<std::string> subscription_id;  // Azure: the server's, if it knows one
  std::vector<std::string> warnings;
  std::string source;  // "team server URL grant ID"; never the token
};

// POSTs `body` (with "provider": "gcp" or "azure") as RequestGrant does and
// reads the token grant's reply; refusals as RequestGrant's. A grant held
// for approval (202) waits as RequestGrant's does, and its token is the
// reply of the grant's credentials endpoint once the grant is issued (its
// `ttl` then what is left of the grant).
Result<TokenGrantReply> RequestTokenGrant(HttpClient& http, const std::string& server,
                                          const SecretString& token, const nlohmann::json& body,
                                          const ApprovalWait& wait = {});

// One call of the team server's JSON API (GET or POST `path`, with `body`
// for POST): the reply's JSON on 2xx. A refusal names the server's reason
// and rule: kUsage for 400, 404, 409 and 410 (a wrong id, a request
// already decided or expired), kCredentials for 401, 403 and 429, and for
// an unreachable or failing server.
Result<nlohmann::json> CallTeamApi(HttpClient& http, const std::string& server,
                                   const SecretString& token, const std::string& method,
                                   const std::string& path,
                                   const std::optional<nlohmann::json>& body = std::nullopt);

// GETs a grant's credentials endpoint (the container-credentials JSON).
Result<AwsCredentials> FetchGrantCredentials(HttpClient& http, const std::string& url,
                                             const SecretString& token);

// POSTs a revocation (docs/team-mode.md, "Revocation"): `path` is
// "/v1/grants/ID/revoke" or "/v1/revocations". The server's JSON reply on
// 200; a refusal is an error as RequestGrant's; 502 with code
// deny_not_attached (revoked on the server, but IAM refused the Deny) is
// kCredentials carrying the server's message, which names the missing IAM
// permission and the role.
Result<nlohmann::json> PostRevocation(HttpClient& http, const std::string& server,
                                      const SecretString& token, const std::string& path,
                                      const nlohmann::json& body);

}  // namespace audex
