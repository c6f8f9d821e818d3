// The client of a team server (docs/team-mode.md, "API"): ask for a grant
// (POST /v1/grants) and fetch a grant's renewed credentials (its
// container-credentials endpoint). What `run --server`,
// `credential-process --server` and `run --serve --server` call.
#pragma once

#include <optional>
#include <string>

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

// POSTs `body` to SERVER/v1/grants with the bearer `token`. A refusal is
// an error saying the server's reason and the rule that refused it:
// kCredentials for 401/403/429 (with Retry-After) and for the server's own
// trouble (5xx), kPolicy/kUsage for a request the server cannot plan
// (400), never echoing a token.
Result<GrantReply> RequestGrant(HttpClient& http, const std::string& server,
                                const SecretString& token, const nlohmann::json& body);

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
