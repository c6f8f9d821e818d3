#include "core/policy/glob.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

constexpr CaseRule kIns = CaseRule::kInsensitive;
constexpr CaseRule kSen = CaseRule::kSensitive;

TEST(GlobMatches, LiteralsCompareByCaseRule) {
  EXPECT_TRUE(GlobMatches("s3:GetObject", "S3:getobject", kIns));
  EXPECT_FALSE(GlobMatches("s3:GetObject", "S3:getobject", kSen));
  EXPECT_FALSE(GlobMatches("s3:GetObject", "s3:GetObjectAcl", kIns));
}

TEST(GlobMatches, StarMatchesAnyRunIncludingNone) {
  EXPECT_TRUE(GlobMatches("s3:*", "s3:GetObject", kIns));
  EXPECT_TRUE(GlobMatches("s3:Get*", "s3:Get", kIns));
  EXPECT_TRUE(GlobMatches("ec2:Describe*Instances", "ec2:DescribeSpotInstances", kIns));
  EXPECT_TRUE(GlobMatches("ec2:Describe*Instances", "ec2:DescribeInstances", kIns));
  EXPECT_FALSE(GlobMatches("ec2:Describe*Instances", "ec2:DescribeInstanceStatus", kIns));
  EXPECT_TRUE(GlobMatches("*", "anything:at all", kIns));
  EXPECT_TRUE(GlobMatches("*:*", "lambda:InvokeFunction", kIns));
  EXPECT_FALSE(GlobMatches("lambda:Invoke*", "s3:InvokeFunction", kIns));
}

TEST(GlobMatches, QuestionMarkIsExactlyOneCharacter) {
  EXPECT_TRUE(GlobMatches("s3:GetObjec?", "s3:GetObject", kIns));
  EXPECT_FALSE(GlobMatches("s3:GetObjec?", "s3:GetObjec", kIns));
  EXPECT_FALSE(GlobMatches("s3:GetObje?", "s3:GetObject", kIns));
}

TEST(GlobMatches, BacktracksAcrossSeveralStars) {
  EXPECT_TRUE(GlobMatches("*a*b*c", "xxaxxbxxbxxc", kIns));
  EXPECT_FALSE(GlobMatches("*a*b*c", "xxaxxcxxb", kIns));
}

TEST(GlobCovers, WildcardCoversItsInstancesAndNarrowerWildcards) {
  EXPECT_TRUE(GlobCovers("s3:*", "s3:GetObject", kIns));
  EXPECT_TRUE(GlobCovers("s3:*", "s3:Get*", kIns));
  EXPECT_TRUE(GlobCovers("*", "s3:Get*", kIns));
  EXPECT_TRUE(GlobCovers("iam:*", "IAM:Get?ser", kIns));
  EXPECT_TRUE(GlobCovers("s3:Get*", "s3:Get*Acl", kIns));
  EXPECT_FALSE(GlobCovers("s3:Get*", "s3:*", kIns));
  EXPECT_FALSE(GlobCovers("s3:GetObject", "s3:GetObject*", kIns));
  EXPECT_FALSE(GlobCovers("s3:Get?", "s3:Get*", kIns));  // '?' is one char, '*' may be many
}

TEST(GlobsOverlap, FindsSharedStringsExactly) {
  EXPECT_TRUE(GlobsOverlap("s3:*", "s3:DeleteBucket", kIns));
  EXPECT_TRUE(GlobsOverlap("s3:Get*", "s3:*Acl", kIns));  // s3:GetObjectAcl
  EXPECT_TRUE(GlobsOverlap("*Bucket", "s3:Delete*", kIns));
  EXPECT_FALSE(GlobsOverlap("s3:Get*", "s3:Put*", kIns));
  EXPECT_FALSE(GlobsOverlap("s3:Get*", "ec2:*", kIns));
  EXPECT_FALSE(GlobsOverlap("s3:Get?", "s3:Get??", kIns));
  EXPECT_TRUE(GlobsOverlap("s3:Get??", "s3:Get*", kIns));
  EXPECT_FALSE(GlobsOverlap("a", "A", kSen));
  EXPECT_TRUE(GlobsOverlap("a", "A", kIns));
}

TEST(HasWildcard, SeesStarAndQuestionMark) {
  EXPECT_TRUE(HasWildcard("s3:*"));
  EXPECT_TRUE(HasWildcard("s3:Get?"));
  EXPECT_FALSE(HasWildcard("s3:GetObject"));
}

}  // namespace
}  // namespace audex
