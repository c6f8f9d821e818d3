// Decisions of the loopback credential endpoint (served_credentials.h).
#include "core/credentials/served_credentials.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

constexpr std::array<std::string_view, 5> kStaticKeyVariables = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION"};

}  // namespace

std::vector<std::string> ServedChildVariableNames(const std::vector<std::string>& usual) {
  std::vector<std::string> names = {"AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                    "AWS_CONTAINER_AUTHORIZATION_TOKEN"};
  for (const std::string& name : usual) {
    if (std::find(kStaticKeyVariables.begin(), kStaticKeyVariables.end(), name) ==
        kStaticKeyVariables.end()) {
      names.push_back(name);
    }
  }
  return names;
}

Environment ServedChildEnvironment(const Environment& usual, const std::string& url,
                                   const SecretString& token) {
  Environment environment = usual;
  for (std::string_view name : kStaticKeyVariables) UnsetVariable(environment, name);
  SetVariable(environment, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
  SetVariable(environment, "AWS_CONTAINER_AUTHORIZATION_TOKEN", token.Reveal());
  return environment;
}

bool AuthorizationMatches(std::string_view expected, std::string_view presented) {
  if (expected.empty() || presented.size() != expected.size()) return false;
  // The length is not secret (the token's form is documented); its bytes are.
  return CRYPTO_memcmp(expected.data(), presented.data(), expected.size()) == 0;
}

std::string ContainerCredentialsJson(const AwsCredentials& credentials) {
  nlohmann::ordered_json json;
  json["AccessKeyId"] = credentials.access_key_id;
  json["SecretAccessKey"] = credentials.secret_access_key.Reveal();
  json["Token"] = credentials.session_token.Reveal();
  json["Expiration"] = credentials.expiration ? FormatRfc3339(*credentials.expiration) : "";
  return json.dump();
}

ServeAction DecideServe(const ServeSchedule& schedule, const AwsCredentials& current,
                        std::chrono::system_clock::time_point issued,
                        std::chrono::system_clock::time_point now) {
  if (now >= schedule.started + schedule.max_duration) return ServeAction::kRefuse;
  if (schedule.refresh_after && now >= issued + *schedule.refresh_after) {
    return ServeAction::kRefresh;
  }
  if (!current.expiration) return ServeAction::kServe;
  const auto lifetime =
      std::chrono::duration_cast<std::chrono::seconds>(*current.expiration - issued);
  const std::chrono::seconds before = schedule.refresh_before.value_or(
      std::min<std::chrono::seconds>(std::chrono::minutes(20), lifetime / 2));
  if (*current.expiration - now <= before) return ServeAction::kRefresh;
  return ServeAction::kServe;
}

std::chrono::seconds RefreshDuration(const ServeSchedule& schedule, std::chrono::seconds ttl,
                                     std::chrono::system_clock::time_point now) {
  const auto left = std::chrono::duration_cast<std::chrono::seconds>(schedule.started +
                                                                     schedule.max_duration - now);
  return std::max<std::chrono::seconds>(std::chrono::seconds(900), std::min(ttl, left));
}

}  // namespace audex
