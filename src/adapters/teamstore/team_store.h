// TeamStore: everything the team server's replicas share, in one SQLite file
// (one node) or one PostgreSQL database (several stateless replicas): the
// schema version, API tokens, grants, approval requests, revocations, OIDC
// jti's seen, rate-limit buckets, the sealed STS cache, and the audit chain
// (docs/team-mode.md, "Store and schema").
//
// Every state change is made inside Transact, through a TeamTransaction
// whose changing methods each take the AuditEvent that records the change:
// the event and the change commit together or not at all, so the HTTP layer
// cannot change state unaudited, and "nothing is issued unless its audit
// event is committed first" holds by construction. Writers serialise on
// the audit chain's head row, which keeps one chain across replicas.
//
// Errors: every failure of the database (unreachable, dropped connection,
// busy past the timeout, a damaged row or chain) is kState, which the server
// answers with 503; a user-caused one (a bad cursor) is kUsage. Messages
// name the store by its URL with any password masked, never a value of a
// secret column.
//
// Threads: a TeamStore may be shared by any number of threads. Each call
// borrows one connection from a pool (TeamStoreOptions::max_connections,
// waiting up to connection_wait when all are out) for its duration.
// Concurrent Transacts of one TeamStore are committed in groups: one
// caller's thread runs the bodies queued so far, each in a savepoint of one
// database transaction, with one commit (one fsync) for all; the others
// wait for their own result. So a body may run on another thread than its
// caller's (which waits meanwhile), and must use only its TeamTransaction,
// never the TeamStore (refused: it would wait for its own batch).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "adapters/store/audit_log.h"
#include "adapters/teamstore/sql_connection.h"
#include "core/audit/audit_chain.h"
#include "core/audit/audit_event.h"
#include "core/base/result.h"
#include "core/base/secret.h"
#include "core/credentials/credential_cache.h"
#include "core/team/rate_limit.h"
#include "core/team/store_url.h"
#include "core/team/team_records.h"

namespace audex {

class ConnectionPool;

struct TeamStoreOptions {
  // The audit chain's HMAC key (kAuditKeySize bytes) from the server's key
  // file; it is never written to the database. Writing (Transact,
  // AppendAudit, TakeRateToken: every batch of the group commit takes the
  // chain's head) and verifying need it; without it the store can still
  // read, migrate, and answer jti and STS-cache calls.
  SecretString audit_key;
  // Stamps audit events (tests inject one).
  Clock clock = SystemClock();
  size_t max_connections = 8;
  std::chrono::milliseconds connection_wait{10'000};
};

// ---------------------------------------------------------------- schema

struct SchemaStatus {
  int current = 0;  // 0: an empty database
  int latest = 0;   // what this binary knows (LatestSchemaVersion())
  std::vector<int> pending;
  bool ready() const { return current == latest; }
};

struct MigrationProgress {
  enum class Phase { kStarting, kApplied };
  int version = 0;
  std::string_view description;
  Phase phase = Phase::kStarting;
  std::chrono::milliseconds elapsed{0};  // kApplied: how long it took
};
using MigrationObserver = std::function<void(const MigrationProgress&)>;

struct MigrationReport {
  int from = 0;
  int to = 0;
  std::vector<int> applied;
};

// ---------------------------------------------------------------- paging

// A page of a list, newest first. `cursor` is "" for the first page, then
// the next_cursor of the page before; next_cursor is "" on the last page.
struct PageRequest {
  std::string cursor;
  size_t limit = 100;  // 1..1000
};
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;
};

struct GrantFilter {
  std::optional<std::string> caller;
  std::optional<GrantStatus> status;
  std::optional<std::string> provider;
  std::optional<std::string> role;
};

struct ApprovalFilter {
  std::optional<ApprovalStatus> status;
  std::optional<std::string> requester;
  bool unreviewed_break_glass = false;  // only break-glass requests nobody reviewed
};

struct RevocationFilter {
  std::optional<std::string> grant_id;
  std::optional<std::string> caller;
  std::optional<std::string> role_arn;
  // Only Denies still on a role whose removable_after is at or before this.
  std::optional<TimePoint> removable_at;
};

// ----------------------------------------------------------- web sessions

// A browser's login to the server's UI (web_sessions.cc): who it is, under
// which rule set, until when. Found by the SHA-256 of its cookie.
struct WebSession {
  std::string id_sha256;
  std::string caller;
  std::string policy;  // the rule set's name in server.toml
  std::string via;     // "oidc:<issuer name>" or "api_token:<id>"
  std::vector<std::string> groups;
  // The API token it was opened with: the session ends with the token.
  std::optional<std::string> api_token_sha256;
  TimePoint created_at;
  TimePoint expires_at;
};

// ----------------------------------------------------------------- audit

// Events in seq order after `after_seq`, at most `limit` (1..1000), that
// match every filter given. `caller` matches the event's fields.caller;
// `since` and `until` are RFC 3339 UTC whole seconds, inclusive.
struct AuditQuery {
  uint64_t after_seq = 0;
  size_t limit = 100;
  std::optional<std::string> session_id;
  std::optional<std::string> event;
  std::optional<std::string> caller;
  std::optional<std::string> since;
  std::optional<std::string> until;
};

// The number of events in an intact chain, or its first break (line = seq).
using AuditVerdict = tl::expected<uint64_t, ChainBreak>;

// ------------------------------------------------------------ transaction

// An STS cache entry sealed (AES-256-GCM under the server's cache key, a
// fresh nonce, its name as associated data) and ready to be written: sealed
// before a transaction, so that the batch's thread does no cryptography for
// it. Holds no plain secret.
struct SealedStsCacheEntry {
  std::string name;
  std::string sealed_hex;
  std::string origin_grant;
  std::string access_key_id;
  TimePoint expires_at;
  TimePoint created_at;
};
Result<SealedStsCacheEntry> SealStsCacheEntry(std::string_view name,
                                              const CachedCredentials& cached,
                                              const SecretString& key, TimePoint now);

// One write transaction, open for the body of TeamStore::Transact. Each
// changing method appends its `event` (stamped with the store's clock) to
// the audit chain together with its change; both commit when the body
// returns a value, and neither does when it returns an error (other
// bodies committed in the same group are not affected). A method that
// changes nothing (returns false or 0) writes no event either. The two
// exceptions are what is not audited state anywhere: STS cache entries
// (an optimisation, sealed) and rate-limit buckets; they commit with the
// body like the rest.
class TeamTransaction {
 public:
  TeamTransaction(const TeamTransaction&) = delete;
  TeamTransaction& operator=(const TeamTransaction&) = delete;

  // An event that goes with no change (a refusal, a decision); its seq.
  Result<uint64_t> AppendAudit(AuditEvent event);

  Result<void> InsertApiToken(const ApiToken& token, AuditEvent event);
  // Revokes the unrevoked token with id `id_or_name`, or else every
  // unrevoked token named so; how many.
  Result<size_t> RevokeApiTokens(std::string_view id_or_name, TimePoint at, AuditEvent event);

  // `event.session_id` must be the grant's id (kState otherwise: a bug).
  Result<void> InsertGrant(const Grant& grant, AuditEvent event);
  // Applies `change` if the grant's status is one of `from`; false when it
  // is not (it was revoked meanwhile, or does not exist).
  Result<bool> UpdateGrant(std::string_view id, const std::vector<GrantStatus>& from,
                           const GrantChange& change, AuditEvent event);
  Result<std::optional<Grant>> GetGrant(std::string_view id);
  // The grant's status, or nullopt when there is no such grant.
  Result<std::optional<GrantStatus>> GrantStatusOf(std::string_view id);

  // Writes (or replaces) an STS cache entry; not audited.
  Result<void> PutStsCacheEntry(const SealedStsCacheEntry& entry);
  // TeamStore::TakeRateToken inside this transaction; not audited.
  Result<RateDecision> TakeRateToken(std::string_view key, const RateLimit& limit, TimePoint now);

  // `event.session_id` must be the request's id.
  Result<void> InsertApprovalRequest(const ApprovalRequest& request, AuditEvent event);
  // Adds one approval to a pending request; false when the request is not
  // pending or this approver has already approved it.
  Result<bool> AddApproval(std::string_view request_id, const Approval& approval, AuditEvent event);
  // pending -> approved, denied, expired or cancelled; false when the
  // request was not pending. `grant_id`: the grant issued for it.
  Result<bool> DecideApprovalRequest(std::string_view request_id, ApprovalStatus decision,
                                     const std::string& decided_by, const std::string& reason,
                                     std::optional<std::string> grant_id, AuditEvent event);
  // A break-glass request reviewed; false when it is not break-glass or
  // was reviewed already.
  Result<bool> MarkReviewed(std::string_view request_id, const std::string& reviewer,
                            AuditEvent event);
  Result<std::optional<ApprovalRequest>> GetApprovalRequest(std::string_view id);

  // Records the revocation and marks what it covers revoked: the grant, or
  // the caller's grants created at or before not_before that are issuing,
  // issued or pending approval. Returns the ids of the grants it revoked.
  Result<std::vector<std::string>> InsertRevocation(const Revocation& revocation, AuditEvent event);
  // The Deny is on the role; false when the revocation does not exist or
  // was already removed.
  Result<bool> MarkRevocationAttached(std::string_view id, const std::string& role_arn,
                                      const std::string& policy_name,
                                      const std::string& deny_statement, TimePoint attached_at,
                                      TimePoint removable_after, AuditEvent event);
  // The Deny is off the role again; false when it was not on it.
  Result<bool> MarkRevocationRemoved(std::string_view id, TimePoint removed_at, AuditEvent event);

  // The clock, read once the transaction holds the chain's head: every
  // event of the transaction is stamped with it, so `ts` never decreases
  // along the chain unless a replica's clock is behind another's.
  TimePoint now() const { return now_; }

 private:
  friend class TeamStore;
  TeamTransaction(SqlConnection& connection, const SqlDialect& dialect, ChainTip tip,
                  std::string_view key, TimePoint now, std::string_view store);

  SqlConnection& connection_;
  const SqlDialect& dialect_;
  ChainTip tip_;
  std::string_view key_;
  TimePoint now_;
  std::string_view store_;
  uint64_t appended_ = 0;
  uint64_t unaudited_ = 0;  // changes of unaudited state (cache entries, buckets)
  std::string last_line_;   // the last event appended, as its row holds it
};

// ------------------------------------------------------------------ store

class TeamStore {
 public:
  ~TeamStore();
  TeamStore(const TeamStore&) = delete;
  TeamStore& operator=(const TeamStore&) = delete;

  // The URL with any password masked, for messages and logs.
  const std::string& display() const { return url_.display; }
  StoreBackend backend() const { return url_.backend; }

  // One round trip to the database (for /readyz).
  Result<void> Ping();

  // The schema version and what Migrate would apply. kState when the
  // database has a newer schema than this binary knows.
  Result<SchemaStatus> CheckSchema();
  // kState unless the schema is exactly this binary's: newer (upgrade
  // tryaudex) or older (run tryaudex server migrate). The server calls it
  // before it serves, and /readyz with it.
  Result<void> RequireCurrentSchema();
  // Applies the pending migrations up to `target` (default: all), each in
  // its own transaction, telling `observer` before and after each. Safe to
  // run from several replicas at once: they take turns (PostgreSQL: an
  // advisory lock; SQLite: the write lock), and a migration applied by one
  // is skipped by the others.
  Result<MigrationReport> Migrate(const MigrationObserver& observer = {},
                                  std::optional<int> target = std::nullopt);

  // Runs `body` in a write transaction and commits what it did (see
  // TeamTransaction), before it returns; returns what `body` returned.
  // Needs the audit key. An error from the commit itself means the change
  // may or may not be recorded: act as if it was not (issue nothing).
  // `body` is any callable taking TeamTransaction& and returning a Result.
  template <typename Body>
  std::invoke_result_t<Body&, TeamTransaction&> Transact(Body&& body) {
    using Returned = std::invoke_result_t<Body&, TeamTransaction&>;
    if constexpr (std::is_same_v<Returned, Result<void>>) {
      return RunTransaction(body);
    } else {
      std::optional<Returned> kept;
      auto ran = RunTransaction([&](TeamTransaction& tx) -> Result<void> {
        kept.emplace(body(tx));
        if (!*kept) return tl::unexpected(kept->error());
        return {};
      });
      if (!ran) return tl::unexpected(ran.error());
      return std::move(*kept);
    }
  }
  // One event in a transaction of its own; its seq.
  Result<uint64_t> AppendAudit(AuditEvent event);

  // ---- API tokens (created and revoked through TeamTransaction)
  Result<std::optional<ApiToken>> FindApiTokenByHash(std::string_view token_sha256);
  Result<std::vector<ApiToken>> ListApiTokens();
  // Records that the token was used at `now`. Kept to the minute (a write
  // only when the last one is a minute old), so that a busy caller does
  // not turn every read request into a write. Not audited: the request
  // the token made is.
  Result<void> TouchApiToken(std::string_view id, TimePoint now);
  // The same for a token just read (FindApiTokenByHash): no statement at
  // all while its last_used_at is under a minute old.
  Result<void> TouchApiToken(const ApiToken& token, TimePoint now);

  // ---- grants
  Result<std::optional<Grant>> GetGrant(std::string_view id);
  // The grant whose container-credentials bearer token hashes to this.
  Result<std::optional<Grant>> FindGrantByCredentialsToken(std::string_view token_sha256);
  // Newest first.
  Result<Page<Grant>> ListGrants(const GrantFilter& filter, const PageRequest& page);

  // ---- approvals and revocations (issue 17)
  Result<std::optional<ApprovalRequest>> GetApprovalRequest(std::string_view id);
  Result<Page<ApprovalRequest>> ListApprovalRequests(const ApprovalFilter& filter,
                                                     const PageRequest& page);
  Result<std::vector<Revocation>> ListRevocations(const RevocationFilter& filter);

  // ---- OIDC jti replay protection
  // true the first time (issuer, jti) is seen, or when it was last seen
  // with an expiry at or before `now`; false while an earlier sighting is
  // unexpired. Atomic across replicas (one INSERT ... ON CONFLICT).
  Result<bool> RememberJti(std::string_view issuer, std::string_view jti, TimePoint expires_at,
                           TimePoint now);
  // Deletes sightings that expired at or before `now`; how many.
  Result<size_t> PurgeExpiredJtis(TimePoint now);

  // ---- web UI sessions (web_sessions.cc)
  Result<void> InsertWebSession(const WebSession& session);
  // The session unless it is unknown or expired at `now`.
  Result<std::optional<WebSession>> FindWebSession(std::string_view id_sha256, TimePoint now);
  // true when there was such a session (logout).
  Result<bool> DeleteWebSession(std::string_view id_sha256);
  Result<size_t> PurgeExpiredWebSessions(TimePoint now);

  // ---- rate limits
  // Takes a token from the bucket `key` ("caller:NAME",
  // "caller:NAME|profile:P") shared by every replica. The arithmetic is
  // core's (rate_limit.h); the store makes the read-modify-write atomic
  // with a compare-and-set UPDATE ... RETURNING, retried when another
  // replica got there first. `limit` must pass CheckRateLimit. Runs as a
  // Transact body, so that concurrent takes share one commit.
  Result<RateDecision> TakeRateToken(std::string_view key, const RateLimit& limit, TimePoint now);
  // Deletes buckets that are full at `now` (as good as absent); how many.
  Result<size_t> PurgeFullRateBuckets(TimePoint now);

  // ---- the STS cache, shared by replicas. Credentials are stored only
  // sealed with AES-256-GCM (core/credential_cache.h) under `key`
  // (kCacheKeyBytes, the server's own, never in the database) with a fresh
  // random nonce, and the entry's name as associated data.
  Result<void> PutStsCacheEntry(std::string_view name, const CachedCredentials& cached,
                                const SecretString& key);
  // The entry if it exists, has not expired at `now` and opens under `key`;
  // an entry that does not open (another key, altered) is deleted and
  // reported absent, since the cache is only an optimisation.
  Result<std::optional<CachedCredentials>> FindStsCacheEntry(std::string_view name,
                                                             const SecretString& key,
                                                             TimePoint now);
  Result<size_t> PurgeExpiredStsCache(TimePoint now);
  // Deletes every entry holding the session first issued for
  // `origin_grant`, so that a revoked session is never handed out again.
  Result<size_t> DeleteStsCacheOf(std::string_view origin_grant);

  // ---- the audit chain
  Result<std::vector<AuditLine>> ReadAudit(const AuditQuery& query);
  // Where the chain ends now (seq 0 before the first event).
  Result<ChainTip> AuditTip();
  // Streams the chain after `after_seq` as the JSONL lines of
  // docs/audit-log-format.md, each ending in '\n', in pieces of up to a
  // thousand lines; returns the tip of the last line sent. With the key,
  // FormatChainHead(tip, key) is the matching audit.head, so audit.jsonl,
  // audit.head and audit.key together verify with `tryaudex audit verify`.
  Result<ChainTip> ExportAuditJsonl(const std::function<Result<void>(std::string_view)>& sink,
                                    uint64_t after_seq = 0);
  // Checks the whole chain with core's VerifyAuditChain (the head row is
  // audit.head), then that every row's indexed columns say what its line
  // says. Reads one consistent snapshot. Holds the whole chain in memory.
  Result<AuditVerdict> VerifyAudit();

 private:
  friend Result<std::unique_ptr<TeamStore>> OpenTeamStore(std::string_view url,
                                                          TeamStoreOptions options);
  TeamStore(StoreUrl url, TeamStoreOptions options, std::unique_ptr<ConnectionPool> pool);

  struct PendingBody;
  Result<void> RunTransaction(const std::function<Result<void>(TeamTransaction&)>& body);
  void RunBatch(const std::vector<PendingBody*>& batch);
  // Where the next event goes, after checking that the head row and the
  // last event agree under the key; locks the head (PostgreSQL).
  Result<ChainTip> ChainTipForAppend(SqlConnection& connection);
  // The head and last event this replica last verified or committed: when
  // the next batch finds both unchanged, byte for byte, it need not parse
  // and re-MAC the last event again. Touched only by the batch's thread
  // (one batch at a time).
  struct VerifiedTip {
    int64_t head_seq = 0;
    std::string head_text;
    std::string last_line;
    ChainTip tip;
  };
  std::optional<VerifiedTip> verified_tip_;
  // One statement on a pooled connection. Read retries once on a fresh
  // connection when the first one turns out to have died while idle (the
  // database restarted); Write never retries, since a statement whose
  // reply was lost may have been carried out.
  Result<SqlRows> Read(std::string_view what, std::string_view sql, const SqlParams& params);
  Result<SqlRows> Write(std::string_view what, std::string_view sql, const SqlParams& params);

  StoreUrl url_;
  TeamStoreOptions options_;
  std::unique_ptr<ConnectionPool> pool_;
  const SqlDialect& dialect_;
  // Group commit (RunTransaction): bodies waiting for a batch, and whether
  // one is running.
  std::mutex batch_mutex_;
  std::condition_variable batch_done_;
  std::deque<PendingBody*> batch_queue_;
  bool batch_running_ = false;
};

// Opens the store at `url` (ParseStoreUrl: sqlite:///PATH, a plain path,
// or postgresql://...) and makes one connection, so that a store that
// cannot be reached fails here (kState) rather than on the first request.
// Neither checks nor migrates the schema: see CheckSchema and Migrate.
Result<std::unique_ptr<TeamStore>> OpenTeamStore(std::string_view url,
                                                 TeamStoreOptions options = {});

// A new API token, shown once: 256 bits from OpenSSL's CSPRNG.
Result<SecretString> NewApiTokenSecret();

}  // namespace audex
