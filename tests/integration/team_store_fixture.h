// What the team store's integration tests share: a fresh store per test in
// SQLite (a temporary file) or PostgreSQL (a new database in the cluster
// that tests/integration/team_store_test.sh started and named in
// AUDEX_TEST_PG_URL), a clock the test moves, and record builders.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "adapters/store/random_bytes.h"
#include "adapters/teamstore/sql_connection.h"
#include "adapters/teamstore/team_store.h"
#include "core/team/store_url.h"
#include "support/temp_dir.h"

namespace audex::testing {

enum class Db { kSqlite, kPostgres };

inline std::string DbName(const ::testing::TestParamInfo<Db>& info) {
  return info.param == Db::kSqlite ? "sqlite" : "postgres";
}

inline const SecretString& TestAuditKey() {
  static const SecretString key(std::string(kAuditKeySize, 'k'));
  return key;
}

// A clock that stands still until the test moves it; shared by copies.
class FakeClock {
 public:
  explicit FakeClock(int64_t unix_seconds = 1'777'636'800)  // 2026-05-01T12:00:00Z
      : seconds_(std::make_shared<std::atomic<int64_t>>(unix_seconds)) {}
  TimePoint now() const { return FromUnixSeconds(seconds_->load()); }
  void Advance(std::chrono::seconds by) { seconds_->fetch_add(by.count()); }
  Clock clock() const {
    return [seconds = seconds_] { return FromUnixSeconds(seconds->load()); };
  }

 private:
  std::shared_ptr<std::atomic<int64_t>> seconds_;
};

// A store URL nobody has used: a new SQLite file in `dir`, or a new
// database in the test cluster. Fails (never skips) when the cluster is
// not there: the PostgreSQL tests run through team_store_test.sh.
inline Result<std::string> FreshStoreUrl(Db db, const TempDir& dir) {
  static std::atomic<int> counter{0};
  const int n = ++counter;
  if (db == Db::kSqlite) return (dir.path() / fmt::format("team-{}.db", n)).string();
  const char* base = std::getenv("AUDEX_TEST_PG_URL");
  if (base == nullptr || *base == '\0') {
    return StateError(
        "AUDEX_TEST_PG_URL is not set: run the PostgreSQL tests through "
        "tests/integration/team_store_test.sh (ctest does), which starts a cluster");
  }
  const std::string base_url = base;
  auto admin = OpenPostgresConnection(SecretString(base_url), RedactStoreUrl(base_url));
  if (!admin) return tl::unexpected(admin.error());
  const std::string name = fmt::format("audex_t{}_{}", ::getpid(), n);
  if (auto made = (*admin)->Exec("CREATE DATABASE " + name, {}); !made) {
    return StateError("CREATE DATABASE failed: " + made.error().message);
  }
  const size_t slash = base_url.rfind('/');
  return base_url.substr(0, slash + 1) + name;
}

// A connection of the test's own to the store's database, to read and
// tamper with rows behind the store's back.
inline std::unique_ptr<SqlConnection> RawConnection(const std::string& url) {
  auto parsed = ParseStoreUrl(url);
  if (!parsed) return nullptr;
  auto opened = parsed->backend == StoreBackend::kPostgres
                    ? OpenPostgresConnection(parsed->postgres_url, parsed->display)
                    : OpenSqliteConnection(parsed->sqlite_path);
  return opened ? std::move(*opened) : nullptr;
}

inline std::string NewId() {
  auto id = NewSessionId();
  return id ? *id : std::string();
}

inline AuditEvent Event(std::string session_id, std::string name,
                        nlohmann::json fields = nlohmann::json::object()) {
  AuditEvent event;
  event.session_id = std::move(session_id);
  event.name = std::move(name);
  event.fields = std::move(fields);
  return event;
}

inline Grant MakeGrant(const std::string& id, const std::string& caller, TimePoint created_at) {
  Grant grant;
  grant.id = id;
  grant.caller = caller;
  grant.provider = "aws";
  grant.role = "arn:aws:iam::123456789012:role/deploy";
  grant.profile = "s3-read";
  grant.requested_actions = {"s3:GetObject", "s3:List*"};
  grant.actions = {"s3:GetObject", "s3:ListBucket"};
  grant.resources = {"arn:aws:s3:::bucket/*"};
  grant.policy = R"({"Version":"2012-10-17","Statement":[]})";
  grant.ttl = std::chrono::seconds(900);
  grant.reason = "deploy \"café\"";
  grant.rule = "ci-deploy";
  grant.status = GrantStatus::kIssuing;
  grant.created_at = created_at;
  grant.updated_at = created_at;
  return grant;
}

}  // namespace audex::testing
