#include "adapters/aws/iam_client.h"

#include <fmt/format.h>

#include "adapters/aws/sts_errors.h"
#include "adapters/http/retry_hooks.h"
#include "core/plan/role.h"

namespace audex {
namespace {

constexpr std::string_view kIamVersion = "2010-05-08";

}  // namespace

IamClient::IamClient(HttpClient& http, IamClientOptions options)
    : http_(http), options_(std::move(options)) {
  FillUnsetRetryHooks(options_.retry.sleep, options_.retry.random01, &options_.retry.clock);
}

Result<std::string> IamClient::Call(std::string operation, QueryParameters parameters,
                                    std::string_view subject, const AwsCredentials& base) {
  StsCallContext context;
  context.service = "iam";
  context.operation = operation;
  context.endpoint = options_.endpoint;
  context.region = options_.signing_region;
  context.role_arn = std::string(subject);
  context.access_key_id = base.access_key_id;
  context.credentials_source = base.source.empty() ? "the given credentials" : base.source;
  context.base_is_temporary = !base.session_token.empty();

  parameters.insert(parameters.begin(),
                    {{"Action", operation}, {"Version", std::string(kIamVersion)}});
  int attempts = 0;
  auto response = SendSignedQuery(http_, QueryFormPost(options_.endpoint, parameters), base,
                                  SigV4Scope{options_.signing_region, "iam"}, options_.retry,
                                  context, attempts);
  requests_sent_ += attempts;
  if (!response) {
    response.error().message = RedactSecrets(std::move(response.error().message), base);
    return tl::unexpected(response.error());
  }
  return std::move(response->body);
}

template <typename T, typename Parse>
Result<std::vector<T>> IamClient::ListAll(const std::string& operation,
                                          const QueryParameters& parameters,
                                          std::string_view subject, const AwsCredentials& base,
                                          Parse parse) {
  std::vector<T> items;
  std::string marker;
  for (int page = 1; page <= options_.max_pages; ++page) {
    QueryParameters request = parameters;
    if (options_.max_items) request.emplace_back("MaxItems", std::to_string(*options_.max_items));
    if (!marker.empty()) request.emplace_back("Marker", marker);
    auto body = Call(operation, std::move(request), subject, base);
    if (!body) return tl::unexpected(body.error());
    auto parsed = parse(*body);
    if (!parsed) return tl::unexpected(parsed.error());
    for (T& item : parsed->items) items.push_back(std::move(item));
    if (!parsed->truncated || parsed->marker.empty()) return items;
    if (parsed->marker == marker) {
      return CredentialsError(fmt::format(
          "iam:{} of {} at {} answered the same Marker twice; the endpoint is not paginating "
          "correctly (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL)",
          operation, subject, options_.endpoint));
    }
    marker = std::move(parsed->marker);
  }
  return CredentialsError(
      fmt::format("iam:{} of {} at {} was still truncated after {} pages ({} items); a role has "
                  "at most a few dozen policies, so the endpoint is misbehaving",
                  operation, subject, options_.endpoint, options_.max_pages, items.size()));
}

Result<IamRole> IamClient::GetRole(std::string_view role, const AwsCredentials& base) {
  auto body = Call("GetRole", {{"RoleName", RoleNameFromArn(role)}}, role, base);
  if (!body) return tl::unexpected(body.error());
  return ParseGetRoleReply(*body);
}

Result<std::vector<std::string>> IamClient::ListRolePolicies(std::string_view role,
                                                             const AwsCredentials& base) {
  return ListAll<std::string>("ListRolePolicies", {{"RoleName", RoleNameFromArn(role)}}, role, base,
                              ParseListRolePoliciesReply);
}

Result<std::string> IamClient::GetRolePolicy(std::string_view role, std::string_view policy_name,
                                             const AwsCredentials& base) {
  auto body = Call("GetRolePolicy",
                   {{"RoleName", RoleNameFromArn(role)}, {"PolicyName", std::string(policy_name)}},
                   fmt::format("{} (inline policy {})", role, policy_name), base);
  if (!body) return tl::unexpected(body.error());
  return ParseGetRolePolicyReply(*body);
}

Result<std::vector<AttachedPolicy>> IamClient::ListAttachedRolePolicies(
    std::string_view role, const AwsCredentials& base) {
  return ListAll<AttachedPolicy>("ListAttachedRolePolicies", {{"RoleName", RoleNameFromArn(role)}},
                                 role, base, ParseListAttachedRolePoliciesReply);
}

Result<std::string> IamClient::GetPolicyDefaultVersion(std::string_view policy_arn,
                                                       const AwsCredentials& base) {
  auto body = Call("GetPolicy", {{"PolicyArn", std::string(policy_arn)}}, policy_arn, base);
  if (!body) return tl::unexpected(body.error());
  return ParseGetPolicyReply(*body);
}

Result<std::string> IamClient::GetPolicyVersion(std::string_view policy_arn,
                                                std::string_view version_id,
                                                const AwsCredentials& base) {
  auto body = Call("GetPolicyVersion",
                   {{"PolicyArn", std::string(policy_arn)}, {"VersionId", std::string(version_id)}},
                   policy_arn, base);
  if (!body) return tl::unexpected(body.error());
  return ParseGetPolicyVersionReply(*body);
}

Result<void> IamClient::PutRolePolicy(std::string_view role, std::string_view policy_name,
                                      std::string_view document, const AwsCredentials& base) {
  auto body = Call("PutRolePolicy",
                   {{"RoleName", RoleNameFromArn(role)},
                    {"PolicyName", std::string(policy_name)},
                    {"PolicyDocument", std::string(document)}},
                   role, base);
  if (!body) return tl::unexpected(body.error());
  return {};
}

Result<void> IamClient::DeleteRolePolicy(std::string_view role, std::string_view policy_name,
                                         const AwsCredentials& base) {
  auto body = Call("DeleteRolePolicy",
                   {{"RoleName", RoleNameFromArn(role)}, {"PolicyName", std::string(policy_name)}},
                   role, base);
  if (!body) return tl::unexpected(body.error());
  return {};
}

namespace {

Result<FetchedPolicy> FetchManaged(IamClient& iam, std::string kind, std::string name,
                                   const std::string& arn, const AwsCredentials& base) {
  auto version = iam.GetPolicyDefaultVersion(arn, base);
  if (!version) return tl::unexpected(version.error());
  auto document = iam.GetPolicyVersion(arn, *version, base);
  if (!document) return tl::unexpected(document.error());
  if (name.empty()) name = arn.substr(arn.rfind('/') + 1);
  return FetchedPolicy{std::move(kind), std::move(name), arn, std::move(*version),
                       std::move(*document)};
}

}  // namespace

Result<FetchedRole> FetchRole(IamClient& iam, std::string_view role, const AwsCredentials& base,
                              const FetchProgress& on_policy) {
  FetchedRole fetched;
  auto read = iam.GetRole(role, base);
  if (!read) return tl::unexpected(read.error());
  fetched.role = std::move(*read);

  auto inline_names = iam.ListRolePolicies(role, base);
  if (!inline_names) return tl::unexpected(inline_names.error());
  for (const std::string& name : *inline_names) {
    if (on_policy) on_policy("inline", name, fetched.policies.size(), inline_names->size());
    auto document = iam.GetRolePolicy(role, name, base);
    if (!document) return tl::unexpected(document.error());
    fetched.policies.push_back(FetchedPolicy{"inline", name, "", "", std::move(*document)});
  }

  auto attached = iam.ListAttachedRolePolicies(role, base);
  if (!attached) return tl::unexpected(attached.error());
  for (size_t i = 0; i < attached->size(); ++i) {
    const AttachedPolicy& policy = (*attached)[i];
    if (on_policy) on_policy("managed", policy.name, i, attached->size());
    auto managed = FetchManaged(iam, "managed", policy.name, policy.arn, base);
    if (!managed) return tl::unexpected(managed.error());
    fetched.policies.push_back(std::move(*managed));
  }

  if (fetched.role.permissions_boundary_arn) {
    auto boundary = FetchManaged(iam, "boundary", "", *fetched.role.permissions_boundary_arn, base);
    if (!boundary) return tl::unexpected(boundary.error());
    fetched.boundary = std::move(*boundary);
  }
  return fetched;
}

}  // namespace audex
