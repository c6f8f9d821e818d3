// IAM replies read from XML (the Query protocol, as STS): the role, its
// inline and attached policy lists with their pagination, and policy
// documents, URL-encoded or not. Pure functions of the reply text, apart
// from the network so they can be fuzzed. Errors are kCredentials and say
// which element is missing; error documents are STS's (ParseStsErrorReply).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

struct IamRole {
  std::string name;
  std::string arn;
  std::optional<std::string> permissions_boundary_arn;
  std::string role_id = "";  // "AROA...": what aws:userid of its sessions starts with
};

// One page of a paginated IAM list: IsTruncated and the Marker for the next.
template <typename T>
struct IamPage {
  std::vector<T> items;
  bool truncated = false;
  std::string marker;
};

struct AttachedPolicy {
  std::string name;
  std::string arn;
};

Result<IamRole> ParseGetRoleReply(std::string_view xml);
Result<IamPage<std::string>> ParseListRolePoliciesReply(std::string_view xml);
Result<IamPage<AttachedPolicy>> ParseListAttachedRolePoliciesReply(std::string_view xml);
// The policy document, decoded (DecodePolicyDocument).
Result<std::string> ParseGetRolePolicyReply(std::string_view xml);
// The policy's DefaultVersionId.
Result<std::string> ParseGetPolicyReply(std::string_view xml);
// The version's Document, decoded.
Result<std::string> ParseGetPolicyVersionReply(std::string_view xml);

// IAM returns policy documents URL-encoded (RFC 3986); moto returns
// GetPolicyVersion's raw. A document that already starts with '{' is
// returned as it is (decoding it would corrupt a literal '%' in a value);
// anything else is percent-decoded.
std::string DecodePolicyDocument(std::string_view text);

}  // namespace audex
