#include "adapters/gcp/gcp_credentials.h"

#include "adapters/files/files.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "adapters/config/config_files.h"
#include "core/identity/jwt.h"
#include "core/wire/url.h"

namespace audex {
namespace {

using Clock = std::chrono::system_clock;
using Json = nlohmann::json;

// Reads {"access_token", "expires_in"} from an OAuth token reply. An error
// reply is quoted without the secrets the request carried (`sent`: a
// refresh token, a client secret, a signed assertion), should the server
// echo them.
Result<GcpAccessToken> ParseOauthTokenReply(const HttpResponse& response, Clock::time_point now,
                                            const std::string& source, const std::string& what,
                                            const std::vector<const SecretString*>& sent) {
  const Json json = Json::parse(response.body, nullptr, false);
  if (response.status != 200) {
    std::string detail = fmt::format("HTTP {}", response.status);
    if (json.is_object() && json.contains("error")) {
      const Json& error = json["error"];
      if (error.is_string()) {
        detail = error.get<std::string>();
        if (json.contains("error_description") && json["error_description"].is_string()) {
          detail += ": " + json["error_description"].get<std::string>();
        }
      } else if (error.is_object() && error.contains("message") && error["message"].is_string()) {
        detail = error["message"].get<std::string>();
      }
    }
    const bool invalid_grant = detail.find("invalid_grant") != std::string::npos;
    return CredentialsError(fmt::format(
        "{} failed ({}) for {}; {}", what, RedactSecrets(std::move(detail), sent, false), source,
        invalid_grant ? "the login has expired or was revoked: run `gcloud "
                        "auth application-default login` again"
                      : "check the credentials file and the endpoint"));
  }
  if (!json.is_object() || !json.contains("access_token") || !json["access_token"].is_string()) {
    return CredentialsError(
        fmt::format("{} for {} answered without an access_token; is the OAuth token endpoint "
                    "right (AUDEX_GCP_OAUTH_TOKEN_URL)?",
                    what, source));
  }
  GcpAccessToken token;
  token.token = SecretString(json["access_token"].get<std::string>());
  // Bounded: a nonsense lifetime must not overflow the clock.
  if (json.contains("expires_in") && json["expires_in"].is_number_integer() &&
      json["expires_in"].get<long long>() >= 0 && json["expires_in"].get<long long>() <= 86400) {
    token.expiration = now + std::chrono::seconds(json["expires_in"].get<long long>());
  }
  token.source = source;
  return token;
}

Result<GcpAccessToken> PostTokenGrant(HttpClient& http, const std::string& url,
                                      const std::string& body, Clock::time_point now,
                                      const std::string& source, const std::string& what,
                                      const std::vector<const SecretString*>& sent) {
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  request.body = body;
  auto response = http.Send(request);
  if (!response) {
    return CredentialsError(fmt::format("{} for {}: {}", what, source, response.error().message));
  }
  return ParseOauthTokenReply(*response, now, source, what, sent);
}

std::string StringField(const Json& json, const char* name) {
  const auto it = json.find(name);
  return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<GcpAccessToken> FromAdcFile(const std::string& path, const std::string& text,
                                   HttpClient& http, const GcpEndpoints& endpoints,
                                   Clock::time_point now) {
  const Json json = Json::parse(text, nullptr, false);
  if (!json.is_object()) {
    return CredentialsError(fmt::format(
        "{} is not a JSON credentials file; run `gcloud auth application-default login` or "
        "point GOOGLE_APPLICATION_CREDENTIALS at a service account key",
        path));
  }
  const std::string type = StringField(json, "type");
  const std::string file_token_uri = StringField(json, "token_uri");
  const std::string token_url = endpoints.oauth_token_url_overridden || file_token_uri.empty()
                                    ? endpoints.oauth_token_url
                                    : file_token_uri;
  if (type == "authorized_user") {
    const std::string client_id = StringField(json, "client_id");
    const SecretString client_secret(StringField(json, "client_secret"));
    const SecretString refresh_token(StringField(json, "refresh_token"));
    if (client_id.empty() || refresh_token.empty()) {
      return CredentialsError(fmt::format(
          "{}: an authorized_user file needs client_id and refresh_token; run `gcloud auth "
          "application-default login` again",
          path));
    }
    const std::string body = FormEncode({{"grant_type", "refresh_token"},
                                         {"client_id", client_id},
                                         {"client_secret", client_secret.Reveal()},
                                         {"refresh_token", refresh_token.Reveal()}});
    // A server echoing the request body quotes them form-encoded
    // (a refresh token's "1//" as "1%2F%2F").
    const SecretString client_secret_sent(UriEncode(client_secret.Reveal()));
    const SecretString refresh_token_sent(UriEncode(refresh_token.Reveal()));
    return PostTokenGrant(
        http, token_url, body, now, "authorized_user in " + path, "the refresh-token grant",
        {&client_secret, &refresh_token, &client_secret_sent, &refresh_token_sent});
  }
  if (type == "service_account") {
    const std::string email = StringField(json, "client_email");
    const SecretString key(StringField(json, "private_key"));
    if (email.empty() || key.empty()) {
      return CredentialsError(fmt::format(
          "{}: a service_account key file needs client_email and private_key; download a new "
          "key for the service account",
          path));
    }
    auto jwt = SignServiceAccountJwt(key, email, StringField(json, "private_key_id"), token_url,
                                     kCloudPlatformScope, now);
    if (!jwt) {
      return CredentialsError(fmt::format("{}: {}", path, jwt.error().message));
    }
    const std::string body =
        FormEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                    {"assertion", jwt->Reveal()}});
    return PostTokenGrant(http, token_url, body, now,
                          fmt::format("service_account {} in {}", email, path),
                          "the service-account JWT grant", {&*jwt, &key});
  }
  return CredentialsError(
      fmt::format("{}: credentials of type \"{}\" are not supported (only authorized_user and "
                  "service_account); run `gcloud auth application-default login`, or set "
                  "CLOUDSDK_AUTH_ACCESS_TOKEN",
                  path, type));
}

}  // namespace

Result<SecretString> SignServiceAccountJwt(const SecretString& private_key_pem,
                                           const std::string& client_email,
                                           const std::string& key_id, const std::string& audience,
                                           const std::string& scope, Clock::time_point now) {
  Json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key_id.empty()) header["kid"] = key_id;
  const long long iat =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const Json claims = {{"iss", client_email},
                       {"scope", scope},
                       {"aud", audience},
                       {"iat", iat},
                       {"exp", iat + 3600}};
  const std::string signing_input =
      Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.Reveal().data(),
                      static_cast<int>(private_key_pem.Reveal().size())),
      BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return CredentialsError(
        "the service account's private_key is not a PEM RSA private key; download a new key");
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  EVP_MD_CTX_free);
  size_t length = 0;
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return CredentialsError("signing the service-account JWT failed (OpenSSL)");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    return CredentialsError("signing the service-account JWT failed (OpenSSL)");
  }
  signature.resize(length);
  return SecretString(signing_input + "." + Base64UrlEncode(signature));
}

CurlHttpOptions GcpHttpOptions(const EnvLookup& env) {
  return HttpOptionsFrom(env, "CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE");
}

CurlHttpOptions GcpMetadataHttpOptions(const EnvLookup& env) {
  return ForMetadataService(GcpHttpOptions(env));
}

std::string AdcFilePath(const EnvLookup& env, bool* named_by_variable) {
  if (auto path = NonEmptyVariable(env, "GOOGLE_APPLICATION_CREDENTIALS")) {
    if (named_by_variable != nullptr) *named_by_variable = true;
    return *path;
  }
  if (named_by_variable != nullptr) *named_by_variable = false;
  const std::filesystem::path config =
      NonEmptyVariable(env, "CLOUDSDK_CONFIG")
          .value_or((std::filesystem::path(NonEmptyVariable(env, "HOME").value_or("/")) /
                     ".config" / "gcloud")
                        .string());
  return (std::filesystem::path(config) / "application_default_credentials.json").string();
}

Result<GcpAccessToken> ResolveGcpBaseToken(const EnvLookup& env, HttpClient& http,
                                           HttpClient& metadata_http,
                                           const GcpTokenSourceOptions& options) {
  if (auto token = NonEmptyVariable(env, "CLOUDSDK_AUTH_ACCESS_TOKEN")) {
    return GcpAccessToken{SecretString(*token), std::nullopt, "CLOUDSDK_AUTH_ACCESS_TOKEN"};
  }
  const GcpEndpoints endpoints = ResolveGcpEndpoints(env);
  bool named = false;
  const std::string adc = AdcFilePath(env, &named);
  auto text = ReadFileIfPresent(adc, ErrorKind::kUsage);
  if (!text) return CredentialsError(text.error().message);
  if (*text) return FromAdcFile(adc, **text, http, endpoints, options.now);
  if (named) {
    return CredentialsError(fmt::format(
        "GOOGLE_APPLICATION_CREDENTIALS names {}, which does not exist; fix the path or unset it",
        adc));
  }

  HttpRequest request;
  request.url = fmt::format("http://{}/computeMetadata/v1/instance/service-accounts/default/token",
                            endpoints.metadata_host);
  request.headers = {{"Metadata-Flavor", "Google"}};
  auto response = metadata_http.Send(request);
  if (response && response->status == 200) {
    return ParseOauthTokenReply(*response, options.now,
                                "metadata server " + endpoints.metadata_host,
                                "the metadata server token request", {});
  }
  return CredentialsError(fmt::format(
      "no Google credentials found: CLOUDSDK_AUTH_ACCESS_TOKEN is unset, {} does not exist, and "
      "the metadata server at {} {}; run `gcloud auth application-default login`, set "
      "GOOGLE_APPLICATION_CREDENTIALS to a service account key, or set "
      "CLOUDSDK_AUTH_ACCESS_TOKEN=$(gcloud auth print-access-token)",
      adc, endpoints.metadata_host,
      response ? fmt::format("answered HTTP {}", response->status)
               : "did not answer (" + response.error().message + ")"));
}

}  // namespace audex
