// Google access tokens: where Audex finds the base token it starts from,
// and the endpoints of Google's identity services (each overridable, for
// private clouds and tests).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "adapters/http/curl_http_client.h"
#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/gcp_target.h"

namespace audex {

struct GcpAccessToken {
  SecretString token;
  std::optional<std::chrono::system_clock::time_point> expiration;
  // Where it came from, for messages ("CLOUDSDK_AUTH_ACCESS_TOKEN",
  // "authorized_user in /home/u/.config/gcloud/application_default_credentials.json",
  // "metadata server 169.254.169.254"); never the value.
  std::string source;
};

// The HTTP client settings for Google calls: CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE
// (gcloud's own setting), else AWS_CA_BUNDLE.
CurlHttpOptions GcpHttpOptions(const EnvLookup& env);

// The same for the metadata server, with short timeouts: off Google Cloud
// nothing answers at its address, so the base-token search gives up fast.
CurlHttpOptions GcpMetadataHttpOptions(const EnvLookup& env);

// The Application Default Credentials file, as Google's libraries find it:
// GOOGLE_APPLICATION_CREDENTIALS, else CLOUDSDK_CONFIG (default
// ~/.config/gcloud)/application_default_credentials.json.
std::string AdcFilePath(const EnvLookup& env, bool* named_by_variable = nullptr);

struct GcpTokenSourceOptions {
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
};

// Finds the base token, in order:
//  1. CLOUDSDK_AUTH_ACCESS_TOKEN;
//  2. the ADC file: `authorized_user` (refresh-token grant at the OAuth
//     token endpoint) or `service_account` (a JWT signed RS256 with its key,
//     jwt-bearer grant);
//  3. the metadata server (GCE_METADATA_HOST, header Metadata-Flavor: Google),
//     asked through `metadata_http` (short timeouts: off GCE nothing answers).
// Errors are kCredentials and say where Audex looked and how to log in; no
// message holds a token, refresh token or key.
Result<GcpAccessToken> ResolveGcpBaseToken(const EnvLookup& env, HttpClient& http,
                                           HttpClient& metadata_http,
                                           const GcpTokenSourceOptions& options = {});

// A signed JWT for the service-account grant (RFC 7523): header
// {"alg":"RS256","typ":"JWT","kid":KEY_ID}, claims iss=client_email,
// scope, aud=token URL, iat=now, exp=now+1h. Errors (kCredentials) for a
// key OpenSSL cannot read as an RSA private key.
Result<SecretString> SignServiceAccountJwt(const SecretString& private_key_pem,
                                           const std::string& client_email,
                                           const std::string& key_id, const std::string& audience,
                                           const std::string& scope,
                                           std::chrono::system_clock::time_point now);

inline constexpr const char* kCloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

}  // namespace audex
