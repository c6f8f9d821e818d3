#include "core/base/text.h"

#include <gtest/gtest.h>

#include <string>

#include "session/world.h"

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

// Text quoted back in a message: escape sequences, newlines and DEL are
// written out, printable text (UTF-8 included) is left alone.
TEST(EscapeControl, WritesControlCharactersAsHex) {
  EXPECT_EQ(EscapeControl("s3:GetObject"), "s3:GetObject");
  EXPECT_EQ(EscapeControl("a\x1b[2Jb"), "a\\x1b[2Jb");
  EXPECT_EQ(EscapeControl("line\nfake\r\t\x7f"), "line\\x0afake\\x0d\\x09\\x7f");
  EXPECT_EQ(EscapeControl(std::string("nul\0", 4)), "nul\\x00");
  EXPECT_EQ(EscapeControl("caf\xc3\xa9"), "caf\xc3\xa9");
}

// Every notice line passes through NoticeLine: a warning quoting a value
// with an escape sequence or a newline stays one inert line.
TEST(NoticeLine, EscapesWhatTheNoticeQuotes) {
  EXPECT_EQ(NoticeLine(NoticeLevel::kWarning, "key \"x\x1b]0;t\x07\nWARNING: y\""),
            "tryaudex: warning: key \"x\\x1b]0;t\\x07\\x0aWARNING: y\"");
}

TEST(ReplaceAll, ReplacesEveryOccurrenceWithoutRescanningTheReplacement) {
  EXPECT_EQ(ReplaceAll("a INT64, b INT64", "INT64", "BIGINT"), "a BIGINT, b BIGINT");
  EXPECT_EQ(ReplaceAll("xx", "x", "xx"), "xxxx");
  EXPECT_EQ(ReplaceAll("aaa", "aa", "b"), "ba");
  EXPECT_EQ(ReplaceAll("none here", "INT64", "BIGINT"), "none here");
  EXPECT_EQ(ReplaceAll(") STRICT;\n", ") STRICT;", ");"), ");\n");
}

}  // namespace
}  // namespace audex
