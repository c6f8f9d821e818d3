#include "core/policy/gcp_access_boundary.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "core/wire/url.h"
#include "support/form_body.h"

namespace audex {
namespace {

TEST(ParseBucketResource, AcceptsFullNamesAndGsUrls) {
  EXPECT_EQ(*ParseBucketResource("//storage.googleapis.com/projects/_/buckets/my-data", "x"),
            "//storage.googleapis.com/projects/_/buckets/my-data");
  EXPECT_EQ(*ParseBucketResource("gs://my-data", "x"),
            "//storage.googleapis.com/projects/_/buckets/my-data");
  EXPECT_EQ(*ParseBucketResource("gs://my-data/", "x"),
            "//storage.googleapis.com/projects/_/buckets/my-data");
}

TEST(ParseBucketResource, RejectsObjectsArnsAndBadNames) {
  for (const char* bad :
       {"arn:aws:s3:::b", "gs://my-data/objects/x", "gs://ab", "gs://Upper", "gs://-lead",
        "//storage.googleapis.com/projects/_/buckets/", "my-data"}) {
    auto parsed = ParseBucketResource(bad, "--resource");
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kPolicy);
    EXPECT_NE(parsed.error().message.find("--resource"), std::string::npos);
  }
}

TEST(AccessBoundaryJson, OneRulePerBucketWithEveryRole) {
  auto json =
      AccessBoundaryJson({"//storage.googleapis.com/projects/_/buckets/a",
                          "//storage.googleapis.com/projects/_/buckets/b"},
                         {"roles/storage.objectViewer", "roles/storage.legacyBucketReader"});
  ASSERT_TRUE(json);
  const auto parsed = nlohmann::json::parse(*json);
  const auto& rules = parsed["accessBoundary"]["accessBoundaryRules"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[1]["availableResource"], "//storage.googleapis.com/projects/_/buckets/b");
  EXPECT_EQ(rules[0]["availablePermissions"],
            nlohmann::json(
                {"inRole:roles/storage.objectViewer", "inRole:roles/storage.legacyBucketReader"}));
}

TEST(AccessBoundaryJson, NeedsOneToTenBuckets) {
  EXPECT_FALSE(AccessBoundaryJson({}, {"roles/storage.objectViewer"}));
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) {
    eleven.push_back("//storage.googleapis.com/projects/_/buckets/b" + std::to_string(100 + i));
  }
  auto too_many = AccessBoundaryJson(eleven, {"roles/storage.objectViewer"});
  ASSERT_FALSE(too_many);
  EXPECT_NE(too_many.error().message.find("at most 10"), std::string::npos);
  eleven.pop_back();
  EXPECT_TRUE(AccessBoundaryJson(eleven, {"roles/storage.objectViewer"}));
}

TEST(TokenExchangeBody, CarriesTheTokenExchangeFieldsAndTheBoundaryEncodedTwice) {
  const std::string boundary = R"({"accessBoundary":{"accessBoundaryRules":[]}})";
  auto fields = DecodeForm(TokenExchangeBody("ya29.source token", boundary));
  EXPECT_EQ(fields["grant_type"], "urn:ietf:params:oauth:grant-type:token-exchange");
  EXPECT_EQ(fields["subject_token_type"], "urn:ietf:params:oauth:token-type:access_token");
  EXPECT_EQ(fields["requested_token_type"], "urn:ietf:params:oauth:token-type:access_token");
  EXPECT_EQ(fields["subject_token"], "ya29.source token");
  // After the form is decoded, `options` is still percent-encoded JSON, as
  // google-auth sends it (urllib.parse.quote(json.dumps(...))).
  EXPECT_NE(fields["options"], boundary);
  EXPECT_EQ(PercentDecode(fields["options"]), boundary);
}

}  // namespace
}  // namespace audex
