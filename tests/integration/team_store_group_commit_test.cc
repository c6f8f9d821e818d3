// What the group commit promises a request, on SQLite and PostgreSQL:
// a batch whose commit fails fails every request in it and leaves nothing
// of any; a replica killed in the middle of a batch leaves nothing
// half-written (no grant without its events, no cache entry without its
// grant) and does not stop the next writer; and the chain tip a replica
// remembers between batches never hides an edit of the chain's last event.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "team_store_fixture.h"

namespace audex::testing {
namespace {

class TeamStoreGroupCommit : public ::testing::TestWithParam<Db> {
 protected:
  void SetUp() override {
    auto url = FreshStoreUrl(GetParam(), dir_);
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
    store_ = Open();
    ASSERT_TRUE(store_);
    auto migrated = store_->Migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }

  std::unique_ptr<TeamStore> Open() {
    TeamStoreOptions options;
    options.audit_key = TestAuditKey();
    options.clock = clock_.clock();
    auto store = OpenTeamStore(url_, std::move(options));
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  SqlRows Raw(const std::string& sql) {
    auto raw = RawConnection(url_);
    EXPECT_TRUE(raw);
    auto rows = raw->Exec(sql, {});
    EXPECT_TRUE(rows) << sql << ": " << rows.error().message;
    return rows ? *rows : SqlRows{};
  }
  void Script(const std::string& sql) {
    auto raw = RawConnection(url_);
    ASSERT_TRUE(raw);
    auto done = raw->ExecScript(sql);
    ASSERT_TRUE(done) << done.error().message;
  }
  size_t Count(const std::string& table) {
    auto rows = Raw("SELECT COUNT(*) FROM " + table);
    return rows.empty() ? 0 : static_cast<size_t>(rows[0].Int(0));
  }

  // One grant's whole warm issue, as the server makes it: the grant, its
  // two events, its cache entry and a rate-limit token, in one body.
  Result<void> IssueWarm(TeamStore& store, const Grant& grant) {
    CachedCredentials cached;
    cached.credentials.access_key_id = "ASIAGROUPCOMMIT00001";
    cached.credentials.secret_access_key = SecretString("secret");
    cached.credentials.session_token = SecretString("token");
    cached.credentials.expiration = clock_.now() + std::chrono::hours(1);
    cached.session_id = grant.id;
    auto entry = SealStsCacheEntry("grant:" + grant.id, cached,
                                   SecretString(std::string(kCacheKeyBytes, 'c')), clock_.now());
    if (!entry) return tl::unexpected(entry.error());
    return store.Transact([&](TeamTransaction& tx) -> Result<void> {
      auto taken = tx.TakeRateToken("caller:" + grant.caller, RateLimit{1000, 1.0}, clock_.now());
      if (!taken) return tl::unexpected(taken.error());
      if (auto done = tx.InsertGrant(grant, Event(grant.id, "grant_requested")); !done) return done;
      if (auto done = tx.AppendAudit(Event(grant.id, "grant_issued")); !done) {
        return tl::unexpected(done.error());
      }
      return tx.PutStsCacheEntry(*entry);
    });
  }

  TempDir dir_{"audex-group-commit"};
  FakeClock clock_;
  std::string url_;
  std::unique_ptr<TeamStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, TeamStoreGroupCommit,
                         ::testing::Values(Db::kSqlite, Db::kPostgres), DbName);

TEST_P(TeamStoreGroupCommit, AFailedCommitFailsEveryRequestInItAndStoresNothing) {
  // The database refuses to move the chain's head, the last statement
  // before COMMIT: every body ran and wrote, and none of it may stay.
  if (GetParam() == Db::kSqlite) {
    Script(
        "CREATE TRIGGER audex_test_refuse BEFORE UPDATE ON audit_chain_head BEGIN SELECT "
        "RAISE(ABORT, 'injected failure'); END");
  } else {
    Script(
        "CREATE FUNCTION audex_test_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION "
        "'injected failure'; END $$ LANGUAGE plpgsql; CREATE TRIGGER audex_test_refuse BEFORE "
        "UPDATE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audex_test_refuse()");
  }
  constexpr int kRequests = 12;
  std::vector<std::optional<Result<void>>> results(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<size_t>(i)] =
          IssueWarm(*store_, MakeGrant(NewId(), "caller-" + std::to_string(i % 3), clock_.now()));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_TRUE(result);
    ASSERT_FALSE(*result) << "a request was answered as committed";
    EXPECT_EQ(result->error().kind, ErrorKind::kState);
    EXPECT_NE(result->error().message.find("injected failure"), std::string::npos)
        << result->error().message;
  }
  for (const char* table : {"grants", "audit_events", "sts_cache", "rate_buckets"}) {
    EXPECT_EQ(Count(table), 0u) << table;
  }

  // The database takes writes again: the next batch starts from the real
  // chain, not from what the failed one would have made of it.
  if (GetParam() == Db::kSqlite) {
    Script("DROP TRIGGER audex_test_refuse");
  } else {
    Script("DROP TRIGGER audex_test_refuse ON audit_chain_head");
  }
  ASSERT_TRUE(IssueWarm(*store_, MakeGrant(NewId(), "after", clock_.now())));
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict && *verdict);
  EXPECT_EQ(**verdict, 2u);
}

TEST_P(TeamStoreGroupCommit, AReplicaKilledInTheMiddleOfABatchLeavesNothingHalfWritten) {
  ASSERT_TRUE(IssueWarm(*store_, MakeGrant(NewId(), "before", clock_.now())));
  const Grant doomed = MakeGrant(NewId(), "doomed", clock_.now());
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // A replica of its own (its own connections), killed once its batch
    // has written everything but not committed.
    ::close(ready[0]);
    auto replica = Open();
    if (!replica) ::_exit(3);
    (void)replica->Transact([&](TeamTransaction& tx) -> Result<void> {
      if (auto done = tx.InsertGrant(doomed, Event(doomed.id, "grant_requested")); !done) {
        ::_exit(4);
      }
      if (!tx.AppendAudit(Event(doomed.id, "grant_issued"))) ::_exit(5);
      if (::write(ready[1], "x", 1) != 1) ::_exit(6);
      for (;;) ::pause();
    });
    ::_exit(7);
  }
  ::close(ready[1]);
  char byte = 0;
  const ssize_t got = ::read(ready[0], &byte, 1);
  ::close(ready[0]);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_EQ(got, 1) << "the child replica never reached the middle of its batch (exit "
                    << WEXITSTATUS(status) << ")";
  ASSERT_TRUE(WIFSIGNALED(status));

  auto found = store_->GetGrant(doomed.id);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_FALSE(*found);
  AuditQuery query;
  query.session_id = doomed.id;
  auto lines = store_->ReadAudit(query);
  ASSERT_TRUE(lines);
  EXPECT_TRUE(lines->empty());
  // The killed replica's locks went with it: this one writes on at once.
  ASSERT_TRUE(IssueWarm(*store_, MakeGrant(NewId(), "after", clock_.now())));
  EXPECT_EQ(Count("grants"), 2u);
  EXPECT_EQ(Count("sts_cache"), 2u);
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict && *verdict);
  EXPECT_EQ(**verdict, 4u);
}

TEST_P(TeamStoreGroupCommit, AnEditOfTheLastEventIsCaughtRightAfterThisReplicaWroteIt) {
  // The replica remembers the chain's end it committed, so as not to
  // re-check it every batch; an edit behind its back must still stop it.
  ASSERT_TRUE(store_->AppendAudit(Event(NewId(), "grant_issued", {{"caller", "alice"}})));
  ASSERT_TRUE(store_->AppendAudit(Event(NewId(), "grant_issued", {{"caller", "alice"}})));
  std::string line = Raw("SELECT line FROM audit_events WHERE seq = 2")[0].Text(0);
  line.replace(line.find("alice"), 5, "bobby");
  auto raw = RawConnection(url_);
  ASSERT_TRUE(raw);
  ASSERT_TRUE(raw->Exec("UPDATE audit_events SET line = $1 WHERE seq = 2", {line}));
  auto refused = store_->AppendAudit(Event(NewId(), "grant_issued", {{"caller", "carol"}}));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("does not match its mac"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(Count("audit_events"), 2u);
}

}  // namespace
}  // namespace audex::testing
