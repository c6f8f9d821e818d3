#include "adapters/azure/azure_credentials.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "core/base/rfc3339.h"
#include "core/wire/url.h"

namespace audex {
namespace {

using Json = nlohmann::json;
using TimePoint = std::chrono::system_clock::time_point;

std::optional<std::string> NonEmpty(const EnvLookup& env, const std::string& name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

// Entra ID errors: {"error":"invalid_client","error_description":"AADSTS7000215: ..."}.
std::string EntraError(const HttpResponse& response) {
  const Json json = Json::parse(response.body, nullptr, false);
  std::string message = fmt::format("HTTP {}", response.status);
  if (json.is_object()) {
    if (json.contains("error") && json["error"].is_string()) {
      message += " " + json["error"].get<std::string>();
    } else if (json.contains("error") && json["error"].is_object() &&
               json["error"].contains("message") && json["error"]["message"].is_string()) {
      message += " " + json["error"]["message"].get<std::string>();
    }
    if (json.contains("error_description") && json["error_description"].is_string()) {
      std::string description = json["error_description"].get<std::string>();
      // Entra appends trace ids and timestamps on later lines.
      description = description.substr(0, description.find('\n'));
      description = description.substr(0, description.find('\r'));
      message += ": " + description;
    }
  }
  return message;
}

// `sent`: the secrets the request carried (a client secret, also as the
// form body carried it, an identity header), taken out of a quoted error
// reply should the server echo them.
Result<AzureAccessToken> ReadTokenReply(const HttpResult& result, const std::string& source,
                                        const std::string& fix, TimePoint now,
                                        const std::vector<SecretString>& sent) {
  std::vector<const SecretString*> secrets;
  for (const SecretString& secret : sent) secrets.push_back(&secret);
  if (!result) {
    return CredentialsError(fmt::format(
        "{}: {}; {}", source, RedactSecrets(result.error().message, secrets, false), fix));
  }
  if (result->status != 200) {
    return CredentialsError(fmt::format("{} refused the token request ({}); {}", source,
                                        RedactSecrets(EntraError(*result), secrets, false), fix));
  }
  const Json json = Json::parse(result->body, nullptr, false);
  if (!json.is_object() || !json.contains("access_token") || !json["access_token"].is_string()) {
    return CredentialsError(fmt::format("{} answered without an access_token; {}", source, fix));
  }
  AzureAccessToken token;
  token.token = SecretString(json["access_token"].get<std::string>());
  token.expiration = AzureTokenExpiry(json, now);
  token.source = source;
  token.tenant_id = JwtTenantId(token.token.Reveal());
  return token;
}

std::string WithQuery(const std::string& url, const std::string& query) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + query;
}

}  // namespace

Result<AzureAccessToken> ResolveAzureToken(const EnvLookup& env, const AzureCloud& cloud,
                                           HttpClient& http, HttpClient& imds_http,
                                           const AzureTokenOptions& options) {
  const auto client_id = NonEmpty(env, "AZURE_CLIENT_ID");
  const auto client_secret = NonEmpty(env, "AZURE_CLIENT_SECRET");
  const auto tenant_id = NonEmpty(env, "AZURE_TENANT_ID");
  if (client_secret) {
    if (!client_id || !tenant_id) {
      return CredentialsError(
          "AZURE_CLIENT_SECRET is set but AZURE_CLIENT_ID or AZURE_TENANT_ID is not: set all "
          "three for a service principal, or unset AZURE_CLIENT_SECRET");
    }
    HttpRequest request;
    request.method = "POST";
    request.url =
        fmt::format("{}/{}/oauth2/v2.0/token", cloud.authority_host, UriEncode(*tenant_id));
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"}};
    request.body = FormEncode({{"grant_type", "client_credentials"},
                               {"client_id", *client_id},
                               {"client_secret", *client_secret},
                               {"scope", cloud.arm_resource + ".default"}});
    auto token = ReadTokenReply(
        http.Send(request),
        fmt::format("client credentials of app {} in tenant {}", *client_id, *tenant_id),
        "check AZURE_CLIENT_ID, AZURE_CLIENT_SECRET (it may have expired) and AZURE_TENANT_ID",
        options.now, {SecretString(*client_secret), SecretString(UriEncode(*client_secret))});
    if (token && !token->tenant_id) token->tenant_id = *tenant_id;
    return token;
  }

  const auto identity_endpoint = NonEmpty(env, "IDENTITY_ENDPOINT");
  const auto identity_header = NonEmpty(env, "IDENTITY_HEADER");
  if (identity_endpoint && identity_header) {
    HttpRequest request;
    request.url = WithQuery(*identity_endpoint,
                            "api-version=2019-08-01&resource=" + UriEncode(cloud.arm_resource));
    request.headers = {{"X-IDENTITY-HEADER", *identity_header}, {"Accept", "application/json"}};
    return ReadTokenReply(http.Send(request), "managed identity (IDENTITY_ENDPOINT)",
                          "check that the managed identity is enabled", options.now,
                          {SecretString(*identity_header)});
  }
  if (const auto msi_endpoint = NonEmpty(env, "MSI_ENDPOINT")) {
    HttpRequest request;
    request.method = "POST";
    request.url = *msi_endpoint;
    request.headers = {{"Metadata", "true"},
                       {"Content-Type", "application/x-www-form-urlencoded"},
                       {"Accept", "application/json"}};
    const auto secret = NonEmpty(env, "MSI_SECRET");
    if (secret) request.headers.emplace_back("secret", *secret);
    request.body = FormEncode({{"resource", cloud.arm_resource}});
    return ReadTokenReply(http.Send(request), "managed identity (MSI_ENDPOINT)",
                          "check that the managed identity is enabled", options.now,
                          {SecretString(secret.value_or(""))});
  }

  std::string cli_problem = "the Azure CLI (az) is not installed";
  if (options.run_cli && options.cli_available) {
    auto output =
        options.run_cli(fmt::format("az account get-access-token --resource '{}' --output json",
                                    cloud.arm_resource),
                        "Azure CLI (az account get-access-token)");
    if (output) {
      const Json json = Json::parse(*output, nullptr, false);
      if (json.is_object() && json.contains("accessToken") && json["accessToken"].is_string()) {
        AzureAccessToken token;
        token.token = SecretString(json["accessToken"].get<std::string>());
        token.source = "Azure CLI (az account get-access-token)";
        // Newer Azure CLIs print expires_on (epoch seconds); older ones print
        // only a local-time expiresOn: then assume the usual hour.
        token.expiration = AzureTokenExpiry(json, options.now);
        if (!token.expiration) token.expiration = options.now + std::chrono::minutes(60);
        if (json.contains("tenant") && json["tenant"].is_string()) {
          token.tenant_id = json["tenant"].get<std::string>();
        }
        if (json.contains("subscription") && json["subscription"].is_string()) {
          token.subscription_id = json["subscription"].get<std::string>();
        }
        return token;
      }
      cli_problem = "the Azure CLI printed no accessToken";
    } else {
      // Its own words ("ERROR: Please run 'az login' ...") are in the message.
      cli_problem = output.error().message;
    }
  }

  HttpRequest request;
  request.url = NonEmpty(env, "IMDS_ENDPOINT").value_or("http://169.254.169.254") +
                "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" +
                UriEncode(cloud.arm_resource);
  request.headers = {{"Metadata", "true"}};
  auto reply = imds_http.Send(request);
  if (reply && reply->status == 200) {
    return ReadTokenReply(reply, "managed identity (IMDS)",
                          "check that the VM has a managed identity", options.now, {});
  }
  return CredentialsError(fmt::format(
      "no Azure credentials found: AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID, "
      "IDENTITY_ENDPOINT/IDENTITY_HEADER and MSI_ENDPOINT are unset, {}, and the instance "
      "metadata service {}; set a service principal's variables, or run `az login`",
      cli_problem,
      reply ? fmt::format("answered HTTP {}", reply->status) : std::string("did not answer")));
}

}  // namespace audex
