// IamClient: reads an IAM role and its policies over the Query API (the
// protocol STS uses: SigV4-signed form posts, XML replies, the same error
// documents and retry policy), for `tryaudex drift`; and writes the one
// inline policy through which revocation denies sessions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/aws/iam_xml.h"
#include "adapters/aws/query_api.h"
#include "adapters/http/http_client.h"
#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

struct IamClientOptions {
  std::string endpoint = "https://iam.amazonaws.com";
  std::string signing_region = "us-east-1";  // IAM is global; signed for its partition's region
  // Unset functions are filled from RealQueryRetry().
  QueryRetry retry;
  // Pages read of one list before giving up: IAM caps a role at 10 inline
  // policy kB and 20 managed policies, so a list that goes on is broken
  // (moto answers a last, empty page after a full one).
  int max_pages = 50;
  std::optional<int> max_items;  // MaxItems per page; IAM's default is 100
};

// Not thread-safe. Errors are kCredentials and name the call, the endpoint
// and the access key id (never a secret); AccessDenied lists the IAM
// permissions drift needs; NoSuchEntity on GetRole names the role.
class IamClient {
 public:
  IamClient(HttpClient& http, IamClientOptions options);

  // `role` is the role's ARN (its name, the part after the last '/', is
  // what IAM is sent; errors name the whole ARN) or a bare role name.
  Result<IamRole> GetRole(std::string_view role, const AwsCredentials& base);
  Result<std::vector<std::string>> ListRolePolicies(std::string_view role,
                                                    const AwsCredentials& base);
  // The inline policy's document, decoded.
  Result<std::string> GetRolePolicy(std::string_view role, std::string_view policy_name,
                                    const AwsCredentials& base);
  Result<std::vector<AttachedPolicy>> ListAttachedRolePolicies(std::string_view role,
                                                               const AwsCredentials& base);
  // The managed policy's DefaultVersionId (GetPolicy).
  Result<std::string> GetPolicyDefaultVersion(std::string_view policy_arn,
                                              const AwsCredentials& base);
  // One version's document, decoded.
  Result<std::string> GetPolicyVersion(std::string_view policy_arn, std::string_view version_id,
                                       const AwsCredentials& base);

  // Writes (creates or replaces) the role's inline policy; revocation's
  // Deny (core/team/revocation.h). Needs iam:PutRolePolicy on the role.
  Result<void> PutRolePolicy(std::string_view role, std::string_view policy_name,
                             std::string_view document, const AwsCredentials& base);
  // Needs iam:DeleteRolePolicy on the role.
  Result<void> DeleteRolePolicy(std::string_view role, std::string_view policy_name,
                                const AwsCredentials& base);

  int requests_sent() const { return requests_sent_; }

 private:
  Result<std::string> Call(std::string operation, QueryParameters parameters,
                           std::string_view subject, const AwsCredentials& base);
  template <typename T, typename Parse>
  Result<std::vector<T>> ListAll(const std::string& operation, const QueryParameters& parameters,
                                 std::string_view subject, const AwsCredentials& base, Parse parse);

  HttpClient& http_;
  IamClientOptions options_;
  int requests_sent_ = 0;
};

// One policy document that applies to the role.
struct FetchedPolicy {
  std::string kind;      // "inline", "managed" or "boundary"
  std::string name;      // the inline policy's name, or the managed policy's
  std::string arn;       // managed and boundary policies
  std::string version;   // their default version
  std::string document;  // JSON, decoded
};

struct FetchedRole {
  IamRole role;
  std::vector<FetchedPolicy> policies;  // inline ones first, then attached, in IAM's order
  std::optional<FetchedPolicy> boundary;
};

// Reads everything that decides what `role` (an ARN or a name) may do: GetRole, every page of
// ListRolePolicies and GetRolePolicy for each, every page of
// ListAttachedRolePolicies and GetPolicy + GetPolicyVersion (the default
// version) for each, and the permissions boundary the same way.
// `on_policy`, when set, is told before each policy is read (its kind and
// name, how many were read, how many there are of that kind): a role with
// dozens of policies takes a while.
using FetchProgress = std::function<void(const std::string& kind, const std::string& name,
                                         size_t done, size_t total)>;
Result<FetchedRole> FetchRole(IamClient& iam, std::string_view role, const AwsCredentials& base,
                              const FetchProgress& on_policy = {});

}  // namespace audex
