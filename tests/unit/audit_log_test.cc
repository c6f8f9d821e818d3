// The audit log on disk: first use creates a private key and head, appends
// chain, a key others can read is refused, and an append never seals over a
// damaged or shortened log.
#include "adapters/store/audit_log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/base/rfc3339.h"
#include "support/temp_dir.h"

namespace audex {
namespace {

namespace fs = std::filesystem;

unsigned Mode(const fs::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

AuditEvent Event(const std::string& name) {
  AuditEvent event;
  event.session_id = "0123456789abcdef";
  event.name = name;
  event.fields = {{"n", name.size()}};
  return event;
}

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    root_ = dir_.path();
    state_ = root_ / "state" / "audex";
  }

  AuditLog Log() {
    return AuditLog(state_, [this] {
      return ParseRfc3339("2026-05-01T12:00:00Z").value() + std::chrono::seconds(ticks_++);
    });
  }

  tl::expected<uint64_t, ChainBreak> VerifyOnDisk() {
    auto files = Log().Read();
    EXPECT_TRUE(files.has_value()) << files.error().message;
    return VerifyAuditChain(*files);
  }

  TempDir dir_{"audex-audit-log-test"};
  fs::path root_;
  fs::path state_;
  int ticks_ = 0;
};

TEST_F(AuditLogTest, FirstAppendCreatesPrivateDirectoryKeyAndHead) {
  AuditLog log = Log();
  const auto seq = log.Append(Event("session_created"));
  ASSERT_TRUE(seq.has_value()) << seq.error().message;
  EXPECT_EQ(*seq, 1u);
  EXPECT_EQ(Mode(root_ / "state"), 0700u);
  EXPECT_EQ(Mode(state_), 0700u);
  EXPECT_EQ(Mode(log.KeyPath()), 0600u);
  EXPECT_EQ(Mode(log.LogPath()), 0600u);
  EXPECT_EQ(Mode(log.HeadPath()), 0600u);
  EXPECT_EQ(fs::file_size(log.KeyPath()), kAuditKeySize);
  EXPECT_EQ(fs::file_size(log.HeadPath()), kChainHeadSize);
  // Nothing but the three files: the key's temporary name is gone.
  EXPECT_EQ(std::distance(fs::directory_iterator(state_), fs::directory_iterator()), 3);
  const std::string text = ReadText(log.LogPath());
  EXPECT_EQ(text.rfind("{\"seq\":1,\"ts\":\"2026-05-01T12:00:00Z\"", 0), 0u) << text;
  EXPECT_EQ(VerifyOnDisk().value(), 1u);
}

TEST_F(AuditLogTest, AppendsContinueTheChainAndKeepTheKey) {
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(Log().Append(Event("e" + std::to_string(i))).value(), i + 1u);
  const std::string key = ReadText(state_ / "audit.key");
  ASSERT_EQ(Log().Append(Event("last")).value(), 6u);
  EXPECT_EQ(ReadText(state_ / "audit.key"), key);
  EXPECT_EQ(VerifyOnDisk().value(), 6u);
  const auto head = ParseChainHead(ReadText(state_ / "audit.head"), key);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->seq, 6u);
}

TEST_F(AuditLogTest, KeysDifferBetweenInstallations) {
  ASSERT_TRUE(Log().Append(Event("a")).has_value());
  const fs::path other = root_ / "other";
  ASSERT_TRUE(AuditLog(other).Append(Event("a")).has_value());
  EXPECT_NE(ReadText(state_ / "audit.key"), ReadText(other / "audit.key"));
}

TEST_F(AuditLogTest, RefusesAKeyOthersCanRead) {
  ASSERT_TRUE(Log().Append(Event("a")).has_value());
  ASSERT_EQ(::chmod((state_ / "audit.key").c_str(), 0640), 0);
  const auto appended = Log().Append(Event("b"));
  ASSERT_FALSE(appended.has_value());
  EXPECT_EQ(appended.error().kind, ErrorKind::kState);
  EXPECT_NE(appended.error().message.find("chmod 600"), std::string::npos)
      << appended.error().message;
  EXPECT_FALSE(Log().Read().has_value());
  ASSERT_EQ(::chmod((state_ / "audit.key").c_str(), 0604), 0);
  EXPECT_FALSE(Log().Append(Event("b")).has_value());
  ASSERT_EQ(::chmod((state_ / "audit.key").c_str(), 0600), 0);
  EXPECT_EQ(Log().Append(Event("b")).value(), 2u);
}

TEST_F(AuditLogTest, RefusesToStartANewKeyUnderAnOldLog) {
  ASSERT_TRUE(Log().Append(Event("a")).has_value());
  fs::remove(state_ / "audit.key");
  const auto appended = Log().Append(Event("b"));
  ASSERT_FALSE(appended.has_value());
  EXPECT_NE(appended.error().message.find("missing"), std::string::npos);
  EXPECT_FALSE(fs::exists(state_ / "audit.key"));
  EXPECT_FALSE(VerifyOnDisk().has_value());
}

TEST_F(AuditLogTest, RefusesToSealOverACutOrShortenedLog) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Log().Append(Event("e")).has_value());
  const fs::path path = state_ / "audit.jsonl";
  const std::string text = ReadText(path);

  WriteText(path, text.substr(0, text.size() - 1));  // the last newline lost
  auto appended = Log().Append(Event("x"));
  ASSERT_FALSE(appended.has_value());
  EXPECT_NE(appended.error().message.find("cut short"), std::string::npos);
  // The refusal names the way out, or no session can start again.
  EXPECT_NE(appended.error().message.find("audit.key aside"), std::string::npos);

  WriteText(path, text.substr(0, text.rfind('\n', text.size() - 2) + 1));  // last line removed
  appended = Log().Append(Event("x"));
  ASSERT_FALSE(appended.has_value());
  EXPECT_NE(appended.error().message.find("removed from its end"), std::string::npos);
  EXPECT_EQ(VerifyOnDisk().error().line, 3u);

  WriteText(path, text);
  EXPECT_EQ(Log().Append(Event("x")).value(), 4u);
  EXPECT_EQ(VerifyOnDisk().value(), 4u);
}

TEST_F(AuditLogTest, RefusesWhenTheHeadIsGone) {
  ASSERT_TRUE(Log().Append(Event("a")).has_value());
  fs::remove(state_ / "audit.head");
  EXPECT_FALSE(Log().Append(Event("b")).has_value());
  EXPECT_FALSE(fs::exists(state_ / "audit.head"));
}

TEST_F(AuditLogTest, AHeadLeftBehindByACrashCatchesUp) {
  ASSERT_TRUE(Log().Append(Event("a")).has_value());
  const std::string old_head = ReadText(state_ / "audit.head");
  ASSERT_TRUE(Log().Append(Event("b")).has_value());
  WriteText(state_ / "audit.head", old_head);  // as if the head write was lost
  EXPECT_EQ(VerifyOnDisk().value(), 2u);
  EXPECT_EQ(Log().Append(Event("c")).value(), 3u);
  EXPECT_EQ(VerifyOnDisk().value(), 3u);
}

// credentials_reused is appended kUnsynced: the line is in the chain at
// once, but the head stays at the last synced event (a head written for a
// line that a crash then loses would run ahead of the log); the next
// synced append's head covers it.
TEST_F(AuditLogTest, AnUnsyncedAppendChainsButLeavesTheHeadToTheNextSyncedOne) {
  ASSERT_EQ(Log().Append(Event("session_created")).value(), 1u);
  const std::string key = ReadText(state_ / "audit.key");
  for (uint64_t seq = 2; seq <= 4; ++seq) {
    ASSERT_EQ(Log().Append(Event("credentials_reused"), AppendDurability::kUnsynced).value(), seq);
  }
  EXPECT_EQ(ParseChainHead(ReadText(state_ / "audit.head"), key)->seq, 1u);
  EXPECT_EQ(VerifyOnDisk().value(), 4u);
  ASSERT_EQ(Log().Append(Event("session_ended")).value(), 5u);
  EXPECT_EQ(ParseChainHead(ReadText(state_ / "audit.head"), key)->seq, 5u);
  EXPECT_EQ(VerifyOnDisk().value(), 5u);
}

TEST_F(AuditLogTest, ThreadsAppendingTogetherKeepOneChain) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      AuditLog log(state_);
      for (int i = 0; i < 50; ++i) ASSERT_TRUE(log.Append(Event("threaded")).has_value());
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(VerifyOnDisk().value(), 200u);
}

TEST_F(AuditLogTest, ReadingANewInstallationFindsNothing) {
  const auto files = Log().Read();
  ASSERT_TRUE(files.has_value());
  EXPECT_FALSE(files->log || files->key || files->head);
  EXPECT_EQ(VerifyAuditChain(*files).value(), 0u);
  EXPECT_FALSE(fs::exists(state_));
}

}  // namespace
}  // namespace audex
