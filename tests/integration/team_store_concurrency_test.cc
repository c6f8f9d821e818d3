// Two replicas on one database: two TeamStore objects (each with its own
// connection pool, as two server processes would have) written to from
// many threads at once. The audit chain stays one chain with every event
// exactly once, and a shared rate bucket hands out exactly its tokens.
// Run on PostgreSQL (what replicas share) and on SQLite (one node, but
// several processes may still open the file).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "adapters/teamstore/team_schema.h"
#include "core/base/crypto.h"
#include "team_store_fixture.h"

namespace audex::testing {
namespace {

class TeamStoreConcurrency : public ::testing::TestWithParam<Db> {
 protected:
  void SetUp() override {
    auto url = FreshStoreUrl(GetParam(), dir_);
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
    for (auto* replica : {&a_, &b_}) {
      TeamStoreOptions options;
      options.audit_key = TestAuditKey();
      options.clock = clock_.clock();
      auto store = OpenTeamStore(url_, std::move(options));
      ASSERT_TRUE(store) << store.error().message;
      *replica = std::move(*store);
    }
    auto migrated = a_->Migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
    ASSERT_TRUE(b_->RequireCurrentSchema());
  }

  TeamStore& Replica(int thread) { return thread % 2 == 0 ? *a_ : *b_; }

  // Counts failures from worker threads and keeps the first message.
  void Failed(const Error& error) {
    std::lock_guard lock(mutex_);
    if (failures_++ == 0) first_failure_ = error.message;
  }

  TempDir dir_{"audex-teamstore"};
  FakeClock clock_;
  std::string url_;
  std::unique_ptr<TeamStore> a_;
  std::unique_ptr<TeamStore> b_;
  std::mutex mutex_;
  int failures_ = 0;
  std::string first_failure_;
};

INSTANTIATE_TEST_SUITE_P(Backends, TeamStoreConcurrency,
                         ::testing::Values(Db::kSqlite, Db::kPostgres), DbName);

TEST_P(TeamStoreConcurrency, TwoReplicasKeepOneChainWithEveryEventOnce) {
  constexpr int kThreads = 8;
  constexpr int kRounds = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      TeamStore& store = Replica(t);
      for (int round = 0; round < kRounds; ++round) {
        const nlohmann::json fields = {
            {"caller", fmt::format("thread-{}", t)}, {"thread", t}, {"round", round}};
        if (auto appended = store.AppendAudit(Event(NewId(), "request_refused", fields));
            !appended) {
          Failed(appended.error());
        }
        const Grant grant = MakeGrant(NewId(), fmt::format("thread-{}", t), clock_.now());
        auto inserted = store.Transact([&](TeamTransaction& tx) {
          return tx.InsertGrant(grant, Event(grant.id, "grant_requested", fields));
        });
        if (!inserted) Failed(inserted.error());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures_, 0) << first_failure_;

  // Read back through the other replica: seq 1..N with no gap, every
  // (thread, round, kind) exactly once, every grant with its one event.
  std::string exported;
  auto tip = b_->ExportAuditJsonl([&](std::string_view text) -> Result<void> {
    exported += text;
    return {};
  });
  ASSERT_TRUE(tip) << tip.error().message;
  constexpr uint64_t kEvents = 2 * kThreads * kRounds;
  EXPECT_EQ(tip->seq, kEvents);
  std::map<std::tuple<int, int, std::string>, int> seen;
  std::map<std::string, int> events_per_grant;
  uint64_t expected_seq = 1;
  for (const NumberedLine& numbered : ParseAuditLog(exported)) {
    ASSERT_TRUE(numbered.line) << numbered.line.error().message;
    const AuditLine& line = *numbered.line;
    EXPECT_EQ(line.seq, expected_seq++);
    ++seen[{line.event.fields["thread"].get<int>(), line.event.fields["round"].get<int>(),
            line.event.name}];
    if (line.event.name == "grant_requested") ++events_per_grant[line.event.session_id];
  }
  EXPECT_EQ(expected_seq - 1, kEvents);
  EXPECT_EQ(seen.size(), kEvents);
  for (const auto& [key, count] : seen) EXPECT_EQ(count, 1);

  size_t grants = 0;
  for (PageRequest page{"", 1000};;) {
    auto listed = a_->ListGrants({}, page);
    ASSERT_TRUE(listed) << listed.error().message;
    for (const Grant& grant : listed->items) {
      ++grants;
      EXPECT_EQ(events_per_grant[grant.id], 1) << grant.id;
    }
    if (listed->next_cursor.empty()) break;
    page.cursor = listed->next_cursor;
  }
  EXPECT_EQ(grants, static_cast<size_t>(kThreads * kRounds));
  EXPECT_EQ(events_per_grant.size(), static_cast<size_t>(kThreads * kRounds));

  for (TeamStore* replica : {a_.get(), b_.get()}) {
    auto verdict = replica->VerifyAudit();
    ASSERT_TRUE(verdict) << verdict.error().message;
    ASSERT_TRUE(*verdict) << verdict->error().problem;
    EXPECT_EQ(**verdict, kEvents);
  }
}

TEST_P(TeamStoreConcurrency, ABucketOfTenGivesExactlyTenAcrossReplicas) {
  // Ten tokens and (practically) no refill: 80 concurrent takes from 16
  // threads on two replicas must get exactly 10.
  const RateLimit limit{10, kMinRefillPerSecond};
  std::atomic<int> allowed{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        auto decision = Replica(t).TakeRateToken("caller:ci-deploy", limit, clock_.now());
        if (!decision) {
          Failed(decision.error());
        } else if (decision->allowed) {
          ++allowed;
        } else {
          ++refused;
          EXPECT_GE(decision->retry_after.count(), 1);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures_, 0) << first_failure_;
  EXPECT_EQ(allowed.load(), 10);
  EXPECT_EQ(refused.load(), 70);
}

TEST_P(TeamStoreConcurrency, AFailedBodyInABatchTakesBackOnlyItself) {
  // A's body holds the replica's batch open until B, C and D have queued
  // behind it; they then run as one batch, one transaction, in which B's
  // body fails after it has written. This replica's clock ticks a second
  // at every reading, and a batch reads it once: C's and D's events share
  // a time that differs from A's only if they were committed together.
  TeamStoreOptions options;
  options.audit_key = TestAuditKey();
  options.clock = [ticks = std::make_shared<std::atomic<int64_t>>(1'777'636'800)] {
    return FromUnixSeconds(ticks->fetch_add(1));
  };
  auto opened = OpenTeamStore(url_, std::move(options));
  ASSERT_TRUE(opened) << opened.error().message;
  TeamStore& replica = **opened;
  std::mutex mutex;
  std::condition_variable changed;
  bool a_inside = false;
  bool release = false;
  const std::string a_session = NewId();
  std::thread a([&] {
    auto done = replica.Transact([&](TeamTransaction& tx) -> Result<void> {
      auto appended = tx.AppendAudit(Event(a_session, "request_refused"));
      if (!appended) return tl::unexpected(appended.error());
      std::unique_lock lock(mutex);
      a_inside = true;
      changed.notify_all();
      changed.wait(lock, [&] { return release; });
      return {};
    });
    if (!done) Failed(done.error());
  });
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return a_inside; });
  }
  const Grant b = MakeGrant(NewId(), "b", clock_.now());
  const Grant c = MakeGrant(NewId(), "c", clock_.now());
  const Grant d = MakeGrant(NewId(), "d", clock_.now());
  std::optional<Result<void>> b_result;
  std::vector<std::thread> others;
  others.emplace_back([&] {
    b_result = replica.Transact([&](TeamTransaction& tx) -> Result<void> {
      if (auto inserted = tx.InsertGrant(b, Event(b.id, "grant_requested")); !inserted) {
        return inserted;
      }
      return CredentialsError("B gives up");
    });
  });
  for (const Grant* grant : {&c, &d}) {
    others.emplace_back([&, grant] {
      auto done = replica.Transact([&](TeamTransaction& tx) {
        return tx.InsertGrant(*grant, Event(grant->id, "grant_requested"));
      });
      if (!done) Failed(done.error());
    });
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // B, C and D queue up
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  a.join();
  for (std::thread& thread : others) thread.join();
  ASSERT_EQ(failures_, 0) << first_failure_;
  ASSERT_TRUE(b_result);
  ASSERT_FALSE(*b_result);
  EXPECT_EQ(b_result->error().message, "B gives up");

  EXPECT_FALSE(*replica.GetGrant(b.id));
  EXPECT_TRUE(*replica.GetGrant(c.id));
  EXPECT_TRUE(*replica.GetGrant(d.id));
  auto lines = replica.ReadAudit({});
  ASSERT_TRUE(lines);
  ASSERT_EQ(lines->size(), 3u);
  std::map<std::string, std::string> ts_of;
  for (const AuditLine& line : *lines) ts_of[line.event.session_id] = line.event.ts;
  EXPECT_EQ(ts_of.size(), 3u);
  EXPECT_EQ(ts_of.count(a_session) + ts_of.count(c.id) + ts_of.count(d.id), 3u);
  EXPECT_EQ(ts_of[c.id], ts_of[d.id]) << "C and D were not committed in one batch";
  EXPECT_NE(ts_of[a_session], ts_of[c.id]);
  auto verdict = b_->VerifyAudit();
  ASSERT_TRUE(verdict && *verdict);
  EXPECT_EQ(**verdict, 3u);
}

TEST_P(TeamStoreConcurrency, ABodyThatCallsTheStoreIsRefused) {
  auto nested = a_->Transact([&](TeamTransaction&) -> Result<void> {
    auto inner = a_->AppendAudit(Event(NewId(), "request_refused"));
    if (inner) return StateError("the nested call was not refused");
    return tl::unexpected(inner.error());
  });
  ASSERT_FALSE(nested);
  EXPECT_NE(nested.error().message.find("use its TeamTransaction"), std::string::npos)
      << nested.error().message;
}

TEST(TeamStoreMigration, ReplicasMigratingAtOnceApplyEachMigrationOnce) {
  for (Db db : {Db::kSqlite, Db::kPostgres}) {
    TempDir dir("audex-teamstore");
    auto url = FreshStoreUrl(db, dir);
    ASSERT_TRUE(url) << url.error().message;
    std::vector<std::unique_ptr<TeamStore>> replicas;
    for (int i = 0; i < 4; ++i) {
      auto store = OpenTeamStore(*url);
      ASSERT_TRUE(store) << store.error().message;
      replicas.push_back(std::move(*store));
    }
    std::vector<std::optional<Result<MigrationReport>>> reports(replicas.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < replicas.size(); ++i) {
      threads.emplace_back([&, i] { reports[i] = replicas[i]->Migrate(); });
    }
    for (std::thread& thread : threads) thread.join();
    std::vector<int> applied;
    for (const auto& report : reports) {
      ASSERT_TRUE(*report) << report->error().message;
      EXPECT_EQ((*report)->to, LatestSchemaVersion());
      applied.insert(applied.end(), (*report)->applied.begin(), (*report)->applied.end());
    }
    std::sort(applied.begin(), applied.end());
    EXPECT_EQ(applied, (std::vector<int>{1, 2, 3, 4}));
    auto raw = RawConnection(*url);
    ASSERT_NE(raw, nullptr);
    auto versions = raw->Exec("SELECT version FROM schema_version", {});
    ASSERT_TRUE(versions);
    EXPECT_EQ(versions->size(), 4u);
    EXPECT_TRUE(replicas[0]->RequireCurrentSchema());
  }
}

TEST_P(TeamStoreConcurrency, JtiRaceHasOneWinner) {
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      auto first = Replica(t).RememberJti("https://issuer.example", "the-jti",
                                          clock_.now() + std::chrono::seconds(300), clock_.now());
      if (!first) {
        Failed(first.error());
      } else if (*first) {
        ++accepted;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures_, 0) << first_failure_;
  EXPECT_EQ(accepted.load(), 1);
}

// A replica must see another replica's commit at once on every one of its
// pooled connections: a revoked grant is refused by every replica. A
// pooled connection left inside a transaction (a BEGIN without COMMIT or
// ROLLBACK on some path) keeps reading its old snapshot in SQLite's WAL
// mode and would go on serving the grant. So A first goes through every
// read and every failing or empty write path, from several threads at once
// (so that its pool holds several connections), then B revokes, then A's
// threads must all read "revoked".
TEST_P(TeamStoreConcurrency, EveryConnectionOfAReplicaSeesTheOtherReplicasRevocation) {
  const Grant grant = MakeGrant(NewId(), "alice", clock_.now());
  ASSERT_TRUE(a_->Transact([&](TeamTransaction& tx) {
    return tx.InsertGrant(grant, Event(grant.id, "grant_requested", {{"caller", "alice"}}));
  }));
  GrantChange issued;
  issued.status = GrantStatus::kIssued;
  issued.credentials_token_sha256 = Sha256Hex("bearer");
  issued.issued_at = clock_.now();
  auto moved = a_->Transact([&](TeamTransaction& tx) {
    return tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, issued,
                          Event(grant.id, "grant_issued"));
  });
  ASSERT_TRUE(moved && *moved);

  const auto every_path = [&](int t) {
    const auto expect = [&](bool ok, const char* what) {
      if (!ok) Failed(Error{ErrorKind::kState, fmt::format("thread {}: {} failed", t, what)});
    };
    for (int round = 0; round < 5; ++round) {
      expect(a_->GetGrant(grant.id).has_value(), "GetGrant");
      expect(a_->FindGrantByCredentialsToken(Sha256Hex("bearer")).has_value(), "FindGrantBy");
      expect(a_->ListGrants({}, {"", 10}).has_value(), "ListGrants");
      expect(a_->ListApprovalRequests({}, {"", 10}).has_value(), "ListApprovalRequests");
      expect(a_->ListRevocations({}).has_value(), "ListRevocations");
      expect(a_->ListApiTokens().has_value(), "ListApiTokens");
      expect(a_->ReadAudit({}).has_value(), "ReadAudit");
      expect(a_->AuditTip().has_value(), "AuditTip");
      expect(a_->VerifyAudit().has_value(), "VerifyAudit");
      expect(a_->CheckSchema().has_value(), "CheckSchema");
      expect(a_->Migrate().has_value(), "Migrate (nothing to do)");
      expect(a_->FindStsCacheEntry("none", TestAuditKey(), clock_.now()).has_value(),
             "FindStsCacheEntry");
      expect(
          a_->TakeRateToken(fmt::format("k{}", t), RateLimit{100, 10.0}, clock_.now()).has_value(),
          "TakeRateToken");
      // An export whose sink fails, a body that fails, a body that
      // changes nothing: each must leave its connection outside any
      // transaction.
      expect(!a_->ExportAuditJsonl([](std::string_view) -> Result<void> {
                  return StateError("the reader went away");
                }).has_value(),
             "ExportAuditJsonl with a failing sink");
      expect(!a_->Transact([](TeamTransaction&) -> Result<void> {
                  return StateError("a body that fails");
                }).has_value(),
             "a failing Transact");
      expect(a_->Transact([](TeamTransaction&) -> Result<void> { return {}; }).has_value(),
             "an empty Transact");
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) threads.emplace_back(every_path, t);
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures_, 0) << first_failure_;

  GrantChange revoked;
  revoked.status = GrantStatus::kRevoked;
  revoked.status_reason = "revoked by bob";
  auto revoking = b_->Transact([&](TeamTransaction& tx) {
    return tx.UpdateGrant(grant.id, {GrantStatus::kIssued}, revoked,
                          Event(grant.id, "grant_revoked"));
  });
  ASSERT_TRUE(revoking && *revoking) << (revoking ? "not issued" : revoking.error().message);

  std::atomic<int> stale{0};
  threads.clear();
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        auto read = a_->FindGrantByCredentialsToken(Sha256Hex("bearer"));
        if (!read || !*read) {
          Failed(read ? Error{ErrorKind::kState, "the grant is gone"} : read.error());
        } else if ((*read)->status != GrantStatus::kRevoked) {
          ++stale;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(failures_, 0) << first_failure_;
  EXPECT_EQ(stale.load(), 0) << "reads of replica A still saw the grant issued after B revoked it";
}

}  // namespace
}  // namespace audex::testing
