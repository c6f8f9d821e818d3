// The team store against real databases: the same suite on SQLite (a
// temporary file) and on PostgreSQL 15 (a throwaway cluster started by
// tests/integration/team_store_test.sh). Migrations from empty and
// refusal of a newer schema, tokens, grants and paging, approvals and
// revocations, jti once, rate buckets over time, the sealed STS cache, and
// the audit chain: append, read, export, verify, and tampering found.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "adapters/teamstore/team_schema.h"
#include "core/base/crypto.h"
#include "team_store_fixture.h"

namespace audex::testing {
namespace {

using std::chrono::seconds;

class TeamStoreTest : public ::testing::TestWithParam<Db> {
 protected:
  void SetUp() override {
    auto url = FreshStoreUrl(GetParam(), dir_);
    ASSERT_TRUE(url) << url.error().message;
    url_ = *url;
    store_ = Open(TestAuditKey());
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<TeamStore> Open(const SecretString& key) {
    TeamStoreOptions options;
    options.audit_key = key;
    options.clock = clock_.clock();
    auto store = OpenTeamStore(url_, std::move(options));
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
  }

  void Migrate() {
    auto migrated = store_->Migrate();
    ASSERT_TRUE(migrated) << migrated.error().message;
  }

  // Runs `sql` on the test's own connection (tampering, inspection).
  SqlRows Raw(const std::string& sql, const SqlParams& params = {}) {
    auto raw = RawConnection(url_);
    EXPECT_NE(raw, nullptr);
    if (!raw) return {};
    auto rows = raw->Exec(sql, params);
    EXPECT_TRUE(rows) << sql << ": " << rows.error().message;
    return rows ? *rows : SqlRows{};
  }

  // Every text cell of `table`, for "is this secret anywhere?".
  std::string AllCells(const std::string& table) {
    std::string all;
    for (const SqlRow& row : Raw("SELECT * FROM " + table)) {
      for (const auto& cell : row.cells) all += cell.value_or("") + "\n";
    }
    return all;
  }

  uint64_t Tip() {
    auto tip = store_->AuditTip();
    EXPECT_TRUE(tip) << tip.error().message;
    return tip ? tip->seq : 0;
  }

  Result<void> InsertGrant(const Grant& grant) {
    return store_->Transact([&](TeamTransaction& tx) {
      return tx.InsertGrant(grant, Event(grant.id, "grant_requested", {{"caller", grant.caller}}));
    });
  }

  TempDir dir_{"audex-teamstore"};
  FakeClock clock_;
  std::string url_;
  std::unique_ptr<TeamStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, TeamStoreTest, ::testing::Values(Db::kSqlite, Db::kPostgres),
                         DbName);

// ------------------------------------------------------------- schema

TEST_P(TeamStoreTest, MigratesAnEmptyDatabaseReportingEachStep) {
  auto before = store_->CheckSchema();
  ASSERT_TRUE(before) << before.error().message;
  EXPECT_EQ(before->current, 0);
  EXPECT_EQ(before->latest, LatestSchemaVersion());
  EXPECT_EQ(before->pending, (std::vector<int>{1, 2, 3, 4}));
  auto refused = store_->RequireCurrentSchema();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kState);
  EXPECT_NE(refused.error().message.find("run tryaudex server migrate"), std::string::npos)
      << refused.error().message;

  std::vector<std::string> steps;
  auto report = store_->Migrate([&](const MigrationProgress& progress) {
    steps.push_back(fmt::format(
        "{} {}", progress.version,
        progress.phase == MigrationProgress::Phase::kStarting ? "starting" : "applied"));
  });
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->from, 0);
  EXPECT_EQ(report->to, 4);
  EXPECT_EQ(report->applied, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(steps,
            (std::vector<std::string>{"1 starting", "1 applied", "2 starting", "2 applied",
                                      "3 starting", "3 applied", "4 starting", "4 applied"}));
  EXPECT_TRUE(store_->RequireCurrentSchema());
  EXPECT_EQ(Raw("SELECT version FROM schema_version ORDER BY version").size(), 4u);

  // Again: nothing to do.
  auto again = store_->Migrate();
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->applied.empty());
  EXPECT_EQ(again->from, 4);
}

TEST_P(TeamStoreTest, MigratesStepByStepKeepingData) {
  auto first = store_->Migrate({}, 1);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->applied, (std::vector<int>{1}));
  EXPECT_EQ(store_->CheckSchema()->pending, (std::vector<int>{2, 3, 4}));
  const Grant grant = MakeGrant(NewId(), "alice", clock_.now());
  ASSERT_TRUE(InsertGrant(grant));

  auto rest = store_->Migrate();
  ASSERT_TRUE(rest) << rest.error().message;
  EXPECT_EQ(rest->from, 1);
  EXPECT_EQ(rest->applied, (std::vector<int>{2, 3, 4}));
  auto kept = store_->GetGrant(grant.id);
  ASSERT_TRUE(kept && *kept);
  EXPECT_EQ((*kept)->caller, "alice");
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict && *verdict);
  EXPECT_EQ(**verdict, 1u);
}

TEST_P(TeamStoreTest, KeepsUiSessionsUntilTheyExpireOrEnd) {
  Migrate();
  WebSession session;
  session.id_sha256 = std::string(64, 'a');
  session.caller = "corp:alice@example.com";
  session.policy = "people";
  session.via = "oidc:corp";
  session.groups = {"platform", "ops"};
  session.created_at = clock_.now();
  session.expires_at = clock_.now() + std::chrono::minutes(10);
  ASSERT_TRUE(store_->InsertWebSession(session));
  WebSession by_token = session;
  by_token.id_sha256 = std::string(64, 'b');
  by_token.via = "api_token:t1";
  by_token.api_token_sha256 = std::string(64, 'c');
  by_token.expires_at = clock_.now() + std::chrono::minutes(1);
  ASSERT_TRUE(store_->InsertWebSession(by_token));

  auto found = store_->FindWebSession(session.id_sha256, clock_.now());
  ASSERT_TRUE(found && *found) << (found ? "absent" : found.error().message);
  EXPECT_EQ((*found)->caller, session.caller);
  EXPECT_EQ((*found)->policy, "people");
  EXPECT_EQ((*found)->groups, session.groups);
  EXPECT_FALSE((*found)->api_token_sha256);
  auto token_session = store_->FindWebSession(by_token.id_sha256, clock_.now());
  ASSERT_TRUE(token_session && *token_session);
  EXPECT_EQ((*token_session)->api_token_sha256, by_token.api_token_sha256);

  // Expired: not found, then purged; ended: gone.
  const TimePoint later = clock_.now() + std::chrono::minutes(2);
  EXPECT_FALSE(*store_->FindWebSession(by_token.id_sha256, later));
  EXPECT_EQ(*store_->PurgeExpiredWebSessions(later), 1u);
  EXPECT_TRUE(*store_->DeleteWebSession(session.id_sha256));
  EXPECT_FALSE(*store_->DeleteWebSession(session.id_sha256));
  EXPECT_FALSE(*store_->FindWebSession(session.id_sha256, clock_.now()));
  EXPECT_FALSE(*store_->FindWebSession(std::string(64, 'd'), clock_.now()));
}

// SQLite's commits leave checkpoints to the store's own thread
// (sql_connection.h, SqliteCheckpointer): what they wrote to the log still
// reaches the database file, within a bounded wait, once the log passes
// 1,000 pages. Without that thread nothing would: the store's commit hook
// turns SQLite's own automatic checkpoint off.
TEST(SqliteTeamStore, TheCheckpointerMovesTheLogIntoTheDatabaseFile) {
  const TempDir dir("audex-checkpoint");
  auto url = FreshStoreUrl(Db::kSqlite, dir);
  ASSERT_TRUE(url);
  TeamStoreOptions options;
  options.audit_key = TestAuditKey();
  auto store = OpenTeamStore(*url, std::move(options));
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->Migrate());
  const auto file_size = [&] { return std::filesystem::file_size(*url); };
  const uintmax_t before = file_size();
  // 400 events of 20 KB: about 2,000 pages of 4 KiB.
  for (int i = 0; i < 400; ++i) {
    auto appended = (*store)->AppendAudit(
        Event(fmt::format("bulk-{}", i), "bulk", {{"pad", std::string(20'000, 'x')}}));
    ASSERT_TRUE(appended) << appended.error().message;
  }
  constexpr uintmax_t kMoved = 4u << 20;  // at least the first 1,000 pages
  for (int i = 0; i < 200 && file_size() < before + kMoved; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(file_size(), before + kMoved);
}

// One text per migration: each backend gets its own spelling of a 64-bit
// column and of a type-checked table, and nothing of the other's.
TEST(TeamStoreMigrations, SpellEachBackendsTypesAndNothingOfTheOther) {
  for (const Migration& migration : TeamStoreMigrations()) {
    const std::string sqlite = MigrationSql(migration, SqlBackend::kSqlite);
    const std::string postgres = MigrationSql(migration, SqlBackend::kPostgres);
    EXPECT_EQ(sqlite.find("INT64"), std::string::npos) << migration.version;
    EXPECT_EQ(sqlite.find("BIGINT"), std::string::npos) << migration.version;
    EXPECT_EQ(postgres.find("INT64"), std::string::npos) << migration.version;
    EXPECT_EQ(postgres.find("STRICT"), std::string::npos) << migration.version;
    const bool makes_table = migration.sql.find("CREATE TABLE") != std::string_view::npos;
    EXPECT_EQ(sqlite.find(") STRICT;") != std::string::npos, makes_table) << migration.version;
  }
  const std::string v1 = MigrationSql(TeamStoreMigrations()[0], SqlBackend::kPostgres);
  EXPECT_NE(v1.find("seq BIGINT PRIMARY KEY"), std::string::npos);
  EXPECT_NE(v1.find("id INTEGER PRIMARY KEY CHECK (id = 1)"), std::string::npos);
}

TEST_P(TeamStoreTest, RefusesASchemaNewerThanItKnows) {
  Migrate();
  Raw("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'from the "
      "future', 0)");
  auto checked = store_->CheckSchema();
  auto required = store_->RequireCurrentSchema();
  auto migrated = store_->Migrate();
  ASSERT_FALSE(checked);
  ASSERT_FALSE(required);
  ASSERT_FALSE(migrated);
  for (const Error& error : {checked.error(), required.error(), migrated.error()}) {
    EXPECT_EQ(error.kind, ErrorKind::kState);
    EXPECT_NE(error.message.find("schema version 99"), std::string::npos) << error.message;
    EXPECT_NE(error.message.find(fmt::format("version {}", LatestSchemaVersion())),
              std::string::npos)
        << error.message;
    EXPECT_NE(error.message.find("upgrade tryaudex"), std::string::npos) << error.message;
  }
}

TEST_P(TeamStoreTest, AnUnreachableStoreIsAStateErrorWithoutThePassword) {
  if (GetParam() == Db::kSqlite) {
    auto opened = OpenTeamStore((dir_.path() / "missing-dir" / "team.db").string());
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().kind, ErrorKind::kState);
    EXPECT_NE(opened.error().message.find("directory exists"), std::string::npos);
    return;
  }
  // A port nothing listens on (this test's own cluster is elsewhere).
  auto opened = OpenTeamStore("postgresql://audex:topsecretpw@127.0.0.1:1/audex");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, ErrorKind::kState);
  EXPECT_NE(opened.error().message.find("postgresql://audex:****@127.0.0.1:1/audex"),
            std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().message.find("topsecretpw"), std::string::npos);
}

// ------------------------------------------------------------- tokens

TEST_P(TeamStoreTest, TokensAreStoredAsHashesFoundByHashAndRevoked) {
  Migrate();
  auto secret = NewApiTokenSecret();
  ASSERT_TRUE(secret);
  ApiToken token;
  token.id = NewId();
  token.name = "ci-deploy";
  token.policy = "deployers";
  token.token_sha256 = ApiTokenHash(*secret);
  token.created_by = "admin";
  token.created_at = clock_.now();
  token.expires_at = clock_.now() + seconds(90 * 86400);
  token.groups = {"sec", "platform"};  // migration 3: approvers' groups
  auto created = store_->Transact([&](TeamTransaction& tx) {
    return tx.InsertApiToken(token, Event(token.id, "token_created", {{"name", token.name}}));
  });
  ASSERT_TRUE(created) << created.error().message;

  auto found = store_->FindApiTokenByHash(ApiTokenHash(*secret));
  ASSERT_TRUE(found && *found) << (found ? "absent" : found.error().message);
  EXPECT_EQ((*found)->name, "ci-deploy");
  EXPECT_EQ((*found)->policy, "deployers");
  EXPECT_EQ((*found)->expires_at, token.expires_at);
  EXPECT_EQ((*found)->groups, token.groups);
  EXPECT_TRUE(CheckApiTokenUsable(**found, clock_.now()));
  EXPECT_FALSE(CheckApiTokenUsable(**found, *token.expires_at));  // expired then
  auto other = store_->FindApiTokenByHash(Sha256Hex("audex_not-a-token"));
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other);

  // The token itself is nowhere in the database, nor in what the store lists.
  EXPECT_EQ(AllCells("api_tokens").find(secret->Reveal()), std::string::npos);
  EXPECT_EQ(AllCells("audit_events").find(secret->Reveal()), std::string::npos);
  auto listed = store_->ListApiTokens();
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 1u);

  // Touched: recorded, then kept to the minute.
  ASSERT_TRUE(store_->TouchApiToken(token.id, clock_.now()));
  EXPECT_EQ((*store_->FindApiTokenByHash(token.token_sha256))->last_used_at, clock_.now());
  ASSERT_TRUE(store_->TouchApiToken(token.id, clock_.now() + seconds(30)));
  EXPECT_EQ((*store_->FindApiTokenByHash(token.token_sha256))->last_used_at, clock_.now());
  ASSERT_TRUE(store_->TouchApiToken(token.id, clock_.now() + seconds(61)));
  EXPECT_EQ((*store_->FindApiTokenByHash(token.token_sha256))->last_used_at,
            clock_.now() + seconds(61));

  const uint64_t before_revoke = Tip();
  auto revoked = store_->Transact([&](TeamTransaction& tx) {
    return tx.RevokeApiTokens("ci-deploy", clock_.now(), Event(token.id, "token_revoked"));
  });
  ASSERT_TRUE(revoked) << revoked.error().message;
  EXPECT_EQ(*revoked, 1u);
  EXPECT_EQ(Tip(), before_revoke + 1);
  auto after = store_->FindApiTokenByHash(token.token_sha256);
  ASSERT_TRUE(after && *after);
  auto usable = CheckApiTokenUsable(**after, clock_.now());
  ASSERT_FALSE(usable);
  EXPECT_NE(usable.error().message.find("revoked"), std::string::npos);

  // Revoking again changes nothing and records nothing.
  auto again = store_->Transact([&](TeamTransaction& tx) {
    return tx.RevokeApiTokens(token.id, clock_.now(), Event(token.id, "token_revoked"));
  });
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0u);
  EXPECT_EQ(Tip(), before_revoke + 1);
}

// ------------------------------------------------------------- grants

TEST_P(TeamStoreTest, GrantRoundTripsEveryFieldAndMovesOnlyFromTheExpectedStatus) {
  Migrate();
  Grant grant = MakeGrant(NewId(), "alice", clock_.now());
  grant.approval_request_id = "req0000000000001";
  ASSERT_TRUE(InsertGrant(grant));

  StsSession sts{"AROAEXAMPLEROLEID", "audex-" + grant.id, "ASIAEXAMPLEKEYID",
                 clock_.now() + seconds(900)};
  GrantChange issued;
  issued.status = GrantStatus::kIssued;
  issued.sts = sts;
  issued.credentials_token_sha256 = Sha256Hex("bearer");
  issued.issued_at = clock_.now();
  clock_.Advance(seconds(2));
  auto moved = store_->Transact([&](TeamTransaction& tx) {
    return tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, issued,
                          Event(grant.id, "grant_issued", {{"access_key_id", sts.access_key_id}}));
  });
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_TRUE(*moved);

  auto read = store_->GetGrant(grant.id);
  ASSERT_TRUE(read && *read);
  const Grant& got = **read;
  EXPECT_EQ(got.caller, grant.caller);
  EXPECT_EQ(got.provider, grant.provider);
  EXPECT_EQ(got.role, grant.role);
  EXPECT_EQ(got.profile, grant.profile);
  EXPECT_EQ(got.requested_actions, grant.requested_actions);
  EXPECT_EQ(got.actions, grant.actions);
  EXPECT_EQ(got.resources, grant.resources);
  EXPECT_EQ(got.policy, grant.policy);
  EXPECT_EQ(got.ttl, grant.ttl);
  EXPECT_EQ(got.reason, grant.reason);
  EXPECT_EQ(got.rule, grant.rule);
  EXPECT_EQ(got.status, GrantStatus::kIssued);
  EXPECT_EQ(got.approval_request_id, grant.approval_request_id);
  EXPECT_EQ(got.sts, sts);
  EXPECT_EQ(got.credentials_token_sha256, issued.credentials_token_sha256);
  EXPECT_EQ(got.created_at, grant.created_at);
  EXPECT_EQ(got.updated_at, clock_.now());
  EXPECT_EQ(got.issued_at, issued.issued_at);
  auto by_bearer = store_->FindGrantByCredentialsToken(Sha256Hex("bearer"));
  ASSERT_TRUE(by_bearer && *by_bearer);
  EXPECT_EQ((*by_bearer)->id, grant.id);

  // It is no longer issuing: a second move from issuing does nothing and
  // records nothing.
  const uint64_t tip = Tip();
  auto stale = store_->Transact([&](TeamTransaction& tx) {
    return tx.UpdateGrant(grant.id, {GrantStatus::kIssuing}, issued,
                          Event(grant.id, "grant_issued"));
  });
  ASSERT_TRUE(stale);
  EXPECT_FALSE(*stale);
  EXPECT_EQ(Tip(), tip);
  EXPECT_EQ(Raw("SELECT seq FROM audit_events").size(), 2u);
}

TEST_P(TeamStoreTest, AFailedBodyLeavesNeitherTheChangeNorItsEvent) {
  Migrate();
  const Grant grant = MakeGrant(NewId(), "alice", clock_.now());
  auto failed = store_->Transact([&](TeamTransaction& tx) -> Result<void> {
    if (auto inserted = tx.InsertGrant(grant, Event(grant.id, "grant_requested")); !inserted) {
      return inserted;
    }
    return CredentialsError("STS refused");  // e.g. the server gave up before committing
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "STS refused");
  EXPECT_EQ(Tip(), 0u);
  EXPECT_FALSE(*store_->GetGrant(grant.id));

  // An event that names another session is a bug, and nothing commits.
  auto miswired = store_->Transact([&](TeamTransaction& tx) {
    return tx.InsertGrant(grant, Event("0000000000000000", "grant_requested"));
  });
  ASSERT_FALSE(miswired);
  EXPECT_NE(miswired.error().message.find("bug"), std::string::npos);
  EXPECT_FALSE(*store_->GetGrant(grant.id));

  // A duplicate id is refused by the database, and again nothing commits.
  ASSERT_TRUE(InsertGrant(grant));
  auto duplicate = InsertGrant(grant);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().kind, ErrorKind::kState);
  EXPECT_EQ(Tip(), 1u);
}

TEST_P(TeamStoreTest, ListsGrantsNewestFirstInPagesWithFilters) {
  Migrate();
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    // Two grants per second, so that pages also break ties on the id.
    Grant grant = MakeGrant(NewId(), i % 3 == 0 ? "bob" : "alice", clock_.now() + seconds(i / 2));
    if (i % 5 == 0) grant.status = GrantStatus::kFailed;
    ASSERT_TRUE(InsertGrant(grant));
    ids.push_back(grant.id);
  }
  std::vector<std::string> seen;
  std::vector<size_t> sizes;
  PageRequest page{"", 10};
  for (int pages = 0; pages < 10; ++pages) {
    auto listed = store_->ListGrants({}, page);
    ASSERT_TRUE(listed) << listed.error().message;
    sizes.push_back(listed->items.size());
    for (size_t i = 0; i < listed->items.size(); ++i) {
      const Grant& grant = listed->items[i];
      if (!seen.empty()) {
        auto previous = store_->GetGrant(seen.back());
        ASSERT_TRUE(previous && *previous);
        EXPECT_TRUE(std::make_pair((*previous)->created_at, (*previous)->id) >
                    std::make_pair(grant.created_at, grant.id))
            << "newest first";
      }
      seen.push_back(grant.id);
    }
    if (listed->next_cursor.empty()) break;
    page.cursor = listed->next_cursor;
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()),
            std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(seen.size(), 25u);

  GrantFilter bobs;
  bobs.caller = "bob";
  auto bob_page = store_->ListGrants(bobs, {"", 100});
  ASSERT_TRUE(bob_page);
  EXPECT_EQ(bob_page->items.size(), 9u);
  for (const Grant& grant : bob_page->items) EXPECT_EQ(grant.caller, "bob");
  GrantFilter failed_alice;
  failed_alice.caller = "alice";
  failed_alice.status = GrantStatus::kFailed;
  auto failed_page = store_->ListGrants(failed_alice, {"", 100});
  ASSERT_TRUE(failed_page);
  EXPECT_EQ(failed_page->items.size(), 3u);  // i = 5, 10, 20

  auto bad = store_->ListGrants({}, {"not-a-cursor", 10});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kUsage);
}

// ------------------------------------------------- approvals, revocations

TEST_P(TeamStoreTest, ApprovalsCountOncePerApproverAndDecideOnce) {
  Migrate();
  ApprovalRequest request;
  request.id = NewId();
  request.requester = "alice";
  request.body = R"({"profile":"prod-admin","ttl":"1h"})";
  request.rule = "prod-needs-two";
  request.required_approvals = 2;
  request.approver_groups = {"sre", "security"};
  request.created_at = clock_.now();
  request.expires_at = clock_.now() + seconds(3600);
  ASSERT_TRUE(store_->Transact([&](TeamTransaction& tx) {
    return tx.InsertApprovalRequest(request, Event(request.id, "approval_requested"));
  }));
  const auto approve = [&](const std::string& who) {
    return store_->Transact([&](TeamTransaction& tx) {
      return tx.AddApproval(request.id, Approval{who, clock_.now(), "ok by " + who},
                            Event(request.id, "approval_given", {{"caller", who}}));
    });
  };
  EXPECT_EQ(approve("carol"), true);
  EXPECT_EQ(approve("carol"), false);  // once per approver
  clock_.Advance(seconds(5));
  EXPECT_EQ(approve("dave"), true);
  auto read = store_->GetApprovalRequest(request.id);
  ASSERT_TRUE(read && *read);
  ASSERT_EQ((*read)->approvals.size(), 2u);
  EXPECT_EQ((*read)->approvals[0].approver, "carol");
  EXPECT_EQ((*read)->approvals[1].at, clock_.now());
  EXPECT_EQ((*read)->approver_groups, request.approver_groups);

  const std::string grant_id = NewId();
  const auto decide = [&](ApprovalStatus decision) {
    return store_->Transact([&](TeamTransaction& tx) {
      return tx.DecideApprovalRequest(request.id, decision, "dave", "two approvals", grant_id,
                                      Event(request.id, "approval_decided"));
    });
  };
  EXPECT_EQ(decide(ApprovalStatus::kApproved), true);
  EXPECT_EQ(decide(ApprovalStatus::kDenied), false);  // decided already
  EXPECT_EQ(approve("erin"), false);                  // no longer pending
  read = store_->GetApprovalRequest(request.id);
  EXPECT_EQ((*read)->status, ApprovalStatus::kApproved);
  EXPECT_EQ((*read)->grant_id, grant_id);
  EXPECT_EQ((*read)->decided_by, "dave");

  // Break-glass: listed for review until reviewed, once.
  ApprovalRequest glass = request;
  glass.id = NewId();
  glass.break_glass = true;
  glass.approvals.clear();
  glass.status = ApprovalStatus::kApproved;
  ASSERT_TRUE(store_->Transact([&](TeamTransaction& tx) {
    return tx.InsertApprovalRequest(glass, Event(glass.id, "break_glass"));
  }));
  ApprovalFilter unreviewed;
  unreviewed.unreviewed_break_glass = true;
  auto listed = store_->ListApprovalRequests(unreviewed, {});
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].id, glass.id);
  const auto review = [&] {
    return store_->Transact([&](TeamTransaction& tx) {
      return tx.MarkReviewed(glass.id, "security-lead", Event(glass.id, "break_glass_reviewed"));
    });
  };
  EXPECT_EQ(review(), true);
  EXPECT_EQ(review(), false);
  EXPECT_TRUE(store_->ListApprovalRequests(unreviewed, {})->items.empty());
  EXPECT_EQ(store_->ListApprovalRequests({}, {})->items.size(), 2u);
}

TEST_P(TeamStoreTest, RevocationsMarkWhatTheyCoverAndTrackTheirDeny) {
  Migrate();
  std::vector<std::string> old_ids;
  for (int i = 0; i < 3; ++i) {
    Grant grant = MakeGrant(NewId(), "mallory", clock_.now());
    grant.status = GrantStatus::kIssued;
    ASSERT_TRUE(InsertGrant(grant));
    old_ids.push_back(grant.id);
  }
  Grant failed = MakeGrant(NewId(), "mallory", clock_.now());
  failed.status = GrantStatus::kFailed;
  ASSERT_TRUE(InsertGrant(failed));
  Grant someone_else = MakeGrant(NewId(), "alice", clock_.now());
  someone_else.status = GrantStatus::kIssued;
  ASSERT_TRUE(InsertGrant(someone_else));
  clock_.Advance(seconds(10));
  Grant newer = MakeGrant(NewId(), "mallory", clock_.now() + seconds(1));
  newer.status = GrantStatus::kIssued;
  ASSERT_TRUE(InsertGrant(newer));

  Revocation by_caller;
  by_caller.id = NewId();
  by_caller.scope = RevocationScope::kCaller;
  by_caller.caller = "mallory";
  by_caller.not_before = clock_.now();
  by_caller.revoked_by = "admin";
  by_caller.reason = "laptop stolen";
  by_caller.created_at = clock_.now();
  auto revoked = store_->Transact([&](TeamTransaction& tx) {
    return tx.InsertRevocation(by_caller, Event(by_caller.id, "caller_revoked"));
  });
  ASSERT_TRUE(revoked) << revoked.error().message;
  std::sort(old_ids.begin(), old_ids.end());
  EXPECT_EQ(*revoked, old_ids);
  for (const std::string& id : old_ids) {
    auto grant = store_->GetGrant(id);
    EXPECT_EQ((*grant)->status, GrantStatus::kRevoked);
    EXPECT_EQ((*grant)->status_reason, "revoked by admin: laptop stolen");
  }
  EXPECT_EQ((*store_->GetGrant(failed.id))->status, GrantStatus::kFailed);
  EXPECT_EQ((*store_->GetGrant(someone_else.id))->status, GrantStatus::kIssued);
  EXPECT_EQ((*store_->GetGrant(newer.id))->status, GrantStatus::kIssued);

  Revocation one;
  one.id = NewId();
  one.scope = RevocationScope::kGrant;
  one.grant_id = someone_else.id;
  one.revoked_by = "admin";
  one.reason = "done";
  one.created_at = clock_.now();
  auto single = store_->Transact([&](TeamTransaction& tx) {
    return tx.InsertRevocation(one, Event(someone_else.id, "grant_revoked"));
  });
  ASSERT_TRUE(single);
  EXPECT_EQ(*single, std::vector<std::string>{someone_else.id});

  const std::string deny =
      R"({"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringLike":{"aws:userid":"AROAX:audex-x"}}})";
  auto attached = store_->Transact([&](TeamTransaction& tx) {
    return tx.MarkRevocationAttached(one.id, someone_else.role, "audex-revocations", deny,
                                     clock_.now(), clock_.now() + seconds(900),
                                     Event(someone_else.id, "revocation_attached"));
  });
  ASSERT_TRUE(attached && *attached);
  RevocationFilter removable;
  removable.removable_at = clock_.now() + seconds(899);
  EXPECT_TRUE(store_->ListRevocations(removable)->empty());
  removable.removable_at = clock_.now() + seconds(900);
  auto due = store_->ListRevocations(removable);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].deny_statement, deny);
  EXPECT_EQ((*due)[0].policy_name, "audex-revocations");
  auto removed = store_->Transact([&](TeamTransaction& tx) {
    return tx.MarkRevocationRemoved(one.id, clock_.now() + seconds(901),
                                    Event(someone_else.id, "revocation_removed"));
  });
  ASSERT_TRUE(removed && *removed);
  EXPECT_TRUE(store_->ListRevocations(removable)->empty());
  RevocationFilter of_mallory;
  of_mallory.caller = "mallory";
  EXPECT_EQ(store_->ListRevocations(of_mallory)->size(), 1u);
}

// ---------------------------------------------------- jti, rate, cache

TEST_P(TeamStoreTest, AJtiIsAcceptedOnceUntilItExpires) {
  Migrate();
  const TimePoint now = clock_.now();
  const std::string issuer = "https://token.actions.githubusercontent.com";
  EXPECT_EQ(store_->RememberJti(issuer, "jti-1", now + seconds(300), now), true);
  EXPECT_EQ(store_->RememberJti(issuer, "jti-1", now + seconds(300), now + seconds(10)), false);
  EXPECT_EQ(store_->RememberJti(issuer, "jti-1", now + seconds(900), now + seconds(299)), false);
  EXPECT_EQ(store_->RememberJti("https://gitlab.example.com", "jti-1", now + seconds(300), now),
            true);
  // Once the first sighting has expired, the id may come again (a token
  // that carries it is refused by its own exp before then).
  EXPECT_EQ(store_->RememberJti(issuer, "jti-1", now + seconds(600), now + seconds(300)), true);
  EXPECT_EQ(store_->RememberJti(issuer, "jti-1", now + seconds(600), now + seconds(301)), false);

  EXPECT_EQ(store_->RememberJti(issuer, "jti-2", now + seconds(10), now), true);
  auto purged = store_->PurgeExpiredJtis(now + seconds(400));
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 2u);  // gitlab's jti-1 and jti-2; github's jti-1 lives to +600
  EXPECT_EQ(store_->RememberJti(issuer, "jti-1", now + seconds(600), now + seconds(400)), false);
}

TEST_P(TeamStoreTest, RateBucketsRefillAsTheClockMoves) {
  Migrate();
  const RateLimit limit{3, 1.0 / 10};  // 3 at once, then one every 10 s
  const TimePoint now = clock_.now();
  const auto take = [&](const std::string& key, TimePoint at) {
    auto decision = store_->TakeRateToken(key, limit, at);
    EXPECT_TRUE(decision) << decision.error().message;
    return decision ? *decision : RateDecision{};
  };
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(take("caller:alice", now).allowed) << i;
  const RateDecision refused = take("caller:alice", now + seconds(1));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, seconds(9));
  EXPECT_TRUE(take("caller:alice|profile:s3-read", now).allowed) << "another bucket";
  EXPECT_TRUE(take("caller:bob", now).allowed);
  EXPECT_FALSE(take("caller:alice", now + seconds(9)).allowed);
  EXPECT_TRUE(take("caller:alice", now + seconds(10)).allowed);
  EXPECT_FALSE(take("caller:alice", now + seconds(10)).allowed);

  auto bad = store_->TakeRateToken("caller:alice", RateLimit{0, 1.0}, now);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kUsage);

  // Full buckets are deleted; a deleted bucket is a full one.
  auto purged = store_->PurgeFullRateBuckets(now + seconds(25));
  ASSERT_TRUE(purged);
  EXPECT_EQ(*purged, 2u);  // bob's and alice|profile; alice's is full at +40
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(take("caller:bob", now + seconds(25)).allowed);
  EXPECT_FALSE(take("caller:bob", now + seconds(25)).allowed);
}

TEST_P(TeamStoreTest, StsCacheHoldsOnlySealedCredentials) {
  Migrate();
  const SecretString key(std::string(kCacheKeyBytes, 'c'));
  CachedCredentials cached;
  cached.credentials.access_key_id = "ASIACACHEDKEY";
  cached.credentials.secret_access_key = SecretString("cached-secret-access-key");
  cached.credentials.session_token = SecretString("cached-session-token");
  cached.credentials.expiration = clock_.now() + seconds(900);
  cached.credentials.source = "sts:AssumeRole";
  cached.session_id = NewId();
  ASSERT_TRUE(store_->PutStsCacheEntry("entry-1", cached, key));
  const std::string cells = AllCells("sts_cache");
  EXPECT_EQ(cells.find("cached-secret-access-key"), std::string::npos);
  EXPECT_EQ(cells.find("cached-session-token"), std::string::npos);
  EXPECT_NE(cells.find("ASIACACHEDKEY"), std::string::npos);

  auto found = store_->FindStsCacheEntry("entry-1", key, clock_.now());
  ASSERT_TRUE(found && *found) << (found ? "absent" : found.error().message);
  EXPECT_EQ((*found)->credentials.secret_access_key, cached.credentials.secret_access_key);
  EXPECT_EQ((*found)->credentials.session_token, cached.credentials.session_token);
  EXPECT_EQ((*found)->session_id, cached.session_id);
  EXPECT_FALSE(*store_->FindStsCacheEntry("entry-1", key, clock_.now() + seconds(900)));
  EXPECT_FALSE(*store_->FindStsCacheEntry("entry-2", key, clock_.now()));

  // Under another key it does not open, and is dropped.
  const SecretString other(std::string(kCacheKeyBytes, 'd'));
  EXPECT_FALSE(*store_->FindStsCacheEntry("entry-1", other, clock_.now()));
  EXPECT_TRUE(Raw("SELECT name FROM sts_cache").empty());

  ASSERT_TRUE(store_->PutStsCacheEntry("entry-3", cached, key));
  EXPECT_EQ(store_->PurgeExpiredStsCache(clock_.now() + seconds(900)), size_t{1});
}

// ------------------------------------------------------------- audit

TEST_P(TeamStoreTest, AuditAppendsReadsExportsAndVerifies) {
  Migrate();
  const std::string grant = NewId();
  for (int i = 1; i <= 6; ++i) {
    auto seq = store_->AppendAudit(Event(i % 2 == 0 ? grant : NewId(),
                                         i <= 3 ? "request_refused" : "grant_issued",
                                         {{"caller", i % 3 == 0 ? "bob" : "alice"}, {"n", i}}));
    ASSERT_TRUE(seq) << seq.error().message;
    EXPECT_EQ(*seq, static_cast<uint64_t>(i));
    clock_.Advance(seconds(60));
  }
  AuditQuery page;
  page.limit = 4;
  auto first = store_->ReadAudit(page);
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_EQ(first->size(), 4u);
  EXPECT_EQ((*first)[0].seq, 1u);
  EXPECT_EQ((*first)[0].event.ts, "2026-05-01T12:00:00Z");
  EXPECT_EQ((*first)[3].event.ts, "2026-05-01T12:03:00Z");
  EXPECT_EQ((*first)[1].prev, (*first)[0].mac);
  page.after_seq = 4;
  auto rest = store_->ReadAudit(page);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[1].seq, 6u);

  // The events matching `set`'s filters, by seq.
  const auto seqs = [&](const std::function<void(AuditQuery&)>& set) {
    AuditQuery query;
    set(query);
    std::vector<uint64_t> found;
    auto lines = store_->ReadAudit(query);
    EXPECT_TRUE(lines) << lines.error().message;
    if (lines) {
      for (const AuditLine& line : *lines) found.push_back(line.seq);
    }
    return found;
  };
  EXPECT_EQ(seqs([&](AuditQuery& q) { q.session_id = grant; }), (std::vector<uint64_t>{2, 4, 6}));
  EXPECT_EQ(seqs([](AuditQuery& q) { q.event = "grant_issued"; }),
            (std::vector<uint64_t>{4, 5, 6}));
  EXPECT_EQ(seqs([](AuditQuery& q) { q.caller = "bob"; }), (std::vector<uint64_t>{3, 6}));
  EXPECT_EQ(seqs([](AuditQuery& q) {
              q.since = "2026-05-01T12:02:00Z";
              q.until = "2026-05-01T12:04:00Z";
            }),
            (std::vector<uint64_t>{3, 4, 5}));
  EXPECT_EQ(seqs([](AuditQuery& q) {
              q.after_seq = 3;
              q.caller = "bob";
            }),
            (std::vector<uint64_t>{6}));

  // The export is audit.jsonl to the byte: core's verifier accepts it with
  // the head formatted from the returned tip, and each line re-reads as it
  // was read from the store.
  std::string exported;
  auto tip = store_->ExportAuditJsonl([&](std::string_view text) -> Result<void> {
    exported += text;
    return {};
  });
  ASSERT_TRUE(tip) << tip.error().message;
  EXPECT_EQ(tip->seq, 6u);
  const std::string key = TestAuditKey().Reveal();
  const auto verdict = VerifyAuditChain(AuditFiles{exported, key, FormatChainHead(*tip, key)});
  ASSERT_TRUE(verdict) << verdict.error().problem;
  EXPECT_EQ(*verdict, 6u);
  const auto lines = ParseAuditLog(exported);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(FormatAuditLine(*lines[2].line), FormatAuditLine((*first)[2]));
  std::string tail;
  ASSERT_TRUE(store_->ExportAuditJsonl(
      [&](std::string_view text) -> Result<void> {
        tail += text;
        return {};
      },
      4));
  EXPECT_EQ(tail, exported.substr(exported.find("{\"seq\":5,")));

  auto stored = store_->VerifyAudit();
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_TRUE(*stored) << stored->error().problem;
  EXPECT_EQ(**stored, 6u);
}

// Runs `tryaudex audit verify` on the state directory `home`; its exit
// status and what it printed.
std::pair<int, std::string> TryaudexAuditVerify(const std::filesystem::path& home) {
  const std::string command =
      fmt::format("AUDEX_HOME='{}' '{}' audit verify 2>&1", home.string(), AUDEX_TRYAUDEX);
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string output;
  char buffer[512];
  while (size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

void WritePrivateFile(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST_P(TeamStoreTest, AnExportedChainPassesTryaudexAuditVerify) {
  Migrate();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Event(NewId(), "grant_issued", {{"caller", "alice"}})));
  }
  std::string exported;
  auto tip = store_->ExportAuditJsonl([&](std::string_view text) -> Result<void> {
    exported += text;
    return {};
  });
  ASSERT_TRUE(tip) << tip.error().message;
  // The three files of a state directory (docs/audit-log-format.md).
  const std::filesystem::path home = dir_.path() / "export";
  std::filesystem::create_directory(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  const std::string key = TestAuditKey().Reveal();
  WritePrivateFile(home / "audit.jsonl", exported);
  WritePrivateFile(home / "audit.head", FormatChainHead(*tip, key));
  WritePrivateFile(home / "audit.key", key);
  const auto [status, output] = TryaudexAuditVerify(home);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("OK: 4 events, chain intact"), std::string::npos) << output;

  std::string altered = exported;
  altered.replace(altered.find("alice", altered.find("\"seq\":3,")), 5, "bobby");
  WritePrivateFile(home / "audit.jsonl", altered);
  const auto [broken_status, broken_output] = TryaudexAuditVerify(home);
  EXPECT_EQ(broken_status, 1) << broken_output;
  EXPECT_NE(broken_output.find("BROKEN: line 3"), std::string::npos) << broken_output;
}

TEST_P(TeamStoreTest, VerifyFindsAnAlteredLineAndAppendsRefuseADamagedEnd) {
  Migrate();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->AppendAudit(Event(NewId(), "grant_issued", {{"caller", "alice"}})));
  }
  // Someone with write access to the database changes event 3's caller.
  const std::string line = Raw("SELECT line FROM audit_events WHERE seq = 3")[0].Text(0);
  std::string altered = line;
  altered.replace(altered.find("alice"), 5, "bobby");
  Raw("UPDATE audit_events SET line = $1 WHERE seq = 3", {altered});
  auto verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict) << verdict.error().message;
  ASSERT_FALSE(*verdict);
  EXPECT_EQ(verdict->error().line, 3u);
  EXPECT_EQ(verdict->error().intact_events, 2u);
  EXPECT_NE(verdict->error().problem.find("mac does not match"), std::string::npos)
      << verdict->error().problem;
  Raw("UPDATE audit_events SET line = $1 WHERE seq = 3", {line});
  ASSERT_TRUE(*store_->VerifyAudit());

  // Only the indexed column changed: the line verifies, the row does not.
  Raw("UPDATE audit_events SET caller = 'bobby' WHERE seq = 4");
  verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict);
  ASSERT_FALSE(*verdict);
  EXPECT_EQ(verdict->error().line, 4u);
  EXPECT_NE(verdict->error().problem.find("column differs"), std::string::npos);
  Raw("UPDATE audit_events SET caller = 'alice' WHERE seq = 4");

  // The last event altered: verification says so, and no new event is
  // sealed over it.
  const std::string last = Raw("SELECT line FROM audit_events WHERE seq = 5")[0].Text(0);
  std::string forged = last;
  forged.replace(forged.find("alice"), 5, "mallo");
  Raw("UPDATE audit_events SET line = $1 WHERE seq = 5", {forged});
  auto refused = store_->AppendAudit(Event(NewId(), "grant_issued"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kState);
  EXPECT_NE(refused.error().message.find("does not match its mac"), std::string::npos)
      << refused.error().message;
  Raw("UPDATE audit_events SET line = $1 WHERE seq = 5", {last});

  // The last event deleted: the head still records it.
  Raw("DELETE FROM audit_events WHERE seq = 5");
  verdict = store_->VerifyAudit();
  ASSERT_TRUE(verdict);
  ASSERT_FALSE(*verdict);
  EXPECT_NE(verdict->error().problem.find("audit.head records 5"), std::string::npos)
      << verdict->error().problem;
  refused = store_->AppendAudit(Event(NewId(), "grant_issued"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("head records 5"), std::string::npos)
      << refused.error().message;
}

TEST_P(TeamStoreTest, AnotherAuditKeyNeitherAppendsNorVerifies) {
  Migrate();
  ASSERT_TRUE(store_->AppendAudit(Event(NewId(), "grant_issued")));
  auto other = Open(SecretString(std::string(kAuditKeySize, 'x')));
  ASSERT_NE(other, nullptr);
  auto refused = other->AppendAudit(Event(NewId(), "grant_issued"));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("audit key"), std::string::npos)
      << refused.error().message;
  auto verdict = other->VerifyAudit();
  ASSERT_TRUE(verdict);
  EXPECT_FALSE(*verdict);

  // Without any key it reads but does not write.
  TeamStoreOptions no_key;
  auto reader = OpenTeamStore(url_, no_key);
  ASSERT_TRUE(reader);
  EXPECT_EQ((*reader)->ReadAudit({})->size(), 1u);
  EXPECT_FALSE((*reader)->AppendAudit(Event(NewId(), "grant_issued")));
  EXPECT_EQ(Tip(), 1u);
}

}  // namespace
}  // namespace audex::testing

namespace audex::testing {
namespace {

// The cluster of team_store_test.sh, restarted on the same port: every
// connection in the store's pool is cut. Reads and transactions carry on
// (their first statement is retried on a fresh connection); a lone write
// is not retried, since it may have been carried out, and fails once.
// What another process does to the SQLite file in
// AReplicaSeesAnotherProcesssCommitAfterItsPoolGrew: this test binary run
// again with AUDEX_TEST_SQLITE_CHILD=PATH (a forked copy would share the
// parent's SQLite lock bookkeeping, so it is exec'd). "short": insert and
// close; "revoke": revoke g1, say so on fd 1 of the pipe, wait for a byte.
TEST(SqliteChildProcess, Act) {
  const char* path = std::getenv("AUDEX_TEST_SQLITE_CHILD");
  const char* role = std::getenv("AUDEX_TEST_SQLITE_ROLE");
  if (path == nullptr || role == nullptr) GTEST_SKIP() << "run by its parent test only";
  auto connection = OpenSqliteConnection(path);
  ASSERT_TRUE(connection) << connection.error().message;
  if (std::string(role) == "short") {
    ASSERT_TRUE((*connection)->Exec("INSERT INTO grants VALUES ('g2', 'issued')", {}));
    return;
  }
  const bool ok =
      (*connection)->Exec("UPDATE grants SET status = 'revoked' WHERE id = 'g1'", {}).has_value();
  char byte = ok ? 'y' : 'n';
  ASSERT_EQ(::write(std::atoi(std::getenv("AUDEX_TEST_SQLITE_TOLD")), &byte, 1), 1);
  ASSERT_EQ(::read(std::atoi(std::getenv("AUDEX_TEST_SQLITE_DONE")), &byte, 1), 1);
}

// Starts this binary as SqliteChildProcess.Act in `role`.
pid_t StartSqliteChild(const std::string& path, const char* role, int told = -1, int done = -1) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setenv("AUDEX_TEST_SQLITE_CHILD", path.c_str(), 1);
  ::setenv("AUDEX_TEST_SQLITE_ROLE", role, 1);
  ::setenv("AUDEX_TEST_SQLITE_TOLD", std::to_string(told).c_str(), 1);
  ::setenv("AUDEX_TEST_SQLITE_DONE", std::to_string(done).c_str(), 1);
  ::execl("/proc/self/exe", "audex_team_store_tests", "--gtest_filter=SqliteChildProcess.Act",
          static_cast<char*>(nullptr));
  _exit(127);
}

// POSIX advisory locks belong to the process, and closing ANY descriptor
// of a file drops every lock the process holds on it (SQLite's "How To
// Corrupt An SQLite Database File", 2.2). A store connection opened while
// another connection of the same process is open must not open and close
// the file itself: with the process's locks gone, another process that
// closes its last connection takes the database as unused, checkpoints
// and deletes the WAL, and the first connection goes on reading the
// deleted WAL -- a replica kept serving a grant another replica had
// revoked. Here: replica A has a connection, opens a second one (as its
// pool grows); a short-lived process (a `tryaudex server token create`)
// closes; replica B (another process) revokes; A must read "revoked".
TEST(TeamStoreSqlite, AReplicaSeesAnotherProcesssCommitAfterItsPoolGrew) {
  TempDir dir("audex-teamstore");
  const std::string path = (dir.path() / "team.db").string();
  auto a = OpenSqliteConnection(path);
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(
      (*a)->ExecScript("CREATE TABLE grants (id TEXT PRIMARY KEY, status TEXT NOT NULL);"
                       "INSERT INTO grants VALUES ('g1', 'issued')"));
  const auto status = [&]() -> std::string {
    auto rows = (*a)->Exec("SELECT status FROM grants WHERE id = $1", {std::string("g1")});
    return rows && !rows->empty() ? rows->front().Text(0) : "(read failed)";
  };
  ASSERT_EQ(status(), "issued");
  auto second = OpenSqliteConnection(path);  // A's pool grows
  ASSERT_TRUE(second) << second.error().message;

  int wait_status = 0;
  const pid_t short_lived = StartSqliteChild(path, "short");
  ASSERT_GT(short_lived, 0);
  ASSERT_EQ(::waitpid(short_lived, &wait_status, 0), short_lived);
  ASSERT_TRUE(WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0);

  int told[2];
  int done[2];
  ASSERT_EQ(::pipe(told), 0);
  ASSERT_EQ(::pipe(done), 0);
  const pid_t replica_b = StartSqliteChild(path, "revoke", told[1], done[0]);
  ASSERT_GT(replica_b, 0);
  char byte = 0;
  ASSERT_EQ(::read(told[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y') << "replica B could not revoke";
  EXPECT_EQ(status(), "revoked") << "A read a deleted WAL after B committed";
  auto fresh = OpenSqliteConnection(path);
  ASSERT_TRUE(fresh) << fresh.error().message;
  auto rows = (*fresh)->Exec("SELECT status FROM grants WHERE id = 'g1'", {});
  ASSERT_TRUE(rows && !rows->empty());
  EXPECT_EQ(rows->front().Text(0), "revoked") << "a new connection of A's process read it too";
  byte = 'x';
  ASSERT_EQ(::write(done[1], &byte, 1), 1);
  ASSERT_EQ(::waitpid(replica_b, &wait_status, 0), replica_b);
  for (int fd : {told[0], told[1], done[0], done[1]}) ::close(fd);
}

TEST(TeamStorePostgres, CarriesOnAfterTheDatabaseRestarts) {
  const char* cluster = std::getenv("AUDEX_TEST_PG_DIR");
  const char* local_cloud = std::getenv("AUDEX_TEST_LOCAL_CLOUD");
  ASSERT_TRUE(cluster && local_cloud) << "run through tests/integration/team_store_test.sh";
  const auto restart = [&] {
    return std::system(
        fmt::format("'{}' postgres restart '{}' >/dev/null 2>&1", local_cloud, cluster).c_str());
  };
  TempDir dir("audex-teamstore");
  auto url = FreshStoreUrl(Db::kPostgres, dir);
  ASSERT_TRUE(url) << url.error().message;
  TeamStoreOptions options;
  options.audit_key = TestAuditKey();
  auto opened = OpenTeamStore(*url, options);
  ASSERT_TRUE(opened) << opened.error().message;
  TeamStore& store = **opened;
  ASSERT_TRUE(store.Migrate());
  const Grant grant = MakeGrant(NewId(), "alice", FromUnixSeconds(1'777'636'800));
  ASSERT_TRUE(store.Transact([&](TeamTransaction& tx) {
    return tx.InsertGrant(grant, Event(grant.id, "grant_requested"));
  }));

  ASSERT_EQ(restart(), 0);
  auto appended = store.AppendAudit(Event(grant.id, "grant_issued"));
  EXPECT_TRUE(appended) << appended.error().message;

  ASSERT_EQ(restart(), 0);
  auto read = store.GetGrant(grant.id);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_TRUE(*read);
  EXPECT_TRUE(store.Ping());

  ASSERT_EQ(restart(), 0);
  const auto now = FromUnixSeconds(1'777'636'800);
  auto lone_write = store.RememberJti("https://issuer.example", "j1", now + seconds(60), now);
  ASSERT_FALSE(lone_write);
  EXPECT_EQ(lone_write.error().kind, ErrorKind::kState);
  EXPECT_NE(lone_write.error().message.find("check that the database is running"),
            std::string::npos)
      << lone_write.error().message;
  EXPECT_EQ(store.RememberJti("https://issuer.example", "j1", now + seconds(60), now), true);

  auto verdict = store.VerifyAudit();
  ASSERT_TRUE(verdict) << verdict.error().message;
  ASSERT_TRUE(*verdict) << verdict->error().problem;
  EXPECT_EQ(**verdict, 2u);
}

}  // namespace
}  // namespace audex::testing
