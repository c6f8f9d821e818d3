// The AWS shared-file INI dialect.
#include "adapters/config/ini_file.h"

#include <gtest/gtest.h>

namespace audex {
namespace {

TEST(IniFile, SectionsKeysCommentsAndContinuations) {
  const auto file = ParseIni(
      "\xEF\xBB\xBF# comment\r\n"
      "; another\n"
      "[default]\n"
      "AWS_Access_Key_ID = AKIA1\n"
      "aws_secret_access_key=with = sign\n"
      "\n"
      "[profile   dev ]\n"
      "region: eu-west-1\n"
      "s3 =\n"
      "  max_concurrent_requests = 10\n"
      "  addressing_style = path\n"
      "output = json # not a comment\n",
      "config");
  ASSERT_TRUE(file) << file.error().message;
  ASSERT_EQ(file->sections.size(), 2u);
  const IniSection* section = file->Find("default");
  ASSERT_NE(section, nullptr);
  EXPECT_EQ(section->line, 3);
  EXPECT_EQ(section->Get("aws_access_key_id"), "AKIA1");
  EXPECT_EQ(section->Get("AWS_SECRET_ACCESS_KEY"), "with = sign");
  const IniSection* dev = file->Find("profile dev");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->Get("region"), "eu-west-1");
  EXPECT_EQ(dev->Get("s3"), "max_concurrent_requests = 10\naddressing_style = path");
  EXPECT_EQ(dev->Get("output"), "json # not a comment");
  EXPECT_FALSE(dev->Get("missing"));
  EXPECT_EQ(file->Find("dev"), nullptr);
}

TEST(IniFile, LongLinesAreKeptWhole) {
  // Why Audex does not use libinih: its Debian build cuts lines at 200 bytes.
  const std::string token(5000, 'T');
  const auto file = ParseIni("[default]\naws_session_token = " + token + "\n", "credentials");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->Find("default")->Get("aws_session_token"), token);
}

TEST(IniFile, RepeatedSectionsMergeAndLaterKeysWin) {
  const auto file = ParseIni("[a]\nx = 1\n[b]\n[a]\nx = 2\ny = 3\n", "f");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->sections.size(), 2u);
  EXPECT_EQ(file->Find("a")->Get("x"), "2");
  EXPECT_EQ(file->Find("a")->Get("y"), "3");
}

TEST(IniFile, ErrorsNameFileAndLineButNotTheLine) {
  const auto no_section = ParseIni("aws_secret_access_key = SECRET1\n", "/h/.aws/credentials");
  ASSERT_FALSE(no_section);
  EXPECT_NE(no_section.error().message.find("/h/.aws/credentials:1"), std::string::npos);
  EXPECT_EQ(no_section.error().message.find("SECRET1"), std::string::npos);
  const auto garbage = ParseIni("[default]\nSECRET2\n", "f");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find("f:2"), std::string::npos);
  EXPECT_EQ(garbage.error().message.find("SECRET2"), std::string::npos);
  const auto unclosed = ParseIni("[default\n", "f");
  ASSERT_FALSE(unclosed);
  EXPECT_NE(unclosed.error().message.find("']'"), std::string::npos);
}

TEST(IniFile, EmptyInput) {
  const auto file = ParseIni("", "f");
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->sections.empty());
}

}  // namespace
}  // namespace audex
