// The STS Query API client: build the form, sign it, send it with bounded
// retries, parse the reply or turn the failure into advice.
#include "adapters/aws/sts_client.h"

#include <algorithm>

#include <fmt/format.h>

#include "adapters/aws/query_api.h"
#include "core/wire/sigv4.h"
#include "core/wire/url.h"

namespace audex {
namespace {

constexpr std::string_view kStsVersion = "2011-06-15";
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
  // Lists as the Query protocol spells them: NAME.member.N, from 1 (STS API
  // reference, AssumeRole; "Query requests", list parameters).
  for (size_t i = 0; i < request.policy_arns.size(); ++i) {
    parameters.emplace_back(fmt::format("PolicyArns.member.{}.arn", i + 1), request.policy_arns[i]);
  }
  for (size_t i = 0; i < request.tags.size(); ++i) {
    parameters.emplace_back(fmt::format("Tags.member.{}.Key", i + 1), request.tags[i].key);
    parameters.emplace_back(fmt::format("Tags.member.{}.Value", i + 1), request.tags[i].value);
  }
  for (size_t i = 0; i < request.transitive_tag_keys.size(); ++i) {
    parameters.emplace_back(fmt::format("TransitiveTagKeys.member.{}", i + 1),
                            request.transitive_tag_keys[i]);
  }
  return QueryFormPost(endpoint, parameters);
}

HttpRequest BuildGetCallerIdentityHttpRequest(std::string_view endpoint) {
  return QueryFormPost(endpoint,
                       {{"Action", "GetCallerIdentity"}, {"Version", std::string(kStsVersion)}});
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
