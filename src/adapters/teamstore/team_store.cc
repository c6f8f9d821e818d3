// The team store over either database (team_store.h). The SQL is written
// once, in the subset both SQLite 3.40 and PostgreSQL 15 run the same way
// (RETURNING, ON CONFLICT, $n parameters); the few statements that differ
// are in SqlDialect.
#include "adapters/teamstore/team_store.h"

#include <algorithm>
#include <charconv>
#include <deque>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "adapters/store/random_bytes.h"
#include "adapters/teamstore/connection_pool.h"
#include "adapters/teamstore/team_schema.h"
#include "core/base/crypto.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxPage = 1000;
constexpr size_t kExportBatch = 1000;
// Compare-and-set attempts on one rate bucket before giving up: each lost
// race means another replica took a token, so this many in a row is a
// bucket hotter than any limit worth enforcing.
constexpr int kRateAttempts = 64;
constexpr std::chrono::seconds kTouchGranularity{60};

constexpr std::string_view kVerifyHint =
    "; run tryaudex server audit verify to find the first bad event";

// The arbitrary key of the advisory lock that migrations take
// (pg_advisory_xact_lock): "audex" in ASCII.
constexpr SqlDialect kPostgresDialect{
    .begin_write = "BEGIN",
    .begin_snapshot = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    .lock_suffix = " FOR UPDATE",
    .migration_lock = "SELECT pg_advisory_xact_lock(439788987768)",
    .schema_version_exists =
        "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND "
        "table_name = 'schema_version'",
};
// BEGIN IMMEDIATE takes SQLite's write lock at once, so that two writers
// queue at the start instead of one failing with SQLITE_BUSY when it
// upgrades a read transaction. A deferred BEGIN's first SELECT fixes the
// snapshot of a WAL reader.
constexpr SqlDialect kSqliteDialect{
    .begin_write = "BEGIN IMMEDIATE",
    .begin_snapshot = "BEGIN",
    .lock_suffix = "",
    .migration_lock = "",
    .schema_version_exists =
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
};

constexpr std::string_view kCreateSchemaVersion =
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT "
    "NOT NULL, applied_at BIGINT NOT NULL)";

Error FailureOf(std::string_view store, std::string_view what, const SqlError& error) {
  std::string_view fix;
  switch (error.code) {
    case SqlError::Code::kConnection:
      fix = "; check that the database is running and reachable from this replica";
      break;
    case SqlError::Code::kBusy:
      fix = "; other writers held the database too long, try again";
      break;
    default:
      break;
  }
  return Error{ErrorKind::kState,
               fmt::format("the store {} could not {}: {}{}", store, what, error.message, fix)};
}

// ---------------------------------------------------------- row decoding

SqlValue Seconds(TimePoint time) { return UnixSeconds(time); }
SqlValue OptionalSeconds(const std::optional<TimePoint>& time) {
  return time ? SqlValue(UnixSeconds(*time)) : SqlNull();
}
std::optional<TimePoint> OptionalTime(const SqlRow& row, size_t column) {
  const auto value = row.OptionalInt(column);
  return value ? std::optional<TimePoint>(FromUnixSeconds(*value)) : std::nullopt;
}
TimePoint Time(const SqlRow& row, size_t column) { return FromUnixSeconds(row.Int(column)); }

std::string JsonList(const std::vector<std::string>& items) {
  return Json(items).dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

Result<std::vector<std::string>> ParseJsonList(const std::string& text, std::string_view where) {
  const Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_array()) return StateError(fmt::format("{} is not a JSON list", where));
  std::vector<std::string> items;
  for (const Json& item : json) {
    if (!item.is_string()) return StateError(fmt::format("{} holds a non-string", where));
    items.push_back(item.get<std::string>());
  }
  return items;
}

constexpr std::string_view kTokenColumns =
    "id, name, token_sha256, policy, created_by, created_at, expires_at, revoked_at, "
    "last_used_at, caller_groups";

ApiToken TokenFromRow(const SqlRow& row) {
  ApiToken token;
  token.id = row.Text(0);
  token.name = row.Text(1);
  token.token_sha256 = row.Text(2);
  token.policy = row.Text(3);
  token.created_by = row.Text(4);
  token.created_at = Time(row, 5);
  token.expires_at = OptionalTime(row, 6);
  token.revoked_at = OptionalTime(row, 7);
  token.last_used_at = OptionalTime(row, 8);
  // Written by InsertApiToken as a JSON list; anything else reads as none.
  const auto groups = nlohmann::json::parse(row.Text(9), nullptr, false);
  if (groups.is_array()) {
    for (const auto& group : groups) {
      if (group.is_string()) token.groups.push_back(group.get<std::string>());
    }
  }
  return token;
}

constexpr std::string_view kGrantColumns =
    "id, caller, provider, role, profile, requested_actions, actions, resources, policy, "
    "ttl_seconds, reason, rule, status, status_reason, approval_request_id, sts_role_id, "
    "sts_session_name, access_key_id, expires_at, reused_from, credentials_token_sha256, "
    "created_at, updated_at, issued_at";

Result<Grant> GrantFromRow(const SqlRow& row) {
  Grant grant;
  grant.id = row.Text(0);
  const std::string where = fmt::format("grant {}", grant.id);
  grant.caller = row.Text(1);
  grant.provider = row.Text(2);
  grant.role = row.Text(3);
  grant.profile = row.OptionalText(4);
  auto requested = ParseJsonList(row.Text(5), where + " requested_actions");
  auto actions = ParseJsonList(row.Text(6), where + " actions");
  auto resources = ParseJsonList(row.Text(7), where + " resources");
  if (!requested) return tl::unexpected(requested.error());
  if (!actions) return tl::unexpected(actions.error());
  if (!resources) return tl::unexpected(resources.error());
  grant.requested_actions = std::move(*requested);
  grant.actions = std::move(*actions);
  grant.resources = std::move(*resources);
  grant.policy = row.OptionalText(8);
  grant.ttl = std::chrono::seconds(row.Int(9));
  grant.reason = row.Text(10);
  grant.rule = row.Text(11);
  const auto status = ParseGrantStatus(row.Text(12));
  if (!status)
    return StateError(fmt::format("{} has an unknown status \"{}\"", where, row.Text(12)));
  grant.status = *status;
  grant.status_reason = row.Text(13);
  grant.approval_request_id = row.OptionalText(14);
  grant.sts.role_id = row.Text(15);
  grant.sts.session_name = row.Text(16);
  grant.sts.access_key_id = row.Text(17);
  grant.sts.expires_at = OptionalTime(row, 18);
  grant.reused_from = row.OptionalText(19);
  grant.credentials_token_sha256 = row.OptionalText(20);
  grant.created_at = Time(row, 21);
  grant.updated_at = Time(row, 22);
  grant.issued_at = OptionalTime(row, 23);
  return grant;
}

constexpr std::string_view kRequestColumns =
    "id, requester, body, rule, required_approvals, approver_groups, status, decided_by, "
    "decision_reason, decided_at, break_glass, reviewed_by, reviewed_at, grant_id, created_at, "
    "expires_at";

Result<ApprovalRequest> RequestFromRow(const SqlRow& row) {
  ApprovalRequest request;
  request.id = row.Text(0);
  request.requester = row.Text(1);
  request.body = row.Text(2);
  request.rule = row.Text(3);
  request.required_approvals = static_cast<int>(row.Int(4));
  auto groups = ParseJsonList(row.Text(5), fmt::format("approval request {} groups", request.id));
  if (!groups) return tl::unexpected(groups.error());
  request.approver_groups = std::move(*groups);
  const auto status = ParseApprovalStatus(row.Text(6));
  if (!status) {
    return StateError(
        fmt::format("approval request {} has an unknown status \"{}\"", request.id, row.Text(6)));
  }
  request.status = *status;
  request.decided_by = row.OptionalText(7);
  request.decision_reason = row.Text(8);
  request.decided_at = OptionalTime(row, 9);
  request.break_glass = row.Int(10) != 0;
  request.reviewed_by = row.OptionalText(11);
  request.reviewed_at = OptionalTime(row, 12);
  request.grant_id = row.OptionalText(13);
  request.created_at = Time(row, 14);
  request.expires_at = Time(row, 15);
  return request;
}

constexpr std::string_view kRevocationColumns =
    "id, scope, grant_id, caller, not_before, revoked_by, reason, created_at, role_arn, "
    "policy_name, deny_statement, attached_at, removable_after, removed_at";

Result<Revocation> RevocationFromRow(const SqlRow& row) {
  Revocation revocation;
  revocation.id = row.Text(0);
  const auto scope = ParseRevocationScope(row.Text(1));
  if (!scope) {
    return StateError(
        fmt::format("revocation {} has an unknown scope \"{}\"", revocation.id, row.Text(1)));
  }
  revocation.scope = *scope;
  revocation.grant_id = row.OptionalText(2);
  revocation.caller = row.OptionalText(3);
  revocation.not_before = OptionalTime(row, 4);
  revocation.revoked_by = row.Text(5);
  revocation.reason = row.Text(6);
  revocation.created_at = Time(row, 7);
  revocation.role_arn = row.Text(8);
  revocation.policy_name = row.Text(9);
  revocation.deny_statement = row.Text(10);
  revocation.attached_at = OptionalTime(row, 11);
  revocation.removable_after = OptionalTime(row, 12);
  revocation.removed_at = OptionalTime(row, 13);
  return revocation;
}

// ------------------------------------------------------------------ paging

size_t PageLimit(size_t limit) { return std::clamp<size_t>(limit, 1, kMaxPage); }

// Lists run newest first over (created_at, id); a cursor is the last row's
// pair, "<created_at>.<id>".
struct Cursor {
  int64_t created_at = 0;
  std::string id;
};

Result<std::optional<Cursor>> ParseCursor(const std::string& text) {
  if (text.empty()) return std::optional<Cursor>();
  const size_t dot = text.find('.');
  Cursor cursor;
  const char* end = text.data() + (dot == std::string::npos ? text.size() : dot);
  const auto [parsed_to, error] = std::from_chars(text.data(), end, cursor.created_at);
  if (dot == std::string::npos || dot == 0 || error != std::errc() || parsed_to != end) {
    return UsageError(
        fmt::format("cursor \"{}\" is not one this server gave out; start again from the first "
                    "page (no cursor)",
                    text));
  }
  cursor.id = text.substr(dot + 1);
  return std::optional<Cursor>(std::move(cursor));
}

std::string FormatCursor(TimePoint created_at, const std::string& id) {
  return fmt::format("{}.{}", UnixSeconds(created_at), id);
}

// Adds " AND <column> = $n" to `where` for each filter that is set.
void AddFilter(std::string& where, SqlParams& params, std::string_view column,
               const std::optional<std::string>& value) {
  if (!value) return;
  params.push_back(*value);
  where += fmt::format(" AND {} = ${}", column, params.size());
}

void AddCursor(std::string& where, SqlParams& params, const std::optional<Cursor>& cursor) {
  if (!cursor) return;
  params.push_back(cursor->created_at);
  params.push_back(cursor->id);
  const size_t at = params.size() - 1;
  where += fmt::format(" AND (created_at < ${0} OR (created_at = ${0} AND id < ${1}))", at, at + 1);
}

// ------------------------------------------------------------------ audit

std::optional<std::string> CallerOf(const AuditEvent& event) {
  if (!event.fields.is_object()) return std::nullopt;
  const auto it = event.fields.find("caller");
  if (it == event.fields.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string Unhex(std::string_view hex) {
  const auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string bytes;
  if (hex.size() % 2 != 0) return bytes;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int high = digit(hex[i]);
    const int low = digit(hex[i + 1]);
    if (high < 0 || low < 0) return {};
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return bytes;
}

// --------------------------------------------- statements on a connection

Result<SqlRows> Run(SqlConnection& connection, std::string_view store, std::string_view what,
                    std::string_view sql, const SqlParams& params) {
  auto rows = connection.Exec(sql, params);
  if (!rows) return tl::unexpected(FailureOf(store, what, rows.error()));
  return std::move(*rows);
}

Result<std::optional<Grant>> LoadGrant(SqlConnection& connection, std::string_view store,
                                       std::string_view column, std::string_view value) {
  auto rows = Run(connection, store, "read a grant",
                  fmt::format("SELECT {} FROM grants WHERE {} = $1", kGrantColumns, column),
                  {std::string(value)});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<Grant>();
  auto grant = GrantFromRow(rows->front());
  if (!grant) return tl::unexpected(grant.error());
  return std::optional<Grant>(std::move(*grant));
}

Result<void> LoadApprovals(SqlConnection& connection, std::string_view store,
                           ApprovalRequest& request) {
  auto rows = Run(connection, store, "read approvals",
                  "SELECT approver, at, reason FROM approvals WHERE request_id = $1 ORDER BY at, "
                  "approver",
                  {request.id});
  if (!rows) return tl::unexpected(rows.error());
  for (const SqlRow& row : *rows) {
    request.approvals.push_back(Approval{row.Text(0), Time(row, 1), row.Text(2)});
  }
  return {};
}

Result<std::optional<ApprovalRequest>> LoadRequest(SqlConnection& connection,
                                                   std::string_view store, std::string_view id) {
  auto rows = Run(connection, store, "read an approval request",
                  fmt::format("SELECT {} FROM approval_requests WHERE id = $1", kRequestColumns),
                  {std::string(id)});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<ApprovalRequest>();
  auto request = RequestFromRow(rows->front());
  if (!request) return tl::unexpected(request.error());
  if (auto loaded = LoadApprovals(connection, store, *request); !loaded) {
    return tl::unexpected(loaded.error());
  }
  return std::optional<ApprovalRequest>(std::move(*request));
}

Result<int> SchemaVersion(SqlConnection& connection, std::string_view store,
                          const SqlDialect& dialect) {
  auto exists =
      Run(connection, store, "read its schema version", dialect.schema_version_exists, {});
  if (!exists) return tl::unexpected(exists.error());
  if (exists->empty()) return 0;
  auto rows = Run(connection, store, "read its schema version",
                  "SELECT COALESCE(MAX(version), 0) FROM schema_version", {});
  if (!rows) return tl::unexpected(rows.error());
  return static_cast<int>(rows->front().Int(0));
}

Error NewerSchema(std::string_view store, int current) {
  return Error{
      ErrorKind::kState,
      fmt::format("the store {} has schema version {}, newer than version {}, the newest this "
                  "tryaudex knows: a newer tryaudex migrated it; upgrade tryaudex on this replica "
                  "to that release (an older server must not write to a newer schema)",
                  store, current, LatestSchemaVersion())};
}

// Runs the reads in `read` on a pooled connection; once more on a fresh
// one when the first turns out to have died while idle (the database
// restarted), which every pooled connection then has: they are dropped.
template <typename Read>
auto OnLiveConnection(ConnectionPool& pool, Read&& read)
    -> decltype(read(std::declval<SqlConnection&>())) {
  for (int attempt = 0;; ++attempt) {
    auto lease = pool.Acquire();
    if (!lease) return tl::unexpected(lease.error());
    auto result = read(**lease);
    if (result || !(*lease)->Broken() || attempt > 0) return result;
    pool.DropIdle();
  }
}

}  // namespace

const SqlDialect& DialectFor(SqlBackend backend) {
  return backend == SqlBackend::kPostgres ? kPostgresDialect : kSqliteDialect;
}

// ================================================================ opening

Result<std::unique_ptr<TeamStore>> OpenTeamStore(std::string_view url, TeamStoreOptions options) {
  auto parsed = ParseStoreUrl(url);
  if (!parsed) return tl::unexpected(parsed.error());
  if (!options.audit_key.empty() && options.audit_key.size() != kAuditKeySize) {
    return UsageError(fmt::format("the audit key is {} bytes, not {}: it was replaced or damaged",
                                  options.audit_key.size(), kAuditKeySize));
  }
  ConnectionPool::Opener open;
  if (parsed->backend == StoreBackend::kPostgres) {
    open = [url = parsed->postgres_url, display = parsed->display] {
      return OpenPostgresConnection(url, display);
    };
  } else {
    // Checkpoints run on a thread of their own (sql_connection.h). Its
    // connection needs the file, which a first connection makes (0600).
    const std::string& path = parsed->sqlite_path;
    if (auto first = OpenSqliteConnection(path); !first) return tl::unexpected(first.error());
    auto checkpointer = StartSqliteCheckpointer(path);
    if (!checkpointer) return tl::unexpected(checkpointer.error());
    open = [path, checkpointer = *checkpointer] {
      return OpenSqliteConnection(path, checkpointer);
    };
  }
  auto pool = std::make_unique<ConnectionPool>(std::move(open), options.max_connections,
                                               options.connection_wait, parsed->display);
  {
    // One connection now, so that an unreachable store fails at start.
    auto first = pool->Acquire();
    if (!first) return tl::unexpected(first.error());
  }
  return std::unique_ptr<TeamStore>(
      new TeamStore(std::move(*parsed), std::move(options), std::move(pool)));
}

Result<SecretString> NewApiTokenSecret() {
  auto bytes = RandomBytes(kApiTokenRandomBytes);
  if (!bytes) return tl::unexpected(bytes.error());
  return ApiTokenFromRandom(*bytes);
}

TeamStore::TeamStore(StoreUrl url, TeamStoreOptions options, std::unique_ptr<ConnectionPool> pool)
    : url_(std::move(url)),
      options_(std::move(options)),
      pool_(std::move(pool)),
      dialect_(DialectFor(url_.backend == StoreBackend::kPostgres ? SqlBackend::kPostgres
                                                                  : SqlBackend::kSqlite)) {}

TeamStore::~TeamStore() = default;

Result<SqlRows> TeamStore::Read(std::string_view what, std::string_view sql,
                                const SqlParams& params) {
  for (int attempt = 0;; ++attempt) {
    auto lease = pool_->Acquire();
    if (!lease) return tl::unexpected(lease.error());
    auto rows = (*lease)->Exec(sql, params);
    if (rows) return std::move(*rows);
    if (rows.error().code == SqlError::Code::kConnection && attempt == 0) {
      pool_->DropIdle();
      continue;
    }
    return tl::unexpected(FailureOf(display(), what, rows.error()));
  }
}

Result<SqlRows> TeamStore::Write(std::string_view what, std::string_view sql,
                                 const SqlParams& params) {
  auto lease = pool_->Acquire();
  if (!lease) return tl::unexpected(lease.error());
  auto rows = (*lease)->Exec(sql, params);
  if (!rows) {
    if (rows.error().code == SqlError::Code::kConnection) pool_->DropIdle();
    return tl::unexpected(FailureOf(display(), what, rows.error()));
  }
  return std::move(*rows);
}

Result<void> TeamStore::Ping() {
  auto rows = Read("answer", "SELECT 1", {});
  if (!rows) return tl::unexpected(rows.error());
  return {};
}

// ================================================================ schema

Result<SchemaStatus> TeamStore::CheckSchema() {
  auto current = OnLiveConnection(*pool_, [&](SqlConnection& connection) {
    return SchemaVersion(connection, display(), dialect_);
  });
  if (!current) return tl::unexpected(current.error());
  if (*current > LatestSchemaVersion()) return tl::unexpected(NewerSchema(display(), *current));
  SchemaStatus status;
  status.current = *current;
  status.latest = LatestSchemaVersion();
  for (const Migration& migration : TeamStoreMigrations()) {
    if (migration.version > *current) status.pending.push_back(migration.version);
  }
  return status;
}

Result<void> TeamStore::RequireCurrentSchema() {
  auto status = CheckSchema();
  if (!status) return tl::unexpected(status.error());
  if (status->ready()) return {};
  return StateError(fmt::format(
      "the store {} has schema version {} and this tryaudex needs {}: run tryaudex server "
      "migrate (it applies {} migration{} and is safe to run while other replicas are up)",
      display(), status->current, status->latest, status->pending.size(),
      status->pending.size() == 1 ? "" : "s"));
}

Result<MigrationReport> TeamStore::Migrate(const MigrationObserver& observer,
                                           std::optional<int> target) {
  const int goal = std::min(target.value_or(LatestSchemaVersion()), LatestSchemaVersion());
  auto lease = pool_->Acquire();
  if (!lease) return tl::unexpected(lease.error());
  SqlConnection& connection = **lease;
  const auto fail = [&](std::string_view what, const SqlError& error) {
    connection.Exec("ROLLBACK", {});
    return tl::unexpected(FailureOf(display(), what, error));
  };
  // Every step runs in a transaction that first takes the migration lock,
  // so replicas started together apply each migration once.
  const auto begin = [&]() -> SqlResult<void> {
    if (auto begun = connection.Exec(dialect_.begin_write, {}); !begun) {
      return tl::unexpected(begun.error());
    }
    if (!dialect_.migration_lock.empty()) {
      if (auto locked = connection.Exec(dialect_.migration_lock, {}); !locked) {
        return tl::unexpected(locked.error());
      }
    }
    return {};
  };
  if (auto begun = begin(); !begun) return fail("start a migration", begun.error());
  if (auto made = connection.ExecScript(kCreateSchemaVersion); !made) {
    return fail("create its schema_version table", made.error());
  }
  if (auto committed = connection.Exec("COMMIT", {}); !committed) {
    return fail("create its schema_version table", committed.error());
  }

  MigrationReport report;
  for (bool first = true;; first = false) {
    if (auto begun = begin(); !begun) return fail("start a migration", begun.error());
    auto current = SchemaVersion(connection, display(), dialect_);
    if (!current) {
      connection.Exec("ROLLBACK", {});
      return tl::unexpected(current.error());
    }
    if (first) report.from = *current;
    report.to = *current;
    if (*current > LatestSchemaVersion()) {
      connection.Exec("ROLLBACK", {});
      return tl::unexpected(NewerSchema(display(), *current));
    }
    if (*current >= goal) {
      connection.Exec("ROLLBACK", {});
      return report;
    }
    const Migration& migration = TeamStoreMigrations()[static_cast<size_t>(*current)];
    if (observer) observer({migration.version, migration.description});
    const auto started = std::chrono::steady_clock::now();
    const std::string sql = MigrationSql(migration, connection.backend());
    const std::string what =
        fmt::format("apply migration {} ({})", migration.version, migration.description);
    if (auto applied = connection.ExecScript(sql); !applied) return fail(what, applied.error());
    if (auto recorded = connection.Exec(
            "INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)",
            {int64_t{migration.version}, std::string(migration.description),
             UnixSeconds(options_.clock())});
        !recorded) {
      return fail(what, recorded.error());
    }
    if (auto committed = connection.Exec("COMMIT", {}); !committed) {
      return fail(what, committed.error());
    }
    report.applied.push_back(migration.version);
    report.to = migration.version;
    if (observer) {
      observer({migration.version, migration.description, MigrationProgress::Phase::kApplied,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)});
    }
  }
}

// =========================================================== transactions

TeamTransaction::TeamTransaction(SqlConnection& connection, const SqlDialect& dialect, ChainTip tip,
                                 std::string_view key, TimePoint now, std::string_view store)
    : connection_(connection),
      dialect_(dialect),
      tip_(std::move(tip)),
      key_(key),
      now_(now),
      store_(store) {}

Result<ChainTip> TeamStore::ChainTipForAppend(SqlConnection& connection) {
  // The head row is locked for the rest of the transaction (PostgreSQL;
  // SQLite's BEGIN IMMEDIATE already holds the whole database): writers on
  // every replica take turns here, which is what keeps one chain.
  auto head_rows = Run(
      connection, display(), "read the audit chain's head",
      fmt::format("SELECT seq, head FROM audit_chain_head WHERE id = 1{}", dialect_.lock_suffix),
      {});
  if (!head_rows) return tl::unexpected(head_rows.error());
  if (head_rows->empty()) {
    return StateError(fmt::format(
        "the store {} has no audit chain head row: its schema is incomplete; run tryaudex server "
        "migrate",
        display()));
  }
  const uint64_t head_seq = static_cast<uint64_t>(head_rows->front().Int(0));
  const std::optional<std::string> head_text = head_rows->front().OptionalText(1);
  auto last_rows = Run(connection, display(), "read the audit chain's last event",
                       "SELECT seq, line FROM audit_events ORDER BY seq DESC LIMIT 1", {});
  if (!last_rows) return tl::unexpected(last_rows.error());
  // The head and the last event exactly as this replica last checked or
  // wrote them: checked already (the checks below are a JSON parse and an
  // HMAC each, the most expensive part of a small batch).
  if (verified_tip_ && head_text && !last_rows->empty() &&
      verified_tip_->head_seq == static_cast<int64_t>(head_seq) &&
      verified_tip_->head_text == *head_text &&
      last_rows->front().Int(0) == static_cast<int64_t>(verified_tip_->tip.seq) &&
      verified_tip_->last_line == last_rows->front().Text(1)) {
    return verified_tip_->tip;
  }
  verified_tip_.reset();
  const std::string key = options_.audit_key.Reveal();

  if (!head_text) {
    if (head_seq == 0 && last_rows->empty()) return ChainTip{};
    return StateError(
        fmt::format("the store {}'s audit chain has events but its head row is empty: the head was "
                    "cleared{}",
                    display(), kVerifyHint));
  }
  auto head = ParseChainHead(*head_text, key);
  if (!head) {
    return StateError(fmt::format(
        "the store {}'s audit chain head {} (or this server's audit key is not the one the "
        "chain was written with){}",
        display(), head.error().message, kVerifyHint));
  }
  if (head->seq != head_seq) {
    return StateError(
        fmt::format("the store {}'s audit chain head row was altered (seq {} but "
                    "its text says {}){}",
                    display(), head_seq, head->seq, kVerifyHint));
  }
  // In one database the head moves in the same transaction as the event,
  // so the last event must be exactly the one the head names (a file's
  // head may lag after a crash; this one may not).
  if (last_rows->empty()) {
    if (head->seq == 0) return *head;
    return StateError(fmt::format(
        "the store {}'s audit chain is empty but its head records {} events: events were "
        "deleted{}",
        display(), head->seq, kVerifyHint));
  }
  const SqlRow& last = last_rows->front();
  auto line = ParseAuditLine(last.Text(1));
  if (!line) {
    return StateError(fmt::format("the store {}'s last audit event (seq {}) is damaged ({}){}",
                                  display(), last.Int(0), line.error().message, kVerifyHint));
  }
  if (AuditMac(key, CanonicalContent(line->seq, line->event, line->prev)) != line->mac) {
    return StateError(fmt::format(
        "the store {}'s last audit event (seq {}) does not match its mac: it was altered, or "
        "written with another audit key{}",
        display(), line->seq, kVerifyHint));
  }
  if (line->seq != head->seq || line->mac != head->mac ||
      static_cast<uint64_t>(last.Int(0)) != line->seq) {
    return StateError(fmt::format(
        "the store {}'s audit chain ends at event {} but its head records {}: events were "
        "added or removed behind the server's back{}",
        display(), line->seq, head->seq, kVerifyHint));
  }
  verified_tip_ = VerifiedTip{static_cast<int64_t>(head_seq), *head_text, last.Text(1), *head};
  return *head;
}

// Group commit. Every write transaction of every replica waits for the
// chain's head and then for its own commit to reach the disk (an fsync,
// milliseconds), so one transaction per commit would cap a replica at a few
// hundred writes a second. Instead the callers of one replica combine: the
// first to find no batch running runs the bodies queued so far, each in a
// savepoint of one database transaction, and commits them together; the
// others wait for their result. A body that fails is rolled back to its
// savepoint alone. No thread of its own: the batch runs on a caller's.
struct TeamStore::PendingBody {
  const std::function<Result<void>(TeamTransaction&)>* body = nullptr;
  std::optional<Result<void>> outcome;  // written by the batch's thread alone
  std::optional<Result<void>> result;   // published under batch_mutex_, read by the caller
};

namespace {
// Set while a thread runs Transact bodies: a body that calls Transact
// would wait for the batch it is part of.
thread_local bool running_bodies = false;
constexpr size_t kMaxBatch = 128;
}  // namespace

Result<void> TeamStore::RunTransaction(const std::function<Result<void>(TeamTransaction&)>& body) {
  if (running_bodies) {
    return StateError("bug: a Transact body called the TeamStore; use its TeamTransaction");
  }
  if (options_.audit_key.size() != kAuditKeySize) {
    return StateError(fmt::format(
        "the store {} was opened without the audit key, so it cannot record events; give the "
        "server its audit key file",
        display()));
  }
  PendingBody mine{&body, std::nullopt, std::nullopt};
  std::unique_lock lock(batch_mutex_);
  batch_queue_.push_back(&mine);
  for (;;) {
    if (mine.result) return std::move(*mine.result);
    if (batch_running_) {
      batch_done_.wait(lock);
      continue;
    }
    batch_running_ = true;
    const size_t count = std::min(batch_queue_.size(), kMaxBatch);
    std::vector<PendingBody*> batch(batch_queue_.begin(),
                                    batch_queue_.begin() + static_cast<long>(count));
    batch_queue_.erase(batch_queue_.begin(), batch_queue_.begin() + static_cast<long>(count));
    lock.unlock();
    running_bodies = true;
    RunBatch(batch);
    running_bodies = false;
    lock.lock();
    for (PendingBody* pending : batch) pending->result = std::move(pending->outcome);
    batch_running_ = false;
    batch_done_.notify_all();
  }
}

void TeamStore::RunBatch(const std::vector<PendingBody*>& batch) {
  const auto fail_all = [&](const Error& error) {
    for (PendingBody* pending : batch) {
      if (!pending->outcome || *pending->outcome) pending->outcome = tl::unexpected(error);
    }
  };
  std::optional<ConnectionPool::Lease> lease;
  for (int attempt = 0;; ++attempt) {
    auto acquired = pool_->Acquire();
    if (!acquired) return fail_all(acquired.error());
    auto begun = (*acquired)->Exec(dialect_.begin_write, {});
    if (begun) {
      lease.emplace(std::move(*acquired));
      break;
    }
    // BEGIN did nothing yet, so it is safe to try once more on a fresh
    // connection when this one had died while idle.
    if (begun.error().code == SqlError::Code::kConnection && attempt == 0) {
      pool_->DropIdle();
      continue;
    }
    return fail_all(FailureOf(display(), "start a transaction", begun.error()));
  }
  SqlConnection& connection = **lease;
  const auto abandon = [&](const Error& error) {
    verified_tip_.reset();
    connection.Exec("ROLLBACK", {});
    if (connection.Broken()) pool_->DropIdle();
    fail_all(error);
  };

  auto tip = ChainTipForAppend(connection);
  if (!tip) return abandon(tip.error());
  TeamTransaction tx(connection, dialect_, *tip, options_.audit_key.Reveal(), options_.clock(),
                     display());
  // A savepoint per body only when there are others to protect. A body's
  // savepoint is released in the round trip that opens the next one's (on
  // PostgreSQL every statement is a round trip, and a batch's statements
  // run one after another while every writer waits); the last one is left
  // to COMMIT, which keeps what it holds.
  const bool savepoints = batch.size() > 1;
  bool saved = false;
  for (PendingBody* pending : batch) {
    if (savepoints) {
      auto opened =
          saved ? connection.ExecScript("RELEASE SAVEPOINT audex_body; SAVEPOINT audex_body")
                : connection.Exec("SAVEPOINT audex_body", {}).map([](SqlRows&&) {});
      if (!opened) return abandon(FailureOf(display(), "start a transaction", opened.error()));
      saved = true;
    }
    const ChainTip tip_before = tx.tip_;
    const uint64_t appended_before = tx.appended_;
    const uint64_t unaudited_before = tx.unaudited_;
    std::string last_line_before = tx.last_line_;
    auto done = (*pending->body)(tx);
    if (done) continue;
    pending->outcome = tl::unexpected(done.error());
    if (!savepoints) return abandon(done.error());
    // Undo this body's statements (and its place in the chain) only; its
    // savepoint stays, empty, until the next body's replaces it.
    auto undone = connection.Exec("ROLLBACK TO SAVEPOINT audex_body", {});
    if (!undone) return abandon(FailureOf(display(), "undo a failed change", undone.error()));
    tx.tip_ = tip_before;
    tx.appended_ = appended_before;
    tx.unaudited_ = unaudited_before;
    tx.last_line_ = std::move(last_line_before);
  }
  if (tx.appended_ == 0 && tx.unaudited_ == 0) {
    // Nothing was recorded, so nothing was changed: every audited change
    // appends, and the others count themselves.
    connection.Exec("ROLLBACK", {});
    for (PendingBody* pending : batch) {
      if (!pending->outcome) pending->outcome = Result<void>();
    }
    return;
  }
  std::string head_text;
  if (tx.appended_ > 0) {
    head_text = FormatChainHead(tx.tip_, options_.audit_key.Reveal());
    if (auto moved = Run(connection, display(), "move the audit chain's head",
                         "UPDATE audit_chain_head SET seq = $1, head = $2 WHERE id = 1",
                         {static_cast<int64_t>(tx.tip_.seq), head_text});
        !moved) {
      return abandon(moved.error());
    }
  }
  if (auto committed = connection.Exec("COMMIT", {}); !committed) {
    // A COMMIT whose reply was lost may have committed. The caller must
    // treat it as not done (and issue nothing); a retry finds the state.
    verified_tip_.reset();
    if (committed.error().code == SqlError::Code::kConnection) pool_->DropIdle();
    connection.Exec("ROLLBACK", {});
    return fail_all(FailureOf(display(), "commit (the change may or may not have been recorded)",
                              committed.error()));
  }
  if (tx.appended_ > 0) {
    // What this batch committed is the chain's end: the next batch finds
    // it unchanged unless another writer came between.
    verified_tip_ = VerifiedTip{static_cast<int64_t>(tx.tip_.seq), std::move(head_text),
                                std::move(tx.last_line_), tx.tip_};
  }
  for (PendingBody* pending : batch) {
    if (!pending->outcome) pending->outcome = Result<void>();
  }
}

Result<uint64_t> TeamStore::AppendAudit(AuditEvent event) {
  uint64_t seq = 0;
  auto done = RunTransaction([&](TeamTransaction& tx) -> Result<void> {
    auto appended = tx.AppendAudit(std::move(event));
    if (!appended) return tl::unexpected(appended.error());
    seq = *appended;
    return {};
  });
  if (!done) return tl::unexpected(done.error());
  return seq;
}

Result<uint64_t> TeamTransaction::AppendAudit(AuditEvent event) {
  event.ts = FormatRfc3339(now_);
  const SealedLine sealed = SealAuditLine(event, tip_, key_);
  std::string line = sealed.text;
  line.pop_back();  // the '\n' belongs to the file format, not the row
  auto inserted = Run(connection_, store_, "record an audit event",
                      "INSERT INTO audit_events (seq, ts, session_id, event, caller, line) VALUES "
                      "($1, $2, $3, $4, $5, $6)",
                      {static_cast<int64_t>(sealed.tip.seq), event.ts, event.session_id, event.name,
                       SqlOptional(CallerOf(event)), line});
  if (!inserted) return tl::unexpected(inserted.error());
  last_line_ = std::move(line);
  tip_ = sealed.tip;
  ++appended_;
  return tip_.seq;
}

// ---------------------------------------------------------------- tokens

Result<void> TeamTransaction::InsertApiToken(const ApiToken& token, AuditEvent event) {
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  auto inserted = Run(
      connection_, store_, "record an API token",
      fmt::format("INSERT INTO api_tokens ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                  kTokenColumns),
      {token.id, token.name, token.token_sha256, token.policy, token.created_by,
       Seconds(token.created_at), OptionalSeconds(token.expires_at),
       OptionalSeconds(token.revoked_at), OptionalSeconds(token.last_used_at),
       JsonList(token.groups)});
  if (!inserted) return tl::unexpected(inserted.error());
  return {};
}

Result<size_t> TeamTransaction::RevokeApiTokens(std::string_view id_or_name, TimePoint at,
                                                AuditEvent event) {
  const std::string selector(id_or_name);
  auto by_id = Run(connection_, store_, "revoke an API token",
                   "SELECT id FROM api_tokens WHERE id = $1 AND revoked_at IS NULL", {selector});
  if (!by_id) return tl::unexpected(by_id.error());
  const std::string_view column = by_id->empty() ? "name" : "id";
  auto revoked = Run(connection_, store_, "revoke an API token",
                     fmt::format("UPDATE api_tokens SET revoked_at = $2 WHERE {} = $1 AND "
                                 "revoked_at IS NULL RETURNING id",
                                 column),
                     {selector, Seconds(at)});
  if (!revoked) return tl::unexpected(revoked.error());
  if (revoked->empty()) return size_t{0};
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  return revoked->size();
}

Result<std::optional<ApiToken>> TeamStore::FindApiTokenByHash(std::string_view token_sha256) {
  // A plain equality lookup on the hash needs no constant-time compare:
  // what the timing could reveal is how much of the presented token's
  // SHA-256 matches an indexed hash, and learning a prefix of a hash gives
  // no way to make a token that has it (preimage resistance).
  auto rows = Read("look up an API token",
                   fmt::format("SELECT {} FROM api_tokens WHERE token_sha256 = $1", kTokenColumns),
                   {std::string(token_sha256)});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<ApiToken>();
  return std::optional<ApiToken>(TokenFromRow(rows->front()));
}

Result<std::vector<ApiToken>> TeamStore::ListApiTokens() {
  auto rows = Read(
      "list API tokens",
      fmt::format("SELECT {} FROM api_tokens ORDER BY name, created_at, id", kTokenColumns), {});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<ApiToken> tokens;
  for (const SqlRow& row : *rows) tokens.push_back(TokenFromRow(row));
  return tokens;
}

Result<void> TeamStore::TouchApiToken(std::string_view id, TimePoint now) {
  auto done = Write("record an API token's use",
                    "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS "
                    "NULL OR last_used_at <= $3)",
                    {std::string(id), Seconds(now), Seconds(now - kTouchGranularity)});
  if (!done) return tl::unexpected(done.error());
  return {};
}

Result<void> TeamStore::TouchApiToken(const ApiToken& token, TimePoint now) {
  if (token.last_used_at && *token.last_used_at > now - kTouchGranularity) return {};
  return TouchApiToken(token.id, now);
}

// ---------------------------------------------------------------- grants

Result<void> TeamTransaction::InsertGrant(const Grant& grant, AuditEvent event) {
  if (event.session_id != grant.id) {
    return StateError(fmt::format("bug: the audit event {} for grant {} names session {}",
                                  event.name, grant.id, event.session_id));
  }
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  auto inserted = Run(
      connection_, store_, "record a grant",
      fmt::format("INSERT INTO grants ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                  "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)",
                  kGrantColumns),
      {grant.id,
       grant.caller,
       grant.provider,
       grant.role,
       SqlOptional(grant.profile),
       JsonList(grant.requested_actions),
       JsonList(grant.actions),
       JsonList(grant.resources),
       SqlOptional(grant.policy),
       static_cast<int64_t>(grant.ttl.count()),
       grant.reason,
       grant.rule,
       std::string(GrantStatusName(grant.status)),
       grant.status_reason,
       SqlOptional(grant.approval_request_id),
       grant.sts.role_id,
       grant.sts.session_name,
       grant.sts.access_key_id,
       OptionalSeconds(grant.sts.expires_at),
       SqlOptional(grant.reused_from),
       SqlOptional(grant.credentials_token_sha256),
       Seconds(grant.created_at),
       Seconds(grant.updated_at),
       OptionalSeconds(grant.issued_at)});
  if (!inserted) return tl::unexpected(inserted.error());
  return {};
}

Result<bool> TeamTransaction::UpdateGrant(std::string_view id, const std::vector<GrantStatus>& from,
                                          const GrantChange& change, AuditEvent event) {
  if (event.session_id != id) {
    return StateError(fmt::format("bug: the audit event {} for grant {} names session {}",
                                  event.name, id, event.session_id));
  }
  SqlParams params{std::string(id), std::string(GrantStatusName(change.status)),
                   change.status_reason, Seconds(now_)};
  std::string sets = "status = $2, status_reason = $3, updated_at = $4";
  const auto set = [&](std::string_view column, SqlValue value) {
    params.push_back(std::move(value));
    sets += fmt::format(", {} = ${}", column, params.size());
  };
  if (change.sts) {
    set("sts_role_id", change.sts->role_id);
    set("sts_session_name", change.sts->session_name);
    set("access_key_id", change.sts->access_key_id);
    set("expires_at", OptionalSeconds(change.sts->expires_at));
  }
  if (change.reused_from) set("reused_from", *change.reused_from);
  if (change.credentials_token_sha256) {
    set("credentials_token_sha256", *change.credentials_token_sha256);
  }
  if (change.issued_at) set("issued_at", Seconds(*change.issued_at));
  std::string statuses;
  for (GrantStatus status : from) {
    params.push_back(std::string(GrantStatusName(status)));
    statuses += fmt::format("{}${}", statuses.empty() ? "" : ", ", params.size());
  }
  if (statuses.empty()) return false;
  auto updated = Run(connection_, store_, "update a grant",
                     fmt::format("UPDATE grants SET {} WHERE id = $1 AND status IN ({}) "
                                 "RETURNING id",
                                 sets, statuses),
                     params);
  if (!updated) return tl::unexpected(updated.error());
  if (updated->empty()) return false;
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  return true;
}

Result<std::optional<Grant>> TeamTransaction::GetGrant(std::string_view id) {
  return LoadGrant(connection_, store_, "id", id);
}

Result<std::optional<GrantStatus>> TeamTransaction::GrantStatusOf(std::string_view id) {
  auto rows = Run(connection_, store_, "read a grant's status",
                  "SELECT status FROM grants WHERE id = $1", {std::string(id)});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<GrantStatus>();
  const auto status = ParseGrantStatus(rows->front().Text(0));
  if (!status) {
    return StateError(
        fmt::format("grant {} has an unknown status \"{}\"", id, rows->front().Text(0)));
  }
  return std::optional<GrantStatus>(*status);
}

Result<std::optional<Grant>> TeamStore::GetGrant(std::string_view id) {
  return OnLiveConnection(*pool_, [&](SqlConnection& connection) {
    return LoadGrant(connection, display(), "id", id);
  });
}

Result<std::optional<Grant>> TeamStore::FindGrantByCredentialsToken(std::string_view token_sha256) {
  return OnLiveConnection(*pool_, [&](SqlConnection& connection) {
    return LoadGrant(connection, display(), "credentials_token_sha256", token_sha256);
  });
}

Result<Page<Grant>> TeamStore::ListGrants(const GrantFilter& filter, const PageRequest& page) {
  auto cursor = ParseCursor(page.cursor);
  if (!cursor) return tl::unexpected(cursor.error());
  SqlParams params;
  std::string where = "TRUE";
  AddFilter(where, params, "caller", filter.caller);
  AddFilter(
      where, params, "status",
      filter.status ? std::optional<std::string>(GrantStatusName(*filter.status)) : std::nullopt);
  AddFilter(where, params, "provider", filter.provider);
  AddFilter(where, params, "role", filter.role);
  AddCursor(where, params, *cursor);
  const size_t limit = PageLimit(page.limit);
  params.push_back(static_cast<int64_t>(limit + 1));
  auto rows = Read("list grants",
                   fmt::format("SELECT {} FROM grants WHERE {} ORDER BY created_at DESC, id DESC "
                               "LIMIT ${}",
                               kGrantColumns, where, params.size()),
                   params);
  if (!rows) return tl::unexpected(rows.error());
  Page<Grant> result;
  for (size_t i = 0; i < rows->size() && i < limit; ++i) {
    auto grant = GrantFromRow((*rows)[i]);
    if (!grant) return tl::unexpected(grant.error());
    result.items.push_back(std::move(*grant));
  }
  if (rows->size() > limit) {
    result.next_cursor = FormatCursor(result.items.back().created_at, result.items.back().id);
  }
  return result;
}

// ------------------------------------------------------------- approvals

Result<void> TeamTransaction::InsertApprovalRequest(const ApprovalRequest& request,
                                                    AuditEvent event) {
  if (event.session_id != request.id) {
    return StateError(
        fmt::format("bug: the audit event {} for approval request {} names session {}", event.name,
                    request.id, event.session_id));
  }
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  auto inserted = Run(
      connection_, store_, "record an approval request",
      fmt::format("INSERT INTO approval_requests ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                  "$10, $11, $12, $13, $14, $15, $16)",
                  kRequestColumns),
      {request.id, request.requester, request.body, request.rule,
       int64_t{request.required_approvals}, JsonList(request.approver_groups),
       std::string(ApprovalStatusName(request.status)), SqlOptional(request.decided_by),
       request.decision_reason, OptionalSeconds(request.decided_at),
       int64_t{request.break_glass ? 1 : 0}, SqlOptional(request.reviewed_by),
       OptionalSeconds(request.reviewed_at), SqlOptional(request.grant_id),
       Seconds(request.created_at), Seconds(request.expires_at)});
  if (!inserted) return tl::unexpected(inserted.error());
  for (const Approval& approval : request.approvals) {
    auto added = Run(connection_, store_, "record an approval",
                     "INSERT INTO approvals (request_id, approver, at, reason) VALUES ($1, $2, "
                     "$3, $4)",
                     {request.id, approval.approver, Seconds(approval.at), approval.reason});
    if (!added) return tl::unexpected(added.error());
  }
  return {};
}

Result<bool> TeamTransaction::AddApproval(std::string_view request_id, const Approval& approval,
                                          AuditEvent event) {
  auto pending = Run(connection_, store_, "record an approval",
                     fmt::format("SELECT id FROM approval_requests WHERE id = $1 AND status = "
                                 "'pending'{}",
                                 dialect_.lock_suffix),
                     {std::string(request_id)});
  if (!pending) return tl::unexpected(pending.error());
  if (pending->empty()) return false;
  auto added =
      Run(connection_, store_, "record an approval",
          "INSERT INTO approvals (request_id, approver, at, reason) VALUES ($1, $2, $3, "
          "$4) ON CONFLICT (request_id, approver) DO NOTHING RETURNING approver",
          {std::string(request_id), approval.approver, Seconds(approval.at), approval.reason});
  if (!added) return tl::unexpected(added.error());
  if (added->empty()) return false;
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  return true;
}

Result<bool> TeamTransaction::DecideApprovalRequest(
    std::string_view request_id, ApprovalStatus decision, const std::string& decided_by,
    const std::string& reason, std::optional<std::string> grant_id, AuditEvent event) {
  auto decided =
      Run(connection_, store_, "decide an approval request",
          "UPDATE approval_requests SET status = $2, decided_by = $3, decision_reason = $4, "
          "decided_at = $5, grant_id = COALESCE($6, grant_id) WHERE id = $1 AND status = "
          "'pending' RETURNING id",
          {std::string(request_id), std::string(ApprovalStatusName(decision)), decided_by, reason,
           Seconds(now_), SqlOptional(grant_id)});
  if (!decided) return tl::unexpected(decided.error());
  if (decided->empty()) return false;
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  return true;
}

Result<bool> TeamTransaction::MarkReviewed(std::string_view request_id, const std::string& reviewer,
                                           AuditEvent event) {
  auto reviewed = Run(connection_, store_, "mark a break-glass grant reviewed",
                      "UPDATE approval_requests SET reviewed_by = $2, reviewed_at = $3 WHERE id = "
                      "$1 AND break_glass = 1 AND reviewed_at IS NULL RETURNING id",
                      {std::string(request_id), reviewer, Seconds(now_)});
  if (!reviewed) return tl::unexpected(reviewed.error());
  if (reviewed->empty()) return false;
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  return true;
}

Result<std::optional<ApprovalRequest>> TeamTransaction::GetApprovalRequest(std::string_view id) {
  return LoadRequest(connection_, store_, id);
}

Result<std::optional<ApprovalRequest>> TeamStore::GetApprovalRequest(std::string_view id) {
  return OnLiveConnection(
      *pool_, [&](SqlConnection& connection) { return LoadRequest(connection, display(), id); });
}

Result<Page<ApprovalRequest>> TeamStore::ListApprovalRequests(const ApprovalFilter& filter,
                                                              const PageRequest& page) {
  auto cursor = ParseCursor(page.cursor);
  if (!cursor) return tl::unexpected(cursor.error());
  SqlParams params;
  std::string where = "TRUE";
  AddFilter(where, params, "status",
            filter.status ? std::optional<std::string>(ApprovalStatusName(*filter.status))
                          : std::nullopt);
  AddFilter(where, params, "requester", filter.requester);
  if (filter.unreviewed_break_glass) where += " AND break_glass = 1 AND reviewed_at IS NULL";
  AddCursor(where, params, *cursor);
  const size_t limit = PageLimit(page.limit);
  params.push_back(static_cast<int64_t>(limit + 1));
  return OnLiveConnection(*pool_, [&](SqlConnection& connection) -> Result<Page<ApprovalRequest>> {
    auto rows = Run(connection, display(), "list approval requests",
                    fmt::format("SELECT {} FROM approval_requests WHERE {} ORDER BY created_at "
                                "DESC, id DESC LIMIT ${}",
                                kRequestColumns, where, params.size()),
                    params);
    if (!rows) return tl::unexpected(rows.error());
    Page<ApprovalRequest> result;
    for (size_t i = 0; i < rows->size() && i < limit; ++i) {
      auto request = RequestFromRow((*rows)[i]);
      if (!request) return tl::unexpected(request.error());
      if (auto loaded = LoadApprovals(connection, display(), *request); !loaded) {
        return tl::unexpected(loaded.error());
      }
      result.items.push_back(std::move(*request));
    }
    if (rows->size() > limit) {
      result.next_cursor = FormatCursor(result.items.back().created_at, result.items.back().id);
    }
    return result;
  });
}

// ----------------------------------------------------------- revocations

Result<std::vector<std::string>> TeamTransaction::InsertRevocation(const Revocation& revocation,
                                                                   AuditEvent event) {
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  auto inserted = Run(
      connection_, store_, "record a revocation",
      fmt::format("INSERT INTO revocations ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                  "$11, $12, $13, $14)",
                  kRevocationColumns),
      {revocation.id, std::string(RevocationScopeName(revocation.scope)),
       SqlOptional(revocation.grant_id), SqlOptional(revocation.caller),
       OptionalSeconds(revocation.not_before), revocation.revoked_by, revocation.reason,
       Seconds(revocation.created_at), revocation.role_arn, revocation.policy_name,
       revocation.deny_statement, OptionalSeconds(revocation.attached_at),
       OptionalSeconds(revocation.removable_after), OptionalSeconds(revocation.removed_at)});
  if (!inserted) return tl::unexpected(inserted.error());
  // What the revocation covers is refused at once by every replica: they
  // all read a grant's status before serving its credentials.
  const std::string reason =
      fmt::format("revoked by {}: {}", revocation.revoked_by, revocation.reason);
  SqlParams params{reason, Seconds(now_)};
  std::string which;
  if (revocation.scope == RevocationScope::kGrant) {
    params.push_back(revocation.grant_id.value_or(""));
    which = "id = $3";
  } else {
    params.push_back(revocation.caller.value_or(""));
    params.push_back(UnixSeconds(revocation.not_before.value_or(now_)));
    which = "caller = $3 AND created_at <= $4";
  }
  auto revoked = Run(connection_, store_, "revoke grants",
                     fmt::format("UPDATE grants SET status = 'revoked', status_reason = $1, "
                                 "updated_at = $2 WHERE {} AND status IN ('issuing', 'issued', "
                                 "'pending_approval') RETURNING id",
                                 which),
                     params);
  if (!revoked) return tl::unexpected(revoked.error());
  std::vector<std::string> ids;
  for (const SqlRow& row : *revoked) ids.push_back(row.Text(0));
  std::sort(ids.begin(), ids.end());
  return ids;
}

Result<bool> TeamTransaction::MarkRevocationAttached(std::string_view id,
                                                     const std::string& role_arn,
                                                     const std::string& policy_name,
                                                     const std::string& deny_statement,
                                                     TimePoint attached_at,
                                                     TimePoint removable_after, AuditEvent event) {
  auto marked = Run(connection_, store_, "record a revocation's Deny",
                    "UPDATE revocations SET role_arn = $2, policy_name = $3, deny_statement = $4, "
                    "attached_at = $5, removable_after = $6 WHERE id = $1 AND removed_at IS NULL "
                    "RETURNING id",
                    {std::string(id), role_arn, policy_name, deny_statement, Seconds(attached_at),
                     Seconds(removable_after)});
  if (!marked) return tl::unexpected(marked.error());
  if (marked->empty()) return false;
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  return true;
}

Result<bool> TeamTransaction::MarkRevocationRemoved(std::string_view id, TimePoint removed_at,
                                                    AuditEvent event) {
  auto marked = Run(connection_, store_, "record a revocation's Deny removed",
                    "UPDATE revocations SET removed_at = $2 WHERE id = $1 AND attached_at IS NOT "
                    "NULL AND removed_at IS NULL RETURNING id",
                    {std::string(id), Seconds(removed_at)});
  if (!marked) return tl::unexpected(marked.error());
  if (marked->empty()) return false;
  if (auto appended = AppendAudit(std::move(event)); !appended) {
    return tl::unexpected(appended.error());
  }
  return true;
}

Result<std::vector<Revocation>> TeamStore::ListRevocations(const RevocationFilter& filter) {
  SqlParams params;
  std::string where = "TRUE";
  AddFilter(where, params, "grant_id", filter.grant_id);
  AddFilter(where, params, "caller", filter.caller);
  AddFilter(where, params, "role_arn", filter.role_arn);
  if (filter.removable_at) {
    params.push_back(UnixSeconds(*filter.removable_at));
    where += fmt::format(
        " AND attached_at IS NOT NULL AND removed_at IS NULL AND removable_after <= ${}",
        params.size());
  }
  auto rows = Read("list revocations",
                   fmt::format("SELECT {} FROM revocations WHERE {} ORDER BY created_at, id",
                               kRevocationColumns, where),
                   params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<Revocation> revocations;
  for (const SqlRow& row : *rows) {
    auto revocation = RevocationFromRow(row);
    if (!revocation) return tl::unexpected(revocation.error());
    revocations.push_back(std::move(*revocation));
  }
  return revocations;
}

// ------------------------------------------------------------------- jti

Result<bool> TeamStore::RememberJti(std::string_view issuer, std::string_view jti,
                                    TimePoint expires_at, TimePoint now) {
  // One statement, atomic on both databases: the row is inserted, or an
  // expired sighting is taken over; an unexpired one leaves no row
  // returned, whichever replica saw it first.
  auto rows = Write("remember a token id",
                    "INSERT INTO jti_seen (issuer, jti, expires_at) VALUES ($1, $2, $3) ON "
                    "CONFLICT (issuer, jti) DO UPDATE SET expires_at = excluded.expires_at WHERE "
                    "jti_seen.expires_at <= $4 RETURNING jti",
                    {std::string(issuer), std::string(jti), Seconds(expires_at), Seconds(now)});
  if (!rows) return tl::unexpected(rows.error());
  return !rows->empty();
}

Result<size_t> TeamStore::PurgeExpiredJtis(TimePoint now) {
  auto rows = Write("forget expired token ids",
                    "DELETE FROM jti_seen WHERE expires_at <= $1 RETURNING jti", {Seconds(now)});
  if (!rows) return tl::unexpected(rows.error());
  return rows->size();
}

// ------------------------------------------------------------ rate limits

Result<RateDecision> TeamStore::TakeRateToken(std::string_view key, const RateLimit& limit,
                                              TimePoint now) {
  if (auto checked = CheckRateLimit(limit); !checked) return tl::unexpected(checked.error());
  // In a transaction of the group commit: a lone write would be a commit
  // (an fsync, and on SQLite the write lock) of its own per request.
  return Transact([&](TeamTransaction& tx) -> Result<RateDecision> {
    return tx.TakeRateToken(key, limit, now);
  });
}

Result<RateDecision> TeamTransaction::TakeRateToken(std::string_view key, const RateLimit& limit,
                                                    TimePoint now) {
  if (auto checked = CheckRateLimit(limit); !checked) return tl::unexpected(checked.error());
  const std::string name(key);
  for (int attempt = 0; attempt < kRateAttempts; ++attempt) {
    auto read = Run(connection_, store_, "read a rate-limit bucket",
                    "SELECT full_at_us FROM rate_buckets WHERE key = $1", {name});
    if (!read) return tl::unexpected(read.error());
    const std::optional<RateBucket> bucket =
        read->empty() ? std::nullopt : std::optional<RateBucket>(RateBucket{read->front().Int(0)});
    const RateDecision decision = audex::TakeRateToken(limit, bucket, now);
    if (!decision.allowed) return decision;
    // Compare-and-set: the write lands only if nobody took a token since
    // the read. full_at only ever grows when a token is taken, so equal
    // means unchanged. (Writers of every replica take turns on the audit
    // chain's head first, so this is belt and braces.)
    auto written =
        bucket ? Run(connection_, store_, "take a rate-limit token",
                     "UPDATE rate_buckets SET full_at_us = $3 WHERE key = $1 AND full_at_us = $2 "
                     "RETURNING key",
                     {name, bucket->full_at_us, decision.bucket.full_at_us})
               : Run(connection_, store_, "take a rate-limit token",
                     "INSERT INTO rate_buckets (key, full_at_us) VALUES ($1, $2) ON CONFLICT "
                     "(key) DO NOTHING RETURNING key",
                     {name, decision.bucket.full_at_us});
    if (!written) return tl::unexpected(written.error());
    if (!written->empty()) {
      ++unaudited_;
      return decision;
    }
  }
  return StateError(fmt::format(
      "the store {} could not take a token from rate-limit bucket {}: {} attempts in a row lost "
      "the race to other requests",
      store_, name, kRateAttempts));
}

Result<size_t> TeamStore::PurgeFullRateBuckets(TimePoint now) {
  auto rows =
      Write("delete full rate-limit buckets",
            "DELETE FROM rate_buckets WHERE full_at_us <= $1 RETURNING key", {UnixMicros(now)});
  if (!rows) return tl::unexpected(rows.error());
  return rows->size();
}

// -------------------------------------------------------------- STS cache

Result<SealedStsCacheEntry> SealStsCacheEntry(std::string_view name,
                                              const CachedCredentials& cached,
                                              const SecretString& key, TimePoint now) {
  if (!cached.credentials.expiration) {
    return StateError("bug: an STS cache entry needs the credentials' expiry");
  }
  // A fresh random nonce per write: GCM must never reuse one under a key.
  auto nonce = RandomBytes(kCacheNonceBytes);
  if (!nonce) return tl::unexpected(nonce.error());
  auto sealed = SealCachedCredentials(cached, key.Reveal(), *nonce, name);
  if (!sealed) return tl::unexpected(sealed.error());
  return SealedStsCacheEntry{std::string(name),
                             HexEncode(*sealed),
                             cached.session_id,
                             cached.credentials.access_key_id,
                             *cached.credentials.expiration,
                             now};
}

namespace {
constexpr std::string_view kPutStsCacheEntry =
    "INSERT INTO sts_cache (name, sealed, origin_grant, access_key_id, expires_at, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO UPDATE SET sealed "
    "= excluded.sealed, origin_grant = excluded.origin_grant, access_key_id = "
    "excluded.access_key_id, expires_at = excluded.expires_at, created_at = "
    "excluded.created_at";

SqlParams PutStsCacheParams(const SealedStsCacheEntry& entry) {
  return {entry.name,          entry.sealed_hex,          entry.origin_grant,
          entry.access_key_id, Seconds(entry.expires_at), Seconds(entry.created_at)};
}
}  // namespace

Result<void> TeamStore::PutStsCacheEntry(std::string_view name, const CachedCredentials& cached,
                                         const SecretString& key) {
  auto entry = SealStsCacheEntry(name, cached, key, options_.clock());
  if (!entry) return tl::unexpected(entry.error());
  auto written = Write("store an STS cache entry", kPutStsCacheEntry, PutStsCacheParams(*entry));
  if (!written) return tl::unexpected(written.error());
  return {};
}

Result<void> TeamTransaction::PutStsCacheEntry(const SealedStsCacheEntry& entry) {
  auto written = Run(connection_, store_, "store an STS cache entry", kPutStsCacheEntry,
                     PutStsCacheParams(entry));
  if (!written) return tl::unexpected(written.error());
  ++unaudited_;
  return {};
}

Result<std::optional<CachedCredentials>> TeamStore::FindStsCacheEntry(std::string_view name,
                                                                      const SecretString& key,
                                                                      TimePoint now) {
  auto rows = Read("read an STS cache entry",
                   "SELECT sealed FROM sts_cache WHERE name = $1 AND expires_at > $2",
                   {std::string(name), Seconds(now)});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return std::optional<CachedCredentials>();
  auto opened = OpenCachedCredentials(Unhex(rows->front().Text(0)), key.Reveal(), name);
  if (!opened) {
    auto deleted = Write("delete an STS cache entry that does not open",
                         "DELETE FROM sts_cache WHERE name = $1", {std::string(name)});
    if (!deleted) return tl::unexpected(deleted.error());
    return std::optional<CachedCredentials>();
  }
  return std::optional<CachedCredentials>(std::move(*opened));
}

Result<size_t> TeamStore::PurgeExpiredStsCache(TimePoint now) {
  auto rows = Write("delete expired STS cache entries",
                    "DELETE FROM sts_cache WHERE expires_at <= $1 RETURNING name", {Seconds(now)});
  if (!rows) return tl::unexpected(rows.error());
  return rows->size();
}

Result<size_t> TeamStore::DeleteStsCacheOf(std::string_view origin_grant) {
  auto rows = Write("forget a revoked session in the STS cache",
                    "DELETE FROM sts_cache WHERE origin_grant = $1 RETURNING name",
                    {std::string(origin_grant)});
  if (!rows) return tl::unexpected(rows.error());
  return rows->size();
}

// ------------------------------------------------------------------ audit

Result<std::vector<AuditLine>> TeamStore::ReadAudit(const AuditQuery& query) {
  SqlParams params{static_cast<int64_t>(query.after_seq)};
  std::string where = "seq > $1";
  AddFilter(where, params, "session_id", query.session_id);
  AddFilter(where, params, "event", query.event);
  AddFilter(where, params, "caller", query.caller);
  if (query.since) {
    params.push_back(*query.since);
    where += fmt::format(" AND ts >= ${}", params.size());
  }
  if (query.until) {
    params.push_back(*query.until);
    where += fmt::format(" AND ts <= ${}", params.size());
  }
  params.push_back(static_cast<int64_t>(PageLimit(query.limit)));
  auto rows = Read("read audit events",
                   fmt::format("SELECT seq, line FROM audit_events WHERE {} ORDER BY seq LIMIT ${}",
                               where, params.size()),
                   params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<AuditLine> lines;
  for (const SqlRow& row : *rows) {
    auto line = ParseAuditLine(row.Text(1));
    if (!line || static_cast<int64_t>(line->seq) != row.Int(0)) {
      return StateError(
          fmt::format("the store {}'s audit event {} is damaged ({}){}", display(), row.Int(0),
                      line ? "its seq differs from its row's" : line.error().message, kVerifyHint));
    }
    lines.push_back(std::move(*line));
  }
  return lines;
}

Result<ChainTip> TeamStore::AuditTip() {
  auto rows = Read("read the audit chain's end",
                   "SELECT seq, line FROM audit_events ORDER BY seq DESC LIMIT 1", {});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return ChainTip{};
  auto line = ParseAuditLine(rows->front().Text(1));
  if (!line) {
    return StateError(fmt::format("the store {}'s last audit event is damaged ({}){}", display(),
                                  line.error().message, kVerifyHint));
  }
  return ChainTip{line->seq, line->mac};
}

Result<ChainTip> TeamStore::ExportAuditJsonl(
    const std::function<Result<void>(std::string_view)>& sink, uint64_t after_seq) {
  // Pages by seq: events are only ever appended in seq order, so pages read
  // one after another see one growing chain.
  ChainTip tip;
  for (uint64_t after = after_seq;;) {
    auto rows = Read("export audit events",
                     "SELECT seq, line FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
                     {static_cast<int64_t>(after), static_cast<int64_t>(kExportBatch)});
    if (!rows) return tl::unexpected(rows.error());
    if (rows->empty()) break;
    std::string text;
    for (const SqlRow& row : *rows) {
      text += row.Text(1);
      text += '\n';
    }
    if (auto sent = sink(text); !sent) return tl::unexpected(sent.error());
    after = static_cast<uint64_t>(rows->back().Int(0));
    auto last = ParseAuditLine(rows->back().Text(1));
    if (!last) {
      return StateError(fmt::format("the store {}'s audit event {} is damaged ({}){}", display(),
                                    after, last.error().message, kVerifyHint));
    }
    tip = ChainTip{last->seq, last->mac};
    if (rows->size() < kExportBatch) break;
  }
  return tip;
}

Result<AuditVerdict> TeamStore::VerifyAudit() {
  if (options_.audit_key.size() != kAuditKeySize) {
    return StateError(fmt::format(
        "the store {} was opened without the audit key, so its chain cannot be checked; give "
        "the audit key file",
        display()));
  }
  auto lease = pool_->Acquire();
  if (!lease) return tl::unexpected(lease.error());
  SqlConnection& connection = **lease;
  // One snapshot for the head and every line, so that events appended
  // meanwhile by other replicas are not half seen.
  if (auto begun = connection.Exec(dialect_.begin_snapshot, {}); !begun) {
    return tl::unexpected(FailureOf(display(), "start reading its audit chain", begun.error()));
  }
  const auto finish = [&] { connection.Exec("COMMIT", {}); };
  auto head_rows = Run(connection, display(), "read the audit chain's head",
                       "SELECT seq, head FROM audit_chain_head WHERE id = 1", {});
  auto rows =
      Run(connection, display(), "read audit events",
          "SELECT seq, ts, session_id, event, caller, line FROM audit_events ORDER BY seq", {});
  finish();
  if (!head_rows) return tl::unexpected(head_rows.error());
  if (!rows) return tl::unexpected(rows.error());
  const std::string key = options_.audit_key.Reveal();

  AuditFiles files;
  files.key = key;
  files.log.emplace();
  for (const SqlRow& row : *rows) {
    *files.log += row.Text(5);
    *files.log += '\n';
  }
  if (!head_rows->empty()) {
    const SqlRow& head = head_rows->front();
    if (head.OptionalText(1)) {
      files.head = head.Text(1);
    } else if (head.Int(0) == 0) {
      files.head = FormatChainHead(ChainTip{}, key);  // no event was ever recorded
    }
    if (files.head && files.head->size() == kChainHeadSize) {
      auto parsed = ParseChainHead(*files.head, key);
      if (parsed && static_cast<int64_t>(parsed->seq) != head.Int(0)) {
        return AuditVerdict(tl::unexpected(ChainBreak{
            0,
            fmt::format("the head row's seq ({}) is not the seq its text records ({}): the row "
                        "was edited",
                        head.Int(0), parsed->seq),
            0}));
      }
    }
  }
  const AuditVerdict verdict = VerifyAuditChain(files);
  if (!verdict) return verdict;
  // The chain is intact; the columns TeamStore filters on must say what
  // the lines say, or ReadAudit would answer from an edited index.
  uint64_t number = 0;
  for (const SqlRow& row : *rows) {
    ++number;
    const auto line = ParseAuditLine(row.Text(5));  // parsed before, by the verifier
    const std::optional<std::string> caller = line ? CallerOf(line->event) : std::nullopt;
    if (!line || static_cast<int64_t>(line->seq) != row.Int(0) || line->event.ts != row.Text(1) ||
        line->event.session_id != row.Text(2) || line->event.name != row.Text(3) ||
        caller != row.OptionalText(4)) {
      return AuditVerdict(tl::unexpected(ChainBreak{
          number,
          "its row's seq, ts, session_id, event or caller column differs from its line: the row "
          "was edited in the database",
          number - 1}));
    }
  }
  return verdict;
}

}  // namespace audex
