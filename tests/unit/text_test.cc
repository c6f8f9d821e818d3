#include "core/base/text.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

TEST(SplitCommaList, TrimsSpacesAndKeepsEmptyItems) {
  EXPECT_EQ(SplitCommaList(" a , b,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(SplitCommaList("a,,b"), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(SplitCommaList("a,"), (std::vector<std::string>{"a", ""}));
  EXPECT_EQ(SplitCommaList(""), (std::vector<std::string>{""}));
}

TEST(EditDistance, CountsEditsCaseInsensitively) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("Policies", "policies"), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(ClosestName, SuggestsOnlyNearMisses) {
  const std::vector<std::string> names = {"run", "policies", "learn"};
  EXPECT_EQ(ClosestName("polices", names), "policies");
  EXPECT_EQ(ClosestName("rn", names), "run");
  EXPECT_EQ(ClosestName("completely-different", names), "");
}

}  // namespace
}  // namespace audex
