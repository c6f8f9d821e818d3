#include "fixture_catalog.h"

namespace audex::testing {

const ActionCatalog& FixtureCatalog() {
  using L = AccessLevel;
  static const ActionCatalog catalog(std::vector<CatalogEntry>{
      {"s3:GetObject", L::kRead, {{"object", true}, {"accesspointobject"}}},
      {"s3:GetObjectAcl", L::kRead, {{"object", true}}},
      {"s3:GetObjectTagging", L::kRead, {{"object", true}}},
      {"s3:GetBucketPolicy", L::kRead, {{"bucket", true}}},
      {"s3:ListBucket", L::kList, {{"bucket", true}}},
      {"s3:ListAllMyBuckets", L::kList, {}},
      {"s3:PutObject", L::kWrite, {{"object", true}}},
      {"s3:PutObjectAcl", L::kPermissionsManagement | L::kWrite, {{"object", true}}},
      {"s3:PutObjectTagging", L::kTagging | L::kWrite, {{"object", true}}},
      {"s3:DeleteObject", L::kWrite, {{"object", true}}},
      {"s3:PutBucketPolicy", L::kPermissionsManagement, {{"bucket", true}}},
      {"s3-outposts:GetObject", L::kRead, {{"object", true}}},
      {"ec2:DescribeInstances", L::kList, {}},
      {"ec2:DescribeSpotInstances", L::kList, {}},
      {"ec2:DescribeInstanceStatus", L::kList, {}},
      {"ec2:RunInstances", L::kWrite, {{"instance", true}, {"image"}}},
      {"ec2:CreateTags", L::kTagging, {{"instance"}}},
      {"iam:GetUser", L::kRead, {{"user", true}}},
      {"iam:PassRole", L::kWrite, {{"role", true}}},
      {"iam:ListAccessKeys", L::kList, {{"user", true}}},
      {"dynamodb:GetItem", L::kRead, {{"table", true}}},
      {"dynamodb:Query", L::kRead, {{"table", true}}},
      {"dynamodb:PutItem", L::kWrite, {{"table", true}}},
  });
  return catalog;
}

}  // namespace audex::testing
