// The team store's migrations (team_schema.h). Times are whole seconds
// since the Unix epoch (BIGINT/INTEGER), lists are JSON arrays as text, and
// no column holds a secret: tokens are SHA-256 hashes, issued sessions are
// their access key ids, the STS cache holds AES-256-GCM sealed bytes only.
#include "adapters/teamstore/team_schema.h"

namespace audex {
namespace {

// 1: what one replica needs to serve grants: the audit chain, API tokens,
// grants, OIDC jti replay protection, rate-limit buckets, the STS cache.
constexpr std::string_view kV1Sqlite = R"sql(
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
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
  seq INTEGER NOT NULL,
  head TEXT
) STRICT;
INSERT INTO audit_chain_head (id, seq, head) VALUES (1, 0, NULL);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  policy TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER,
  last_used_at INTEGER
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
  ttl_seconds INTEGER NOT NULL,
  reason TEXT NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('issuing', 'issued', 'pending_approval', 'denied',
                                         'revoked', 'expired', 'failed')),
  status_reason TEXT NOT NULL,
  approval_request_id TEXT,
  sts_role_id TEXT NOT NULL,
  sts_session_name TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  expires_at INTEGER,
  reused_from TEXT,
  credentials_token_sha256 TEXT UNIQUE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  issued_at INTEGER
) STRICT;
CREATE INDEX grants_created ON grants (created_at, id);
CREATE INDEX grants_caller ON grants (caller, created_at, id);
CREATE INDEX grants_status ON grants (status, created_at, id);

CREATE TABLE jti_seen (
  issuer TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, jti)
) STRICT;
CREATE INDEX jti_seen_expires ON jti_seen (expires_at);

CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  full_at_us INTEGER NOT NULL
) STRICT;
CREATE INDEX rate_buckets_full_at ON rate_buckets (full_at_us);

CREATE TABLE sts_cache (
  name TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  origin_grant TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sts_cache_expires ON sts_cache (expires_at);
)sql";

constexpr std::string_view kV1Postgres = R"sql(
CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  ts TEXT NOT NULL,
  session_id TEXT NOT NULL,
  event TEXT NOT NULL,
  caller TEXT,
  line TEXT NOT NULL
);
CREATE INDEX audit_events_session ON audit_events (session_id, seq);
CREATE INDEX audit_events_event ON audit_events (event, seq);
CREATE INDEX audit_events_caller ON audit_events (caller, seq);
CREATE TABLE audit_chain_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  head TEXT
);
INSERT INTO audit_chain_head (id, seq, head) VALUES (1, 0, NULL);

CREATE TABLE api_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  policy TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  revoked_at BIGINT,
  last_used_at BIGINT
);
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
  ttl_seconds BIGINT NOT NULL,
  reason TEXT NOT NULL,
  rule TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('issuing', 'issued', 'pending_approval', 'denied',
                                         'revoked', 'expired', 'failed')),
  status_reason TEXT NOT NULL,
  approval_request_id TEXT,
  sts_role_id TEXT NOT NULL,
  sts_session_name TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  expires_at BIGINT,
  reused_from TEXT,
  credentials_token_sha256 TEXT UNIQUE,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  issued_at BIGINT
);
CREATE INDEX grants_created ON grants (created_at, id);
CREATE INDEX grants_caller ON grants (caller, created_at, id);
CREATE INDEX grants_status ON grants (status, created_at, id);

CREATE TABLE jti_seen (
  issuer TEXT NOT NULL,
  jti TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (issuer, jti)
);
CREATE INDEX jti_seen_expires ON jti_seen (expires_at);

CREATE TABLE rate_buckets (
  key TEXT PRIMARY KEY,
  full_at_us BIGINT NOT NULL
);
CREATE INDEX rate_buckets_full_at ON rate_buckets (full_at_us);

CREATE TABLE sts_cache (
  name TEXT PRIMARY KEY,
  sealed TEXT NOT NULL,
  origin_grant TEXT NOT NULL,
  access_key_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX sts_cache_expires ON sts_cache (expires_at);
)sql";

// 2: approvals, break-glass review and revocations (issue 17).
constexpr std::string_view kV2Sqlite = R"sql(
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
  decided_at INTEGER,
  break_glass INTEGER NOT NULL CHECK (break_glass IN (0, 1)),
  reviewed_by TEXT,
  reviewed_at INTEGER,
  grant_id TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX approval_requests_status ON approval_requests (status, created_at, id);
CREATE INDEX approval_requests_review ON approval_requests (break_glass, reviewed_at);
CREATE TABLE approvals (
  request_id TEXT NOT NULL REFERENCES approval_requests (id) ON DELETE CASCADE,
  approver TEXT NOT NULL,
  at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (request_id, approver)
) STRICT;

CREATE TABLE revocations (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('grant', 'caller')),
  grant_id TEXT,
  caller TEXT,
  not_before INTEGER,
  revoked_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  role_arn TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  deny_statement TEXT NOT NULL,
  attached_at INTEGER,
  removable_after INTEGER,
  removed_at INTEGER,
  CHECK ((scope = 'grant' AND grant_id IS NOT NULL) OR
         (scope = 'caller' AND caller IS NOT NULL AND not_before IS NOT NULL))
) STRICT;
CREATE INDEX revocations_grant ON revocations (grant_id);
CREATE INDEX revocations_caller ON revocations (caller);
CREATE INDEX revocations_role ON revocations (role_arn, removed_at);
)sql";

constexpr std::string_view kV2Postgres = R"sql(
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
  decided_at BIGINT,
  break_glass INTEGER NOT NULL CHECK (break_glass IN (0, 1)),
  reviewed_by TEXT,
  reviewed_at BIGINT,
  grant_id TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX approval_requests_status ON approval_requests (status, created_at, id);
CREATE INDEX approval_requests_review ON approval_requests (break_glass, reviewed_at);
CREATE TABLE approvals (
  request_id TEXT NOT NULL REFERENCES approval_requests (id) ON DELETE CASCADE,
  approver TEXT NOT NULL,
  at BIGINT NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (request_id, approver)
);

CREATE TABLE revocations (
  id TEXT PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('grant', 'caller')),
  grant_id TEXT,
  caller TEXT,
  not_before BIGINT,
  revoked_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  role_arn TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  deny_statement TEXT NOT NULL,
  attached_at BIGINT,
  removable_after BIGINT,
  removed_at BIGINT,
  CHECK ((scope = 'grant' AND grant_id IS NOT NULL) OR
         (scope = 'caller' AND caller IS NOT NULL AND not_before IS NOT NULL))
);
CREATE INDEX revocations_grant ON revocations (grant_id);
CREATE INDEX revocations_caller ON revocations (caller);
CREATE INDEX revocations_role ON revocations (role_arn, removed_at);
)sql";

// 3: the groups an API token's caller is in (approvers, issue 17).
constexpr std::string_view kV3 = R"sql(
ALTER TABLE api_tokens ADD COLUMN caller_groups TEXT NOT NULL DEFAULT '[]';
)sql";

constexpr Migration kMigrations[] = {
    {1, "audit chain, API tokens, grants, jti replay, rate limits, STS cache", kV1Sqlite,
     kV1Postgres},
    {2, "approval requests, approvals, revocations", kV2Sqlite, kV2Postgres},
    {3, "API token groups (approvers)", kV3, kV3},
};

}  // namespace

std::span<const Migration> TeamStoreMigrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

}  // namespace audex
