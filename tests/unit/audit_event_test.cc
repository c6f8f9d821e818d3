// The canonical text of audit lines: a fixed spelling, pinned by a worked
// example that docs/audit-log-format.md repeats, and a parser that accepts
// that spelling and nothing else.
#include "core/audit/audit_event.h"

#include <gtest/gtest.h>

#include "core/audit/audit_chain.h"

namespace audex {
namespace {

const std::string kGenesis(kGenesisMac);

AuditEvent EndedEvent() {
  AuditEvent event;
  event.ts = "2026-05-01T12:00:00Z";
  event.session_id = "0123456789abcdef";
  event.name = "session_ended";
  event.fields = {{"signal", nullptr}, {"exit_code", 0}};
  return event;
}

std::string KeyOfBytes0To31() {
  std::string key;
  for (int i = 0; i < 32; ++i) key.push_back(static_cast<char>(i));
  return key;
}

TEST(CanonicalContent, HasFixedMemberOrderSortedFieldsAndNoWhiteSpace) {
  EXPECT_EQ(CanonicalContent(1, EndedEvent(), kGenesisMac),
            R"({"seq":1,"ts":"2026-05-01T12:00:00Z","session_id":"0123456789abcdef",)"
            R"("event":"session_ended","fields":{"exit_code":0,"signal":null},)"
            R"("prev":")" +
                kGenesis + "\"");
}

// The worked example of docs/audit-log-format.md; the mac was computed
// independently (Python's hmac module) from the key bytes 00..1f.
TEST(CanonicalContent, WorkedExampleMacMatchesTheFormatDocument) {
  const SealedLine sealed = SealAuditLine(EndedEvent(), ChainTip{}, KeyOfBytes0To31());
  EXPECT_EQ(sealed.tip.seq, 1u);
  EXPECT_EQ(sealed.tip.mac, "faaeab084603dabb06b93070e40422c390a3e977324ce9fb87d5684bb74763a8");
  EXPECT_EQ(sealed.text,
            CanonicalContent(1, EndedEvent(), kGenesisMac) +
                R"(,"mac":"faaeab084603dabb06b93070e40422c390a3e977324ce9fb87d5684bb74763a8"})"
                "\n");
  EXPECT_EQ(FormatChainHead(sealed.tip, KeyOfBytes0To31()),
            "audex-audit-head 1 seq=00000000000000000001 "
            "mac=faaeab084603dabb06b93070e40422c390a3e977324ce9fb87d5684bb74763a8 "
            "check=ac7d9ec4d0db8663bea0dcc6024b0160d7d2c7b66b050d8d7efdd6e4ec6c61e9\n");
}

TEST(CanonicalContent, EscapesControlAndNonAsciiCharacters) {
  AuditEvent event = EndedEvent();
  event.fields = {{"b", "caf\xc3\xa9"}, {"a", "x\ny\t\"q\"\\"}, {"c", "\xf0\x9f\x94\x91"}};
  const std::string content = CanonicalContent(7, event, kGenesisMac);
  EXPECT_NE(content.find(R"("fields":{"a":"x\ny\t\"q\"\\","b":"caf\u00e9","c":"\ud83d\udd11"})"),
            std::string::npos)
      << content;
  for (char c : content) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << content;
}

TEST(CanonicalContent, ReplacesBytesThatAreNotUtf8) {
  AuditEvent event = EndedEvent();
  event.fields = {{"command", "a\xff\xfe"}};
  EXPECT_NE(CanonicalContent(1, event, kGenesisMac).find(R"("command":"a\ufffd\ufffd")"),
            std::string::npos);
}

// Keys that differ only in bytes that are not UTF-8 collapse into one; the
// line must still read back as exactly what was written.
TEST(CanonicalContent, KeysThatCollideAfterReplacementAreWrittenOnce) {
  AuditEvent event = EndedEvent();
  event.fields = {{"k\xff", 1}, {"k\xfe", 2}};
  const SealedLine sealed = SealAuditLine(event, ChainTip{}, KeyOfBytes0To31());
  const auto line = ParseAuditLine(sealed.text.substr(0, sealed.text.size() - 1));
  ASSERT_TRUE(line.has_value()) << line.error().message;
  EXPECT_EQ(line->event.fields.size(), 1u);
}

TEST(ParseAuditLine, ReadsBackWhatWasWritten) {
  const SealedLine sealed = SealAuditLine(EndedEvent(), ChainTip{}, KeyOfBytes0To31());
  const std::string text = sealed.text.substr(0, sealed.text.size() - 1);
  const auto line = ParseAuditLine(text);
  ASSERT_TRUE(line.has_value()) << line.error().message;
  EXPECT_EQ(line->seq, 1u);
  EXPECT_EQ(line->event.ts, "2026-05-01T12:00:00Z");
  EXPECT_EQ(line->event.session_id, "0123456789abcdef");
  EXPECT_EQ(line->event.name, "session_ended");
  EXPECT_EQ(line->event.fields, EndedEvent().fields);
  EXPECT_EQ(line->prev, kGenesis);
  EXPECT_EQ(line->mac, sealed.tip.mac);
  EXPECT_EQ(FormatAuditLine(*line), text);
}

// Each of these means the same JSON as the canonical line (or nearly), so
// only the byte-for-byte rule can catch them.
TEST(ParseAuditLine, RejectsEverySpellingButTheCanonicalOne) {
  const SealedLine sealed = SealAuditLine(EndedEvent(), ChainTip{}, KeyOfBytes0To31());
  const std::string good = sealed.text.substr(0, sealed.text.size() - 1);
  ASSERT_TRUE(ParseAuditLine(good).has_value());
  const auto replaced = [&good](const std::string& from, const std::string& to) {
    std::string text = good;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::vector<std::string> variants = {
      "",
      good + " ",
      " " + good,
      good + "\r",
      replaced("{\"seq\":1,", "{\"seq\": 1,"),
      replaced("{\"seq\":1,", "{\"seq\":1.0,"),
      replaced("{\"seq\":1,", "{\"seq\":1e0,"),
      replaced("{\"seq\":1,", "{\"seq\":01,"),
      replaced("{\"seq\":1,", "{\"seq\":0,"),
      replaced("{\"seq\":1,", "{\"seq\":-1,"),
      replaced("{\"seq\":1,", "{\"seq\":\"1\","),
      replaced("\"exit_code\":0,\"signal\":null", "\"signal\":null,\"exit_code\":0"),
      replaced("\"exit_code\":0", "\"exit_code\":-0"),
      replaced("session_ended", "session\\u005fended"),
      replaced("2026-05-01", "2026\\/05\\/01"),
      replaced("{\"seq\":1,", "{\"seq\":1,\"seq\":1,"),
      replaced("\"prev\":\"0", "\"prev\":\"O"),
      replaced(sealed.tip.mac, "\"" + sealed.tip.mac),
      replaced("\"fields\":{", "\"fields\":[{") + "]",
      good.substr(0, good.size() - 1),
  };
  for (const std::string& variant : variants) {
    EXPECT_FALSE(ParseAuditLine(variant).has_value()) << variant;
  }
  std::string upper_mac = sealed.tip.mac;
  for (char& c : upper_mac) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper_mac != sealed.tip.mac) {
    EXPECT_FALSE(ParseAuditLine(replaced(sealed.tip.mac, upper_mac)).has_value());
  }
}

TEST(ParseAuditLine, RejectsMissingAndExtraMembers) {
  const std::string prefix = R"({"seq":1,"ts":"t","session_id":"s","event":"e","fields":{},)";
  const std::string prev = R"("prev":")" + kGenesis + "\"";
  const std::string mac = R"("mac":")" + kGenesis + "\"";
  EXPECT_TRUE(ParseAuditLine(prefix + prev + "," + mac + "}").has_value());
  EXPECT_FALSE(ParseAuditLine(prefix + prev + "}").has_value());
  EXPECT_FALSE(ParseAuditLine(prefix + prev + "," + mac + R"(,"x":1})").has_value());
  const auto error = ParseAuditLine(prefix + prev + "}").error();
  EXPECT_EQ(error.kind, ErrorKind::kState);
  EXPECT_NE(error.message.find("members"), std::string::npos) << error.message;
}

TEST(ParseAuditLine, RejectsDeepNestingBeforeParsing) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto error = ParseAuditLine(deep);
  ASSERT_FALSE(error.has_value());
  EXPECT_NE(error.error().message.find("nested"), std::string::npos);
}

TEST(SessionEvents, CarryTheRecordAndNoSecret) {
  SessionRecord record;
  record.id = "0123456789abcdef";
  record.role = "arn:aws:iam::123456789012:role/audex";
  record.actions = {"s3:GetObject"};
  record.command = {"aws", "s3", "ls"};
  record.policy = R"({"Version":"2012-10-17"})";
  const AuditEvent created = SessionCreatedEvent(record);
  EXPECT_EQ(created.name, kSessionCreated);
  EXPECT_EQ(created.session_id, record.id);
  EXPECT_EQ(created.fields["role"], record.role);
  EXPECT_EQ(created.fields["policy"], *record.policy);
  EXPECT_EQ(created.fields["command"], nlohmann::json({"aws", "s3", "ls"}));

  AwsCredentials credentials;
  credentials.access_key_id = "ASIAEXAMPLEKEYID0001";
  credentials.secret_access_key = SecretString("very-secret-access-key");
  credentials.session_token = SecretString("very-secret-session-token");
  credentials.source = "sts:AssumeRole";
  const AuditEvent issued = CredentialsIssuedEvent(record, DescribeIssued(credentials));
  EXPECT_EQ(issued.name, kCredentialsIssued);
  const std::string text = CanonicalContent(2, issued, kGenesisMac);
  EXPECT_NE(text.find("ASIAEXAMPLEKEYID0001"), std::string::npos);
  EXPECT_EQ(text.find("very-secret"), std::string::npos) << text;

  MarkEnded(record, std::nullopt, 15, TimePoint{});
  const AuditEvent ended = SessionEndedEvent(record);
  EXPECT_EQ(ended.fields["signal"], 15);
  EXPECT_TRUE(ended.fields["exit_code"].is_null());
}

}  // namespace
}  // namespace audex
