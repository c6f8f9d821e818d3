// The two Google calls that make a session token: IAM Credentials
// generateAccessToken (impersonate the service account for the TTL) and
// the STS token exchange that applies a Credential Access Boundary.
#pragma once

#include <chrono>
#include <string>

#include "adapters/gcp/gcp_credentials.h"
#include "adapters/http/http_client.h"
#include "core/base/result.h"

namespace audex {

// POST {iamcredentials}/v1/projects/-/serviceAccounts/SA:generateAccessToken
// with {"scope":[cloud-platform],"lifetime":"Ns"} and the base token as
// Bearer → {accessToken, expireTime}. Errors are kCredentials with Google's
// status and message and the likely fix (roles/iam.serviceAccountTokenCreator).
Result<GcpAccessToken> GenerateAccessToken(HttpClient& http, const GcpEndpoints& endpoints,
                                           const GcpAccessToken& base,
                                           const std::string& service_account,
                                           std::chrono::seconds lifetime);

// POST {sts} with TokenExchangeBody(token, boundary) → {access_token,
// issued_token_type, token_type, expires_in}. The narrowed token keeps the
// source token's expiry when the reply has no expires_in.
Result<GcpAccessToken> ExchangeWithAccessBoundary(HttpClient& http, const GcpEndpoints& endpoints,
                                                  const GcpAccessToken& token,
                                                  const std::string& boundary_json);

// The message of a Google error reply, JSON API style
// {"error":{"code","message","status"}} or OAuth style
// {"error","error_description"}; the status line when neither.
std::string GoogleErrorMessage(const HttpResponse& response);

}  // namespace audex
