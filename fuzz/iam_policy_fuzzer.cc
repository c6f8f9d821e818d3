// libFuzzer target: arbitrary bytes as an IAM reply or a role's policy
// document, through the IAM reply parsers, DecodePolicyDocument, ParsePolicy
// and the drift computation, checking what they accept is consistent.
//
// Input: the first byte picks the path (0-5: one of the six IAM reply
// parsers; otherwise a policy document, decoded and evaluated); the rest is
// the body.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/aws/iam_xml.h"
#include "catalog/action_catalog.h"
#include "catalog/catalog_universe.h"
#include "core/policy/drift.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

// A small catalog keeps NotAction expansion cheap per input.
const audex::ActionUniverse& Universe() {
  static const audex::ActionCatalog catalog([] {
    std::vector<audex::CatalogEntry> entries;
    for (const char* name : {"s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:DescribeImages",
                             "iam:GetRole", "dynamodb:Scan"}) {
      entries.push_back({name, audex::AccessLevel::kRead, {}});
    }
    return entries;
  }());
  static const audex::CatalogUniverse universe(catalog);
  return universe;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 8) {
    case 0: {
      const auto role = audex::ParseGetRoleReply(body);
      if (role) Check(!role->name.empty());
      break;
    }
    case 1: {
      const auto page = audex::ParseListRolePoliciesReply(body);
      if (!page) Check(page.error().kind == audex::ErrorKind::kCredentials);
      break;
    }
    case 2: {
      const auto page = audex::ParseListAttachedRolePoliciesReply(body);
      if (page) {
        for (const auto& policy : page->items) Check(!policy.arn.empty());
      }
      break;
    }
    case 3:
      (void)audex::ParseGetRolePolicyReply(body);
      break;
    case 4: {
      const auto version = audex::ParseGetPolicyReply(body);
      if (version) Check(!version->empty());
      break;
    }
    case 5:
      (void)audex::ParseGetPolicyVersionReply(body);
      break;
    default: {
      const auto document = audex::ParsePolicy(audex::DecodePolicyDocument(body));
      if (!document) break;
      audex::RolePolicies role;
      role.identity.push_back({"fuzz", *document});
      const audex::RolePermissions permissions = audex::ComputeRolePermissions(role, Universe());
      std::vector<std::string> granted;
      for (const auto& grant : permissions.grants) granted.push_back(grant.action);
      // A role compared with exactly what it grants has no drift.
      Check(!audex::CompareWithExpected(permissions, granted).HasDrift());
      break;
    }
  }
  return 0;
}
