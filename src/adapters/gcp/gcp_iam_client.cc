#include "adapters/gcp/gcp_iam_client.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"
#include "core/policy/gcp_access_boundary.h"
#include "core/wire/url.h"

namespace audex {
namespace {

using Json = nlohmann::json;

// Google's messages do not quote tokens, but a reply from a proxy or a
// test server might: never let one through, whether it echoes the header
// or the form body (where the token is percent-encoded).
std::string Redacted(std::string message, const SecretString& secret) {
  const SecretString form_encoded(UriEncode(secret.Reveal()));
  return RedactSecrets(std::move(message), {&secret, &form_encoded}, false);
}

// The service account as a path segment, '@' kept as Google's client
// libraries send it (iamcredentials .../serviceAccounts/sa@p.iam...:generateAccessToken).
std::string AccountSegment(const std::string& account) {
  std::string encoded = UriEncode(account);
  for (size_t at = encoded.find("%40"); at != std::string::npos; at = encoded.find("%40", at)) {
    encoded.replace(at, 3, "@");
  }
  return encoded;
}

std::string JoinUrl(const std::string& base, const std::string& path) {
  if (!base.empty() && base.back() == '/') return base + path;
  return base + "/" + path;
}

}  // namespace

std::string GoogleErrorMessage(const HttpResponse& response) {
  const Json json = Json::parse(response.body, nullptr, false);
  std::string message = fmt::format("HTTP {}", response.status);
  if (!json.is_object() || !json.contains("error")) return message;
  const Json& error = json["error"];
  if (error.is_object()) {
    if (error.contains("status") && error["status"].is_string()) {
      message += " " + error["status"].get<std::string>();
    }
    if (error.contains("message") && error["message"].is_string()) {
      message += ": " + error["message"].get<std::string>();
    }
  } else if (error.is_string()) {
    message += " " + error.get<std::string>();
    if (json.contains("error_description") && json["error_description"].is_string()) {
      message += ": " + json["error_description"].get<std::string>();
    }
  }
  return message;
}

Result<GcpAccessToken> GenerateAccessToken(HttpClient& http, const GcpEndpoints& endpoints,
                                           const GcpAccessToken& base,
                                           const std::string& service_account,
                                           std::chrono::seconds lifetime) {
  HttpRequest request;
  request.method = "POST";
  request.url = JoinUrl(endpoints.iamcredentials_url,
                        fmt::format("v1/projects/-/serviceAccounts/{}:generateAccessToken",
                                    AccountSegment(service_account)));
  request.headers = {{"Authorization", "Bearer " + base.token.Reveal()},
                     {"Content-Type", "application/json"},
                     {"Accept", "application/json"}};
  request.body = Json{{"scope", Json::array({kCloudPlatformScope})},
                      {"lifetime", fmt::format("{}s", lifetime.count())},
                      {"delegates", Json::array()}}
                     .dump();
  auto response = http.Send(request);
  if (!response) {
    return CredentialsError(fmt::format("IAM Credentials generateAccessToken for {}: {}",
                                        service_account, response.error().message));
  }
  if (response->status != 200) {
    std::string fix = "check the service account and the base credentials";
    if (response->status == 403) {
      fix = fmt::format(
          "the base credentials ({}) need roles/iam.serviceAccountTokenCreator on {}, and the "
          "lifetime must be allowed (over 1 h needs the organisation's lifetime extension)",
          base.source, service_account);
    } else if (response->status == 401) {
      fix = fmt::format("the base token from {} was refused: log in again", base.source);
    } else if (response->status == 404) {
      fix = "no such service account: check AUDEX_GCP_SERVICE_ACCOUNT or --role-arn";
    } else if (response->status == 400) {
      fix = "the request was refused as invalid: check the service account email and the TTL";
    }
    return CredentialsError(
        Redacted(fmt::format("IAM Credentials generateAccessToken for {} failed ({}); {}",
                             service_account, GoogleErrorMessage(*response), fix),
                 base.token));
  }
  const Json json = Json::parse(response->body, nullptr, false);
  if (!json.is_object() || !json.contains("accessToken") || !json["accessToken"].is_string()) {
    return CredentialsError(fmt::format(
        "IAM Credentials generateAccessToken for {} answered without an accessToken; is "
        "AUDEX_GCP_IAMCREDENTIALS_URL right?",
        service_account));
  }
  GcpAccessToken token;
  token.token = SecretString(json["accessToken"].get<std::string>());
  if (json.contains("expireTime") && json["expireTime"].is_string()) {
    token.expiration = ParseRfc3339(json["expireTime"].get<std::string>());
  }
  token.source = "iamcredentials:generateAccessToken";
  return token;
}

Result<GcpAccessToken> ExchangeWithAccessBoundary(HttpClient& http, const GcpEndpoints& endpoints,
                                                  const GcpAccessToken& token,
                                                  const std::string& boundary_json) {
  HttpRequest request;
  request.method = "POST";
  request.url = endpoints.sts_url;
  // No Authorization header: the STS token endpoint takes the token in the
  // body and may refuse a request that carries one.
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = TokenExchangeBody(token.token.Reveal(), boundary_json);
  auto response = http.Send(request);
  if (!response) {
    return CredentialsError(fmt::format("the STS token exchange (Credential Access Boundary): {}",
                                        response.error().message));
  }
  if (response->status != 200) {
    return CredentialsError(Redacted(
        fmt::format("the STS token exchange with the Credential Access Boundary failed ({}); "
                    "the buckets must exist and use uniform bucket-level access, and the "
                    "roles must be predefined Cloud Storage roles",
                    GoogleErrorMessage(*response)),
        token.token));
  }
  const Json json = Json::parse(response->body, nullptr, false);
  if (!json.is_object() || !json.contains("access_token") || !json["access_token"].is_string()) {
    return CredentialsError(
        "the STS token exchange answered without an access_token; is AUDEX_GCP_STS_URL right?");
  }
  GcpAccessToken narrowed;
  narrowed.token = SecretString(json["access_token"].get<std::string>());
  narrowed.expiration = token.expiration;
  if (json.contains("expires_in") && json["expires_in"].is_number_integer() &&
      json["expires_in"].get<long long>() >= 0 && json["expires_in"].get<long long>() <= 86400 &&
      !token.expiration) {
    narrowed.expiration = std::chrono::system_clock::now() +
                          std::chrono::seconds(json["expires_in"].get<long long>());
  }
  narrowed.source = token.source + " + sts:token-exchange (Credential Access Boundary)";
  return narrowed;
}

}  // namespace audex
