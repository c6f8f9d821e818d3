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

TEST(Split, KeepsEmptyPiecesAsViewsIntoTheText) {
  const std::string text = "/v1//grants/";
  const std::vector<std::string_view> pieces = Split(text, '/');
  ASSERT_EQ(pieces.size(), 5u);
  EXPECT_EQ(pieces[0], "");
  EXPECT_EQ(pieces[1], "v1");
  EXPECT_EQ(pieces[2], "");
  EXPECT_EQ(pieces[3], "grants");
  EXPECT_EQ(pieces[4], "");
  EXPECT_EQ(pieces[1].data(), text.data() + 1);  // a view, not a copy
  EXPECT_EQ(Split("", ',').size(), 1u);
  EXPECT_EQ(Split("a", ',').front(), "a");
}

TEST(EscapeControl, WritesControlCharactersAsHex) {
  EXPECT_EQ(EscapeControl("ok\x1b[2J\nnext\x7f"), "ok\\x1b[2J\\x0anext\\x7f");
  EXPECT_EQ(EscapeControl("caf\xc3\xa9 plain"), "caf\xc3\xa9 plain");
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
