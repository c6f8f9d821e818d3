#include "core/credentials/forwarded_child.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "core/base/crypto.h"

namespace audex {
namespace {

constexpr size_t kKeyIdBytes = 8;

// Held by the session, never by a --broker child: a placeholder has no token.
constexpr std::array<std::string_view, 3> kSessionOnlyVariables = {
    "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION"};

}  // namespace

Result<AwsCredentials> PlaceholderCredentialsFrom(std::string_view random) {
  if (random.size() != kPlaceholderRandomBytes) {
    return StateError("placeholder credentials need " + std::to_string(kPlaceholderRandomBytes) +
                      " random bytes");
  }
  std::string key = HexEncode(random.substr(0, kKeyIdBytes));
  for (char& c : key) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  AwsCredentials credentials;
  credentials.access_key_id = "AUDX" + key;
  credentials.secret_access_key = SecretString(HexEncode(random.substr(kKeyIdBytes)));
  credentials.source = "tryaudex --broker placeholder";
  return credentials;
}

Environment WithForwardingEndpoint(Environment child, const std::string& url) {
  std::erase_if(child, [](const auto& variable) {
    return variable.first.starts_with("AWS_ENDPOINT_URL") ||
           variable.first == "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
  });
  child.emplace_back("AWS_ENDPOINT_URL", url);
  return child;
}

Environment BrokeredChildEnvironment(const Environment& usual, const AwsCredentials& placeholder,
                                     const std::string& url) {
  Environment environment = usual;
  SetVariable(environment, "AWS_ACCESS_KEY_ID", placeholder.access_key_id);
  SetVariable(environment, "AWS_SECRET_ACCESS_KEY", placeholder.secret_access_key.Reveal());
  for (std::string_view name : kSessionOnlyVariables) UnsetVariable(environment, name);
  UnsetVariable(environment, "AWS_CSM_ENABLED");
  return WithForwardingEndpoint(std::move(environment), url);
}

std::vector<std::string> BrokeredChildVariableNames(const std::vector<std::string>& usual) {
  std::vector<std::string> names;
  for (const std::string& name : usual) {
    if (std::find(kSessionOnlyVariables.begin(), kSessionOnlyVariables.end(), name) ==
        kSessionOnlyVariables.end()) {
      names.push_back(name);
    }
  }
  names.push_back("AWS_ENDPOINT_URL");
  return names;
}

}  // namespace audex
