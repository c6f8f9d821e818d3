#include "adapters/aws/iam_xml.h"

#include <fmt/format.h>
#include <pugixml.hpp>

#include "adapters/aws/aws_xml.h"
#include "core/base/text.h"
#include "core/wire/url.h"

namespace audex {
namespace {

using aws_xml::Child;
using aws_xml::ChildText;
using aws_xml::Find;

tl::unexpected<Error> NotIam(std::string_view operation, std::string_view what) {
  return CredentialsError(fmt::format(
      "the iam:{} reply has no {}; is the endpoint an IAM service (AWS_ENDPOINT_URL_IAM, "
      "AWS_ENDPOINT_URL)?",
      operation, what));
}

// The <OPERATION>Result element of a reply, or an error.
Result<pugi::xml_node> ResultOf(std::string_view xml, pugi::xml_document& document,
                                std::string_view operation) {
  const pugi::xml_parse_result parsed = document.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return CredentialsError(fmt::format(
        "the iam:{} reply is not valid XML ({} at byte {} of {}); is the endpoint an IAM "
        "service (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL)?",
        operation, parsed.description(), parsed.offset, xml.size()));
  }
  const std::string name = std::string(operation) + "Result";
  const pugi::xml_node result = Find(document, name);
  if (!result) return NotIam(operation, name);
  return result;
}

template <typename T>
void ReadPagination(const pugi::xml_node& result, IamPage<T>& page) {
  page.truncated = ChildText(result, "IsTruncated") == "true";
  page.marker = ChildText(result, "Marker");
}

}  // namespace

std::string DecodePolicyDocument(std::string_view text) {
  const std::string_view trimmed = Trim(text);
  if (trimmed.starts_with("{")) return std::string(trimmed);
  return PercentDecode(trimmed);
}

Result<IamRole> ParseGetRoleReply(std::string_view xml) {
  pugi::xml_document document;
  auto result = ResultOf(xml, document, "GetRole");
  if (!result) return tl::unexpected(result.error());
  const pugi::xml_node role = Child(*result, "Role");
  if (!role) return NotIam("GetRole", "GetRoleResult/Role");
  IamRole out{ChildText(role, "RoleName"), ChildText(role, "Arn"), std::nullopt};
  if (out.name.empty()) return NotIam("GetRole", "Role/RoleName");
  if (std::string boundary =
          ChildText(Child(role, "PermissionsBoundary"), "PermissionsBoundaryArn");
      !boundary.empty()) {
    out.permissions_boundary_arn = std::move(boundary);
  }
  out.role_id = ChildText(role, "RoleId");
  return out;
}

Result<IamPage<std::string>> ParseListRolePoliciesReply(std::string_view xml) {
  pugi::xml_document document;
  auto result = ResultOf(xml, document, "ListRolePolicies");
  if (!result) return tl::unexpected(result.error());
  IamPage<std::string> page;
  const pugi::xml_node names = Child(*result, "PolicyNames");
  if (!names) return NotIam("ListRolePolicies", "ListRolePoliciesResult/PolicyNames");
  for (const pugi::xml_node& member : names.children()) {
    if (aws_xml::LocalName(member) != "member") continue;
    page.items.emplace_back(Trim(member.child_value()));
  }
  ReadPagination(*result, page);
  return page;
}

Result<IamPage<AttachedPolicy>> ParseListAttachedRolePoliciesReply(std::string_view xml) {
  pugi::xml_document document;
  auto result = ResultOf(xml, document, "ListAttachedRolePolicies");
  if (!result) return tl::unexpected(result.error());
  IamPage<AttachedPolicy> page;
  const pugi::xml_node attached = Child(*result, "AttachedPolicies");
  if (!attached) {
    return NotIam("ListAttachedRolePolicies", "ListAttachedRolePoliciesResult/AttachedPolicies");
  }
  for (const pugi::xml_node& member : attached.children()) {
    if (aws_xml::LocalName(member) != "member") continue;
    AttachedPolicy policy{ChildText(member, "PolicyName"), ChildText(member, "PolicyArn")};
    if (policy.arn.empty()) return NotIam("ListAttachedRolePolicies", "member/PolicyArn");
    page.items.push_back(std::move(policy));
  }
  ReadPagination(*result, page);
  return page;
}

Result<std::string> ParseGetRolePolicyReply(std::string_view xml) {
  pugi::xml_document document;
  auto result = ResultOf(xml, document, "GetRolePolicy");
  if (!result) return tl::unexpected(result.error());
  const pugi::xml_node text = Child(*result, "PolicyDocument");
  if (!text) return NotIam("GetRolePolicy", "GetRolePolicyResult/PolicyDocument");
  return DecodePolicyDocument(text.child_value());
}

Result<std::string> ParseGetPolicyReply(std::string_view xml) {
  pugi::xml_document document;
  auto result = ResultOf(xml, document, "GetPolicy");
  if (!result) return tl::unexpected(result.error());
  std::string version = ChildText(Child(*result, "Policy"), "DefaultVersionId");
  if (version.empty()) return NotIam("GetPolicy", "Policy/DefaultVersionId");
  return version;
}

Result<std::string> ParseGetPolicyVersionReply(std::string_view xml) {
  pugi::xml_document document;
  auto result = ResultOf(xml, document, "GetPolicyVersion");
  if (!result) return tl::unexpected(result.error());
  const pugi::xml_node text = Child(Child(*result, "PolicyVersion"), "Document");
  if (!text) return NotIam("GetPolicyVersion", "PolicyVersion/Document");
  return DecodePolicyDocument(text.child_value());
}

}  // namespace audex
