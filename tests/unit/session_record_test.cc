// Session ids and session records: the id alphabet, the record's life from
// active to ended or failed, what the clock makes of it, and its file.
#include "core/audit/session_record.h"

#include <gtest/gtest.h>

#include "core/audit/session_id.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

using std::chrono::seconds;

TimePoint At(const char* text) { return ParseRfc3339(text).value(); }

SessionPlan Plan() {
  SessionPlan plan;
  plan.request.provider = Provider::kAws;
  plan.request.profile_name = std::nullopt;
  for (const char* action : {"s3:GetObject", "s3:ListBucket"}) {
    GrantedAction granted;
    granted.action = action;
    granted.origin = "--allow";
    plan.request.actions.push_back(granted);
  }
  plan.request.resources = {"arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"};
  plan.ttl = seconds(900);
  plan.policy_json =
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}})";
  plan.policy = PolicyDocument{};
  plan.command = {"aws", "s3", "ls", "it's here"};
  return plan;
}

SessionRecord Record() {
  AccessRequest asked;
  asked.allow = "s3:GetObject, s3:ListBucket";
  return NewSessionRecord(
      asked, Plan(),
      SessionStart{"0123456789abcdef", At("2026-05-01T12:00:00Z"),
                   "arn:aws:iam::123456789012:role/audex", "agent-7", std::nullopt});
}

TEST(SessionId, SpellsTenBytesAsSixteenBase32Characters) {
  EXPECT_EQ(SessionIdFromRandom(std::string(10, '\0')), "0000000000000000");
  EXPECT_EQ(SessionIdFromRandom(std::string(10, '\xff')), "zzzzzzzzzzzzzzzz");
  // 0x00 0x44 0x32 0x14 0xc7 = 00000 00001 00010 00011 00100 00101 00110 00111
  EXPECT_EQ(SessionIdFromRandom(std::string("\x00\x44\x32\x14\xc7\x42\x54\xb6\x35\xcf", 10)),
            "0123456789abcdef");
  EXPECT_EQ(SessionIdFromRandom(std::string(20, '\x5a')).size(), kSessionIdLength);
}

TEST(SessionId, UsesOnlyCrockfordCharactersInLowerCase) {
  for (int seed = 0; seed < 256; ++seed) {
    std::string bytes;
    for (int i = 0; i < 10; ++i) bytes.push_back(static_cast<char>(seed * 37 + i * 101));
    const std::string id = SessionIdFromRandom(bytes);
    EXPECT_TRUE(IsSessionId(id)) << id;
    EXPECT_EQ(id.find_first_of("ilou"), std::string::npos) << id;
  }
  EXPECT_FALSE(IsSessionId("0123456789abcde"));
  EXPECT_FALSE(IsSessionId("0123456789abcdeu"));
  EXPECT_FALSE(IsSessionId("0123456789ABCDEF"));
}

TEST(SessionId, PrefixesAreWhatUsersType) {
  EXPECT_TRUE(IsSessionIdPrefix("0123"));
  EXPECT_TRUE(IsSessionIdPrefix("ABCD"));
  EXPECT_TRUE(IsSessionIdPrefix("0123456789abcdef"));
  for (const char* bad : {"", "0123456789abcdef0", "../etc", "ab/c", "abc.json", "il"}) {
    EXPECT_FALSE(IsSessionIdPrefix(bad)) << bad;
  }
}

TEST(SessionRecord, StartsActiveWithThePlan) {
  const SessionRecord record = Record();
  EXPECT_EQ(record.id, "0123456789abcdef");
  EXPECT_EQ(record.status, SessionStatus::kActive);
  EXPECT_EQ(record.created, At("2026-05-01T12:00:00Z"));
  EXPECT_EQ(record.expires, At("2026-05-01T12:15:00Z"));
  EXPECT_EQ(record.ttl, seconds(900));
  EXPECT_EQ(record.requested_actions, (std::vector<std::string>{"s3:GetObject", "s3:ListBucket"}));
  EXPECT_EQ(record.actions, (std::vector<std::string>{"s3:GetObject", "s3:ListBucket"}));
  EXPECT_EQ(record.policy, Plan().policy_json);
  EXPECT_EQ(record.command, Plan().command);
  EXPECT_EQ(record.agent_id, "agent-7");
  EXPECT_FALSE(record.access_key_id.has_value());
}

TEST(SessionRecord, TakesTheCredentialsExpiryAndKeyIdOnly) {
  SessionRecord record = Record();
  AwsCredentials credentials;
  credentials.access_key_id = "ASIAEXAMPLE";
  credentials.secret_access_key = SecretString("secret-part");
  credentials.session_token = SecretString("token-part");
  credentials.expiration = At("2026-05-01T12:14:59Z");
  credentials.source = "sts:AssumeRole";
  const IssuedCredentials issued = DescribeIssued(credentials);
  EXPECT_EQ(issued.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(issued.source, "sts:AssumeRole");
  MarkCredentialsIssued(record, issued);
  EXPECT_EQ(record.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(record.expires, At("2026-05-01T12:14:59Z"));
  const std::string json = SessionRecordJson(record).dump();
  EXPECT_EQ(json.find("secret-part"), std::string::npos);
  EXPECT_EQ(json.find("token-part"), std::string::npos);
}

// Every owner runs, as far as these tests are concerned.
bool AllRunning(const SessionOwner&) { return true; }

TEST(SessionRecord, StateFollowsStatusAndClock) {
  SessionRecord record = Record();
  EXPECT_EQ(StateAt(record, At("2026-05-01T12:14:59Z"), AllRunning), SessionState::kActive);
  EXPECT_EQ(StateAt(record, At("2026-05-01T12:15:00Z"), AllRunning), SessionState::kExpired);
  MarkEnded(record, 0, std::nullopt, At("2026-05-01T12:01:00Z"));
  EXPECT_EQ(record.status, SessionStatus::kEnded);
  EXPECT_EQ(record.exit_code, 0);
  EXPECT_EQ(StateAt(record, At("2026-05-01T12:02:00Z"), AllRunning), SessionState::kEnded);
  SessionRecord failed = Record();
  MarkFailed(failed, "AccessDenied: not authorized to perform sts:AssumeRole",
             At("2026-05-01T12:00:01Z"));
  EXPECT_EQ(StateAt(failed, At("2026-05-01T12:00:02Z"), AllRunning), SessionState::kFailed);
  EXPECT_EQ(SessionStateName(SessionState::kExpired), "expired");
  EXPECT_EQ(SessionStatusName(SessionStatus::kFailed), "failed");
}

TEST(SessionRecord, AnActiveSessionWhoseOwnerIsGoneIsAbandoned) {
  SessionRecord record = Record();
  record.owner = SessionOwner{4242, 987654};
  std::vector<SessionOwner> asked;
  const OwnerRunning gone = [&asked](const SessionOwner& owner) {
    asked.push_back(owner);
    return false;
  };
  const TimePoint before_expiry = At("2026-05-01T12:05:00Z");
  EXPECT_EQ(StateAt(record, before_expiry, gone), SessionState::kAbandoned);
  EXPECT_EQ(StateAt(record, At("2026-05-01T12:30:00Z"), gone), SessionState::kAbandoned);
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked.front(), (SessionOwner{4242, 987654}));
  EXPECT_EQ(StateAt(record, before_expiry, AllRunning), SessionState::kActive);
  // Unknown liveness, or no owner recorded: the clock decides, as before.
  EXPECT_EQ(StateAt(record, before_expiry, OwnerRunning()), SessionState::kActive);
  SessionRecord unowned = Record();
  EXPECT_EQ(StateAt(unowned, before_expiry, gone), SessionState::kActive);
  // An end that was recorded stays the answer.
  MarkEnded(record, 0, std::nullopt, At("2026-05-01T12:01:00Z"));
  EXPECT_EQ(StateAt(record, before_expiry, gone), SessionState::kEnded);
  EXPECT_EQ(SessionStateName(SessionState::kAbandoned), "abandoned");
  EXPECT_EQ(SessionStateJson(Record(), before_expiry, gone)["state"], "active");
  SessionRecord owned = Record();
  owned.owner = SessionOwner{4242, 987654};
  EXPECT_EQ(SessionStateJson(owned, before_expiry, gone)["state"], "abandoned");
}

TEST(SessionRecord, TheOwnerRoundTripsAndIsOptional) {
  SessionRecord record = Record();
  record.owner = SessionOwner{31337, 18446744073709551615ull};
  const nlohmann::ordered_json json = SessionRecordJson(record);
  EXPECT_EQ(json["owner_pid"], 31337);
  EXPECT_EQ(json["owner_start_ticks"], 18446744073709551615ull);
  const auto back = ParseSessionRecord(json.dump());
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(back->owner, record.owner);
  // Files written before the owner was recorded have neither field.
  const nlohmann::ordered_json old = SessionRecordJson(Record());
  EXPECT_FALSE(old.contains("owner_pid"));
  const auto old_back = ParseSessionRecord(old.dump());
  ASSERT_TRUE(old_back.has_value());
  EXPECT_FALSE(old_back->owner.has_value());
  // Half an owner, or a pid that is no pid, is a broken file.
  nlohmann::ordered_json half = json;
  half.erase("owner_start_ticks");
  auto broken = ParseSessionRecord(half.dump());
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message.find("owner_start_ticks"), std::string::npos);
  nlohmann::ordered_json negative = json;
  negative["owner_pid"] = -1;
  broken = ParseSessionRecord(negative.dump());
  ASSERT_FALSE(broken.has_value());
  EXPECT_NE(broken.error().message.find("owner_pid"), std::string::npos);
}

TEST(SessionRecord, FileRoundTrips) {
  SessionRecord record = Record();
  MarkCredentialsIssued(record, {"ASIAEXAMPLE", At("2026-05-01T12:15:00Z"), "sts:AssumeRole"});
  MarkEnded(record, std::nullopt, 9, At("2026-05-01T12:03:00Z"));
  const nlohmann::ordered_json json = SessionRecordJson(record);
  EXPECT_TRUE(json["policy"].is_object()) << json.dump();
  EXPECT_EQ(json["status"], "ended");
  // Microseconds, so that sessions made within one second still order.
  EXPECT_EQ(json["created"], "2026-05-01T12:00:00.000000Z");
  const auto back = ParseSessionRecord(json.dump(2));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(SessionRecordJson(*back), json);
  EXPECT_EQ(back->policy, record.policy);
  EXPECT_EQ(back->signal, 9);
  EXPECT_FALSE(back->exit_code.has_value());
  EXPECT_EQ(back->ended, record.ended);
}

TEST(SessionRecord, BadFilesNameTheField) {
  nlohmann::ordered_json json = SessionRecordJson(Record());
  const auto problem = [](const nlohmann::ordered_json& changed) {
    const auto parsed = ParseSessionRecord(changed.dump());
    EXPECT_FALSE(parsed.has_value());
    return parsed ? std::string() : parsed.error().message;
  };
  nlohmann::ordered_json changed = json;
  changed.erase("expires");
  EXPECT_NE(problem(changed).find("\"expires\" is missing"), std::string::npos);
  changed = json;
  changed["status"] = "running";
  EXPECT_NE(problem(changed).find("\"status\""), std::string::npos);
  changed = json;
  changed["created"] = "yesterday";
  EXPECT_NE(problem(changed).find("RFC 3339"), std::string::npos);
  changed = json;
  changed["command"] = {1, 2};
  EXPECT_NE(problem(changed).find("\"command\""), std::string::npos);
  EXPECT_FALSE(ParseSessionRecord("[1,2]").has_value());
  EXPECT_FALSE(ParseSessionRecord("{").has_value());
}

}  // namespace
}  // namespace audex
