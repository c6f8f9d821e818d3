// The STS Query API client: build the form, sign it, send it with bounded
// retries, parse the reply or turn the failure into advice.
#include "adapters/aws/sts_client.h"

#include <algorithm>

#include <fmt/format.h>

#include "adapters/aws/query_api.h"
#include "core/sigv4.h"
#include "core/url.h"

namespace audex {
namespace {

constexpr std::string_view kStsVersion = "2011-06-15";
constexpr std::chrono::seconds kMinDuration{900};
constexpr std::chrono::seconds kMaxDuration{43200};

bool IsSessionNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

StsCallContext ContextFor(std::string operation, const StsClientOptions& options,
                          const AwsCredentials& base) {
  StsCallContext context;
  context.operation = std::move(operation);
  context.endpoint = options.endpoint;
  context.region = options.region;
  context.access_key_id = base.access_key_id;
  context.credentials_source = base.source.empty() ? "the given credentials" : base.source;
  context.base_is_temporary = !base.session_token.empty();
  return context;
}

// A message can quote the server, and a server may echo what it was sent;
// a reply that cannot be read is prefixed with the call it answered.
template <typename T>
Result<T> Finished(Result<T> result, const StsCallContext& context, const AwsCredentials& base,
                   bool from_reply) {
  if (!result) {
    std::string message = std::move(result.error().message);
    if (from_reply) message = DescribeStsCall(context) + ": " + message;
    result.error().message = RedactSecrets(std::move(message), base);
  }
  return result;
}

}  // namespace

Result<void> ValidateAssumeRoleRequest(const AssumeRoleRequest& request) {
  if (request.role_arn.empty()) {
    return UsageError(
        "no role to assume: give --role-arn, set AUDEX_ROLE_ARN, or set role_arn in config.toml");
  }
  const std::string& name = request.role_session_name;
  if (name.size() < 2 || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), IsSessionNameChar)) {
    return UsageError(fmt::format(
        "role session name \"{}\" must be 2 to 64 characters of letters, digits and _+=,.@- (STS "
        "RoleSessionName)",
        name));
  }
  if (request.duration_seconds < kMinDuration || request.duration_seconds > kMaxDuration) {
    return UsageError(fmt::format(
        "a TTL of {} s is outside what STS AssumeRole allows (900 s to 43200 s, and at most the "
        "role's maximum session duration); use --ttl between 15m and 12h",
        request.duration_seconds.count()));
  }
  if (request.source_identity) {
    const std::string& identity = *request.source_identity;
    if (identity.size() < 2 || identity.size() > 64 ||
        !std::all_of(identity.begin(), identity.end(), IsSessionNameChar) ||
        identity.starts_with("aws:")) {
      return UsageError(fmt::format(
          "--source-identity \"{}\" must be 2 to 64 characters of letters, digits and _+=,.@- and "
          "must not start with \"aws:\"",
          identity));
    }
  }
  return {};
}

HttpRequest BuildAssumeRoleHttpRequest(const AssumeRoleRequest& request,
                                       std::string_view endpoint) {
  QueryParameters parameters = {
      {"Action", "AssumeRole"},
      {"Version", std::string(kStsVersion)},
      {"RoleArn", request.role_arn},
      {"RoleSessionName", request.role_session_name},
      {"DurationSeconds", std::to_string(request.duration_seconds.count())},
  };
  if (!request.policy.empty()) parameters.emplace_back("Policy", request.policy);
  if (request.source_identity) parameters.emplace_back("SourceIdentity", *request.source_identity);
  return QueryFormPost(endpoint, parameters);
}

HttpRequest BuildGetCallerIdentityHttpRequest(std::string_view endpoint) {
  return QueryFormPost(endpoint,
                       {{"Action", "GetCallerIdentity"}, {"Version", std::string(kStsVersion)}});
}

Result<void> ValidateGetScopedCredentialsRequest(const GetScopedCredentialsRequest& request) {
  if (request.duration &&
      (request.duration->count() < 1 || *request.duration > kMaxScopedDuration)) {
    // Exit 3 like AssumeRole's bounds: README "Exit codes", TTL outside the
    // provider's bounds.
    return PolicyError(fmt::format(
        "a TTL of {} s is outside what STS GetScopedCredentials allows (1 s to 129600 s); use "
        "--ttl between 1s and 36h",
        request.duration->count()));
  }
  return {};
}

HttpRequest BuildGetScopedCredentialsHttpRequest(const GetScopedCredentialsRequest& request,
                                                 std::string_view endpoint) {
  QueryParameters parameters = {{"Action", "GetScopedCredentials"},
                                {"Version", std::string(kStsVersion)}};
  if (!request.policy.empty()) parameters.emplace_back("Policy", request.policy);
  if (request.duration) {
    parameters.emplace_back("DurationSeconds", std::to_string(request.duration->count()));
  }
  return QueryFormPost(endpoint, parameters);
}

StsClient::StsClient(HttpClient& http, StsClientOptions options)
    : http_(http), options_(std::move(options)) {
  FillUnsetRetryHooks(options_.sleep, options_.random01, &options_.clock);
}

Result<HttpResponse> StsClient::SendWithRetries(const HttpRequest& unsigned_request,
                                                const AwsCredentials& base,
                                                const StsCallContext& context) {
  const QueryRetry retry{options_.retry, options_.sleep, options_.random01, options_.clock};
  return SendSignedQuery(http_, unsigned_request, base, SigV4Scope{options_.region, "sts"}, retry,
                         context, last_attempts_);
}

Result<AssumedRole> StsClient::AssumeRole(const AssumeRoleRequest& request,
                                          const AwsCredentials& base) {
  last_attempts_ = 0;
  if (auto valid = ValidateAssumeRoleRequest(request); !valid) return tl::unexpected(valid.error());
  StsCallContext context = ContextFor("AssumeRole", options_, base);
  context.role_arn = request.role_arn;
  context.duration = request.duration_seconds;

  auto response =
      SendWithRetries(BuildAssumeRoleHttpRequest(request, options_.endpoint), base, context);
  if (!response)
    return Finished<AssumedRole>(tl::unexpected(response.error()), context, base, false);
  return Finished(ParseAssumeRoleReply(response->body, "sts:AssumeRole of " + request.role_arn),
                  context, base, true);
}

Result<ScopedCredentials> StsClient::GetScopedCredentials(
    const GetScopedCredentialsRequest& request, const AwsCredentials& base) {
  last_attempts_ = 0;
  if (auto valid = ValidateGetScopedCredentialsRequest(request); !valid) {
    return tl::unexpected(valid.error());
  }
  StsCallContext context = ContextFor("GetScopedCredentials", options_, base);
  if (base.session_token.empty()) {
    return CredentialsError(fmt::format(
        "{}: the base credentials are long-lived keys, and GetScopedCredentials only narrows "
        "temporary credentials; get temporary ones first (aws sts get-session-token, or assume a "
        "role) or drop --scope-current to assume a role instead",
        DescribeStsCall(context)));
  }
  if (request.duration) context.duration = *request.duration;
  auto response = SendWithRetries(BuildGetScopedCredentialsHttpRequest(request, options_.endpoint),
                                  base, context);
  if (!response) {
    return Finished<ScopedCredentials>(tl::unexpected(response.error()), context, base, false);
  }
  return Finished(ParseGetScopedCredentialsReply(response->body, "sts:GetScopedCredentials"),
                  context, base, true);
}

Result<CallerIdentity> StsClient::GetCallerIdentity(const AwsCredentials& base) {
  const StsCallContext context = ContextFor("GetCallerIdentity", options_, base);
  auto response =
      SendWithRetries(BuildGetCallerIdentityHttpRequest(options_.endpoint), base, context);
  if (!response) {
    return Finished<CallerIdentity>(tl::unexpected(response.error()), context, base, false);
  }
  return Finished(ParseCallerIdentityReply(response->body), context, base, true);
}

}  // namespace audex
