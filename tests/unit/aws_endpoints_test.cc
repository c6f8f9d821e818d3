// Region and STS endpoint resolution from flags, environment and config.
#include "core/plan/aws_endpoints.h"

#include <gtest/gtest.h>

#include <map>

namespace audex {
namespace {

TEST(StsEndpoint, RegionPrecedence) {
  const auto env = LookupIn({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "eu-west-2"}});
  EXPECT_EQ(ResolveRegion("ap-south-1", env, "us-west-1", "us-west-2")->region, "ap-south-1");
  EXPECT_EQ(ResolveRegion("ap-south-1", env, "us-west-1", "us-west-2")->source, "--region");
  EXPECT_EQ(ResolveRegion(std::nullopt, env, "us-west-1", "us-west-2")->source, "AWS_REGION");
  const auto default_only = LookupIn({{"AWS_DEFAULT_REGION", "eu-west-2"}});
  EXPECT_EQ(ResolveRegion(std::nullopt, default_only, "us-west-1", std::nullopt)->region,
            "eu-west-2");
  const auto none = LookupIn({});
  EXPECT_EQ(ResolveRegion(std::nullopt, none, "us-west-1", "us-west-2")->region, "us-west-1");
  EXPECT_EQ(ResolveRegion(std::nullopt, none, std::nullopt, "us-west-2")->region, "us-west-2");
  const auto fallback = ResolveRegion(std::nullopt, none, std::nullopt, std::nullopt);
  EXPECT_EQ(fallback->region, "us-east-1");
  EXPECT_EQ(fallback->source, "default");
}

TEST(StsEndpoint, EmptyValuesAreSkipped) {
  const auto env = LookupIn({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "eu-north-1"}});
  EXPECT_EQ(ResolveRegion(std::string(), env, std::nullopt, std::nullopt)->region, "eu-north-1");
}

TEST(StsEndpoint, RejectsRegionsThatAreNotNames) {
  const auto env = LookupIn({{"AWS_REGION", "us-east-1.evil.com/"}});
  const auto region = ResolveRegion(std::nullopt, env, std::nullopt, std::nullopt);
  ASSERT_FALSE(region);
  EXPECT_EQ(region.error().kind, ErrorKind::kUsage);
  EXPECT_NE(region.error().message.find("AWS_REGION"), std::string::npos);
  EXPECT_FALSE(ResolveRegion("EU-WEST-1", LookupIn({}), std::nullopt, std::nullopt));
}

// A name of the right characters but not of a region's shape has no STS
// endpoint: refused while planning, so --dry-run and a run agree (issue 15).
TEST(StsEndpoint, RejectsNamesThatAreNotShapedLikeARegion) {
  for (const char* name : {"a", "-", "us-east-1-", "us-east", "useast-1", "u-east-1", "us--1",
                           "us-east-123", "1s-east-1", "us-east-x"}) {
    const auto region = ResolveRegion(std::string(name), LookupIn({}), std::nullopt, std::nullopt);
    ASSERT_FALSE(region) << name;
    EXPECT_EQ(region.error().kind, ErrorKind::kUsage);
    EXPECT_NE(region.error().message.find("--region"), std::string::npos);
    EXPECT_NE(region.error().message.find("e.g. eu-west-1"), std::string::npos);
  }
  for (const char* name : {"us-east-1", "us-gov-west-1", "cn-northwest-1", "us-isob-east-1",
                           "ap-southeast-5", "eu-central-2", "il-central-1"}) {
    EXPECT_TRUE(ResolveRegion(std::string(name), LookupIn({}), std::nullopt, std::nullopt)) << name;
  }
  // Behind an endpoint override the name is only the scope that server
  // signs for (a Ceph zonegroup is often "default").
  for (const char* variable :
       {"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM"}) {
    const auto env = LookupIn({{variable, "http://127.0.0.1:8000"}});
    EXPECT_TRUE(ResolveRegion("default", env, std::nullopt, std::nullopt)) << variable;
    EXPECT_FALSE(ResolveRegion("Default", env, std::nullopt, std::nullopt)) << variable;
  }
}

TEST(StsEndpoint, EndpointPrecedence) {
  const auto both = LookupIn({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"},
                              {"AWS_ENDPOINT_URL", "http://127.0.0.1:6000"}});
  EXPECT_EQ(ResolveStsEndpoint(both, "eu-west-1")->url, "http://127.0.0.1:5000");
  EXPECT_EQ(ResolveStsEndpoint(both, "eu-west-1")->source, "AWS_ENDPOINT_URL_STS");
  const auto general = LookupIn({{"AWS_ENDPOINT_URL_STS", ""}, {"AWS_ENDPOINT_URL", "http://h:1"}});
  EXPECT_EQ(ResolveStsEndpoint(general, "eu-west-1")->url, "http://h:1");
  EXPECT_EQ(ResolveStsEndpoint(general, "eu-west-1")->source, "AWS_ENDPOINT_URL");
  const auto regional = ResolveStsEndpoint(LookupIn({}), "eu-west-1");
  EXPECT_EQ(regional->url, "https://sts.eu-west-1.amazonaws.com");
  EXPECT_EQ(regional->source, "regional");
  EXPECT_EQ(ResolveStsEndpoint(LookupIn({}), "cn-north-1")->url,
            "https://sts.cn-north-1.amazonaws.com.cn");
}

TEST(StsEndpoint, BadOverrideNamesTheVariable) {
  const auto endpoint = ResolveStsEndpoint(LookupIn({{"AWS_ENDPOINT_URL", "localhost:5000"}}), "x");
  ASSERT_FALSE(endpoint);
  EXPECT_EQ(endpoint.error().kind, ErrorKind::kUsage);
  EXPECT_NE(endpoint.error().message.find("AWS_ENDPOINT_URL"), std::string::npos);
  EXPECT_NE(endpoint.error().message.find("localhost:5000"), std::string::npos);
}

}  // namespace
}  // namespace audex
