// The team store's migrations (team_schema.h). Times are whole seconds
// since the Unix epoch (BIGINT/INTEGER), lists are JSON arrays as text, and
// no column holds a secret: tokens are SHA-256 hashes, issued sessions are
// their access key ids, the STS cache holds AES-256-GCM sealed bytes only.
#include "adapters/teamstore/team_schema.h"

#include "core/base/text.h"

namespace audex {
namespace {

// 1: what one replica needs to serve grants: the audit chain, API tokens,
// grants, OIDC jti replay protection, rate-limit buckets, the STS cache.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE audit_events (
  seq INT64 PRIMARY KEY,
  ts TEXT NOT NULL,
  session_id TEXT NOT NULL,
  event TEXT NOT NULL,
  caller TEXT,
  line TEXT NOT NULL
) STRICT;
CREATE INDEX audit_events_session ON audit_events (session_id, seq);
CREATE INDEX audit_events_event ON audit_events (event, seq);
CREATE INDEX audit_events_caller ON audit_events (caller, seq);
CREATE TABLE audit_chain_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INT64 NOT NULL,
  head TEXT
) STRICT;
INSERT INTO audit_chain_head (id, seq, head) VALUES (1, 0, NULL);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  policy TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INT64 NOT NULL,
  expires_at INT64,
  revoked_at INT64,
  last_used_at INT64
) STRICT;
CREATE INDEX api_tokens_name ON api_tokens (name);

CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  caller TEXT NOT NULL,
  provider TEXT NOT NULL,
  role TEXT NOT NULL,
  profile TEXT,
  requested_actions TEXT NOT NULL,
  actions TEXT NOT NULL,
  resources TEXT NOT NULL,
  policy TEXT,
  ttl_seconds INT64 NOT NULL,
  reason TEXT NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('issuing', 'issued', 'pending_approval', 'denied',
                                         'revoked', 'expired', 'failed')),
  status_reason TEXT NOT NULL,
  approval_request_id TEXT,
  sts_role_id TEXT NOT NULL,
  sts_session_name TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  expires_at INT64,
  reused_from TEXT,
  credentials_token_sha256 TEXT UNIQUE,
  created_at INT64 NOT NULL,
  updated_at INT64 NOT NULL,
  issued_at INT64
) STRICT;
CREATE INDEX grants_created ON grants (created_at, id);
CREATE INDEX grants_caller ON grants (caller, created_at, id);
CREATE INDEX grants_status ON grants (status, created_at, id);

CREATE TABLE jti_seen (
  issuer TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at INT64 NOT NULL,
  PRIMARY KEY (issuer, jti)
) STRICT;
CREATE INDEX jti_seen_expires ON jti_seen (expires_at);

CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  full_at_us INT64 NOT NULL
) STRICT;
CREATE INDEX rate_buckets_full_at ON rate_buckets (full_at_us);

CREATE TABLE sts_cache (
  name TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  origin_grant TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  expires_at INT64 NOT NULL,
  created_at INT64 NOT NULL
) STRICT;
CREATE INDEX sts_cache_expires ON sts_cache (expires_at);
)sql";

// 2: approvals, break-glass review and revocations (issue 17).
constexpr std::string_view kV2 = R"sql(
CREATE TABLE approval_requests (
  id TEXT PRIMARY KEY,
  requester TEXT NOT NULL,
  body TEXT NOT NULL,
  rule TEXT NOT NULL,
  required_approvals INTEGER NOT NULL CHECK (required_approvals >= 0),
  approver_groups TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired',
                                         'cancelled')),
  decided_by TEXT,
  decision_reason TEXT NOT NULL,
  decided_at INT64,
  break_glass INTEGER NOT NULL CHECK (break_glass IN (0, 1)),
  reviewed_by TEXT,
  reviewed_at INT64,
  grant_id TEXT,
  created_at INT64 NOT NULL,
  expires_at INT64 NOT NULL
) STRICT;
CREATE INDEX approval_requests_status ON approval_requests (status, created_at, id);
CREATE INDEX approval_requests_review ON approval_requests (break_glass, reviewed_at);
CREATE TABLE approvals (
  request_id TEXT NOT NULL REFERENCES approval_requests (id) ON DELETE CASCADE,
  approver TEXT NOT NULL,
  at INT64 NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (request_id, approver)
) STRICT;

CREATE TABLE revocations (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('grant', 'caller')),
  grant_id TEXT,
  caller TEXT,
  not_before INT64,
  revoked_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INT64 NOT NULL,
  role_arn TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  deny_statement TEXT NOT NULL,
  attached_at INT64,
  removable_after INT64,
  removed_at INT64,
  CHECK ((scope = 'grant' AND grant_id IS NOT NULL) OR
         (scope = 'caller' AND caller IS NOT NULL AND not_before IS NOT NULL))
) STRICT;
CREATE INDEX revocations_grant ON revocations (grant_id);
CREATE INDEX revocations_caller ON revocations (caller);
CREATE INDEX revocations_role ON revocations (role_arn, removed_at);
)sql";

// 3: the groups an API token's caller is in (approvers, issue 17).
constexpr std::string_view kV3 = R"sql(
ALTER TABLE api_tokens ADD COLUMN caller_groups TEXT NOT NULL DEFAULT '[]';
)sql";

// 4: the UI's browser sessions (docs/team-mode.md, "The web UI"), shared
// by every replica. A session is found by the SHA-256 of its cookie; the
// cookie itself is never stored. An API-token session keeps the token's
// hash (the api_tokens row's key, not a secret) so that revoking the token
// ends it.
constexpr std::string_view kV4 = R"sql(
CREATE TABLE web_sessions (
  id_sha256 TEXT PRIMARY KEY,
  caller TEXT NOT NULL,
  policy TEXT NOT NULL,
  via TEXT NOT NULL,
  groups TEXT NOT NULL,
  api_token_sha256 TEXT,
  created_at INT64 NOT NULL,
  expires_at INT64 NOT NULL
) STRICT;
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
)sql";

constexpr Migration kMigrations[] = {
    {1, "audit chain, API tokens, grants, jti replay, rate limits, STS cache", kV1},
    {2, "approval requests, approvals, revocations", kV2},
    {3, "API token groups (approvers)", kV3},
    {4, "web UI sessions", kV4},
};

}  // namespace

std::span<const Migration> TeamStoreMigrations() { return kMigrations; }

std::string MigrationSql(const Migration& migration, SqlBackend backend) {
  std::string sql(migration.sql);
  if (backend == SqlBackend::kSqlite) return ReplaceAll(sql, "INT64", "INTEGER");
  return ReplaceAll(ReplaceAll(sql, "INT64", "BIGINT"), ") STRICT;", ");");
}

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

}  // namespace audex
