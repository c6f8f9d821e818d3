// Session files on disk and the recorder that `run` drives: private files,
// lookup by id or prefix, newest first, and no secret anywhere under the
// state directory after sessions whose credentials carried one.
#include "adapters/store/session_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "adapters/store/random_bytes.h"
#include "adapters/store/session_recorder.h"
#include "core/audit/session_id.h"
#include "core/base/rfc3339.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

namespace fs = std::filesystem;

TimePoint At(const char* text) { return ParseRfc3339(text).value(); }

SessionRecord RecordWith(const std::string& id, const char* created) {
  SessionRecord record;
  record.id = id;
  record.created = At(created);
  record.expires = record.created + std::chrono::minutes(15);
  record.ttl = std::chrono::minutes(15);
  record.actions = {"s3:ListBucket"};
  record.command = {"aws", "s3", "ls"};
  return record;
}

class SessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(state_.empty()); }

  TempDir dir_{"audex-session-store-test"};
  fs::path state_ = dir_.path();
};

TEST(NewSessionId, IsAWellFormedIdAndDiffersEachTime) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const auto id = NewSessionId();
    ASSERT_TRUE(id.has_value());
    EXPECT_TRUE(IsSessionId(*id)) << *id;
    ids.insert(*id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(SessionStoreTest, SavesPrivateFilesAndLoadsThemBack) {
  const SessionStore store(state_);
  SessionRecord record = RecordWith("0123456789abcdef", "2026-05-01T12:00:00Z");
  ASSERT_TRUE(store.Save(record).has_value());
  struct stat info {};
  ASSERT_EQ(::stat(store.Directory().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(store.FileFor(record.id).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  record.status = SessionStatus::kEnded;
  record.exit_code = 3;
  ASSERT_TRUE(store.Save(record).has_value());  // replaced, not appended to
  const auto loaded = store.Load("0123456789abcdef");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->exit_code, 3);
  EXPECT_EQ(std::distance(fs::directory_iterator(store.Directory()), fs::directory_iterator()), 1);
}

TEST_F(SessionStoreTest, LoadsByUniquePrefixInAnyCase) {
  const SessionStore store(state_);
  ASSERT_TRUE(store.Save(RecordWith("abcd000000000000", "2026-05-01T12:00:00Z")).has_value());
  ASSERT_TRUE(store.Save(RecordWith("abce000000000000", "2026-05-01T12:00:00Z")).has_value());
  EXPECT_EQ(store.Load("abcd").value().id, "abcd000000000000");
  EXPECT_EQ(store.Load("ABCE").value().id, "abce000000000000");
  const auto ambiguous = store.Load("abc");
  ASSERT_FALSE(ambiguous.has_value());
  EXPECT_EQ(ambiguous.error().kind, ErrorKind::kUsage);
  EXPECT_NE(ambiguous.error().message.find("abcd000000000000, abce000000000000"),
            std::string::npos);
  EXPECT_EQ(store.Load("zz").error().kind, ErrorKind::kUsage);
  const auto escape = store.Load("../../etc/passwd");
  ASSERT_FALSE(escape.has_value());
  EXPECT_EQ(escape.error().kind, ErrorKind::kUsage);
  EXPECT_NE(escape.error().message.find("not a session id"), std::string::npos);
}

TEST_F(SessionStoreTest, ListsNewestFirstAndWarnsAboutDamagedFiles) {
  const SessionStore store(state_);
  ASSERT_TRUE(store.Save(RecordWith("1111111111111111", "2026-05-01T12:00:00Z")).has_value());
  ASSERT_TRUE(store.Save(RecordWith("3333333333333333", "2026-05-01T10:00:00Z")).has_value());
  ASSERT_TRUE(store.Save(RecordWith("2222222222222222", "2026-05-01T13:00:00Z")).has_value());
  std::ofstream(store.FileFor("4444444444444444")) << "{not json";
  std::ofstream(store.Directory() / "notes.txt") << "ignored";
  const auto listing = store.List();
  ASSERT_TRUE(listing.has_value());
  ASSERT_EQ(listing->sessions.size(), 3u);
  EXPECT_EQ(listing->sessions[0].id, "2222222222222222");
  EXPECT_EQ(listing->sessions[1].id, "1111111111111111");
  EXPECT_EQ(listing->sessions[2].id, "3333333333333333");
  ASSERT_EQ(listing->warnings.size(), 1u);
  EXPECT_NE(listing->warnings[0].find("4444444444444444.json"), std::string::npos);
}

TEST_F(SessionStoreTest, ListsNewestFirstWithinOneSecond) {
  const SessionStore store(state_);
  // Ids in the opposite order to the times, so that a tie broken by id fails.
  ASSERT_TRUE(store.Save(RecordWith("0000000000000000", "2026-05-01T12:00:00.100Z")).has_value());
  ASSERT_TRUE(store.Save(RecordWith("aaaaaaaaaaaaaaaa", "2026-05-01T12:00:00.200Z")).has_value());
  ASSERT_TRUE(store.Save(RecordWith("ffffffffffffffff", "2026-05-01T12:00:00.300Z")).has_value());
  const auto listing = store.List();
  ASSERT_TRUE(listing.has_value());
  ASSERT_EQ(listing->sessions.size(), 3u);
  EXPECT_EQ(listing->sessions[0].id, "ffffffffffffffff");
  EXPECT_EQ(listing->sessions[1].id, "aaaaaaaaaaaaaaaa");
  EXPECT_EQ(listing->sessions[2].id, "0000000000000000");
}

TEST_F(SessionStoreTest, ANewInstallationHasNoSessions) {
  const auto listing = SessionStore(state_ / "nothing-here").List();
  ASSERT_TRUE(listing.has_value());
  EXPECT_TRUE(listing->sessions.empty());
}

TEST_F(SessionStoreTest, RefusesToSaveARecordWhoseIdIsNotAnId) {
  // Audex made the id, so a bad one is Audex's own state gone wrong, not
  // the user's input; nothing is written outside the sessions directory.
  const auto saved = SessionStore(state_).Save(RecordWith("../escape", "2026-05-01T12:00:00Z"));
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().kind, ErrorKind::kState);
  EXPECT_NE(saved.error().message.find("\"../escape\" is not a session id"), std::string::npos)
      << saved.error().message;
  EXPECT_FALSE(fs::exists(state_ / "escape.json"));
}

// What `run` does, start to end, for a session that ran and one whose
// credentials were refused.
TEST_F(SessionStoreTest, RecorderWritesEventsInOrderAndKeepsTheFileCurrent) {
  AuditLog log(state_);
  const SessionStore store(state_);
  auto recorder = SessionRecorder::Begin(log, store, SystemClock(),
                                         RecordWith("5555555555555555", "2026-05-01T12:00:00Z"));
  ASSERT_TRUE(recorder.has_value()) << recorder.error().message;
  EXPECT_EQ(store.Load("5555555555555555")->status, SessionStatus::kActive);
  ASSERT_TRUE(recorder->CredentialsIssued({"ASIAEXAMPLE", std::nullopt, "sts:AssumeRole"}));
  ASSERT_TRUE(recorder->Ended(0, std::nullopt));
  const auto stored = store.Load("5555555555555555");
  EXPECT_EQ(stored->status, SessionStatus::kEnded);
  EXPECT_EQ(stored->exit_code, 0);
  EXPECT_EQ(stored->access_key_id, "ASIAEXAMPLE");

  auto refused = SessionRecorder::Begin(log, store, SystemClock(),
                                        RecordWith("6666666666666666", "2026-05-01T12:05:00Z"));
  ASSERT_TRUE(refused.has_value());
  ASSERT_TRUE(refused->CredentialsFailed("AccessDenied: not authorized to perform sts:AssumeRole"));
  EXPECT_EQ(store.Load("6666666666666666")->status, SessionStatus::kFailed);

  const auto files = log.Read();
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(VerifyAuditChain(*files).value(), 5u);
  std::vector<std::string> events;
  for (const NumberedLine& line : ParseAuditLog(*files->log)) {
    events.push_back(line.line->event.session_id + " " + line.line->event.name);
  }
  EXPECT_EQ(events, (std::vector<std::string>{
                        "5555555555555555 session_created", "5555555555555555 credentials_issued",
                        "5555555555555555 session_ended", "6666666666666666 session_created",
                        "6666666666666666 credentials_failed"}));
}

// Which of run's appends are synced (docs/audit-log-format.md, "What is
// synced"): audit.head moves only with a synced append, so it shows them.
// session_created and session_ended are unsynced; credentials_issued,
// which must be on disk before the child gets the credentials, is synced
// and covers session_created; the next session's credentials event covers
// session_ended. The chain verifies throughout.
TEST_F(SessionStoreTest, RecorderSyncsTheCredentialEventAndLeavesStartAndEndToTheNextSync) {
  AuditLog log(state_);
  const SessionStore store(state_);
  const auto head_seq = [&] {
    const std::string key = ReadText(log.KeyPath());
    return ParseChainHead(ReadText(log.HeadPath()), key).value().seq;
  };
  const auto verified = [&] { return VerifyAuditChain(log.Read().value()).value(); };

  auto first = SessionRecorder::Begin(log, store, SystemClock(),
                                      RecordWith("5555555555555555", "2026-05-01T12:00:00Z"));
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(head_seq(), 0u) << "session_created is not synced";
  EXPECT_EQ(verified(), 1u);
  ASSERT_TRUE(first->CredentialsIssued({"ASIAEXAMPLE", std::nullopt, "sts:AssumeRole"}));
  EXPECT_EQ(head_seq(), 2u) << "credentials_issued is synced, and with it session_created";
  ASSERT_TRUE(first->Ended(0, std::nullopt));
  EXPECT_EQ(head_seq(), 2u) << "session_ended is not synced";
  EXPECT_EQ(verified(), 3u);
  EXPECT_EQ(store.Load("5555555555555555")->status, SessionStatus::kEnded);

  auto second = SessionRecorder::Begin(log, store, SystemClock(),
                                       RecordWith("6666666666666666", "2026-05-01T12:05:00Z"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(head_seq(), 2u);
  ASSERT_TRUE(second->CredentialsFailed("AccessDenied: not authorized to perform sts:AssumeRole"));
  EXPECT_EQ(head_seq(), 5u) << "credentials_failed is synced and covers the lines before it";
  EXPECT_EQ(verified(), 5u);
}

// A sessions directory that cannot be written (here a file in its place)
// fails the start, and the log does not keep a session_created that never
// ends: it is followed by credentials_failed naming the cause.
TEST_F(SessionStoreTest, ASessionFileThatCannotBeWrittenClosesTheSessionInTheLog) {
  AuditLog log(state_);
  const SessionStore store(state_);
  std::filesystem::create_directories(state_);
  std::ofstream(store.Directory()) << "not a directory";
  auto recorder = SessionRecorder::Begin(log, store, SystemClock(),
                                         RecordWith("7777777777777777", "2026-05-01T12:00:00Z"));
  ASSERT_FALSE(recorder.has_value());
  EXPECT_EQ(recorder.error().kind, ErrorKind::kState);
  const auto files = log.Read();
  ASSERT_TRUE(files.has_value());
  EXPECT_TRUE(VerifyAuditChain(*files).has_value());
  std::vector<std::string> events;
  for (const NumberedLine& line : ParseAuditLog(*files->log)) {
    if (line.line->event.session_id == "7777777777777777") events.push_back(line.line->event.name);
  }
  EXPECT_EQ(events, (std::vector<std::string>{"session_created", "credentials_failed"}));
}

TEST_F(SessionStoreTest, NoFileUnderTheStateDirectoryHoldsAnIssuedSecret) {
  const std::string secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRETzKEY";
  const std::string session_token = "FwoGZXIvYXdzEBEaDSESSIONzTOKENzVALUEzzz";
  AwsCredentials credentials;
  credentials.access_key_id = "ASIAISSUEDKEYID00001";
  credentials.secret_access_key = SecretString(secret_key);
  credentials.session_token = SecretString(session_token);
  credentials.expiration = At("2026-05-01T13:00:00Z");
  credentials.source = "sts:AssumeRole";

  AuditLog log(state_);
  const SessionStore store(state_);
  for (const char* id : {"7777777777777777", "8888888888888888"}) {
    auto recorder =
        SessionRecorder::Begin(log, store, SystemClock(), RecordWith(id, "2026-05-01T12:00:00Z"));
    ASSERT_TRUE(recorder.has_value());
    ASSERT_TRUE(recorder->CredentialsIssued(DescribeIssued(credentials)));
    ASSERT_TRUE(recorder->Ended(std::nullopt, 15));
  }

  size_t files = 0;
  bool key_id_seen = false;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(state_)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string text = ReadText(entry.path());
    EXPECT_EQ(text.find(secret_key), std::string::npos) << entry.path();
    EXPECT_EQ(text.find(session_token), std::string::npos) << entry.path();
    // Nor a recognisable piece of either.
    EXPECT_EQ(text.find("SECRETzKEY"), std::string::npos) << entry.path();
    EXPECT_EQ(text.find("SESSIONzTOKEN"), std::string::npos) << entry.path();
    key_id_seen = key_id_seen || text.find("ASIAISSUEDKEYID00001") != std::string::npos;
  }
  EXPECT_EQ(files, 5u);  // audit.jsonl, audit.key, audit.head, two session files
  EXPECT_TRUE(key_id_seen);
}

}  // namespace
}  // namespace audex
