// SessionRecorder: carries one session through its life on disk. Each step
// updates the record (core/session_record.h), appends the matching audit
// event and rewrites the session file, in that order: the audit log is the
// record that counts, so a step whose event cannot be appended fails before
// anything else changes.
//
// How `run` uses it:
//   auto recorder = SessionRecorder::Begin(log, store, clock, record);  // session_created
//   ... AssumeRole ...
//   recorder->CredentialsIssued(DescribeIssued(credentials));           // credentials_issued
//     or recorder->CredentialsFailed(error.message);                    // credentials_failed
//   ... spawn, wait ...
//   recorder->Ended(outcome.exit_code, outcome.signal);                 // session_ended
#pragma once

#include <optional>
#include <string>

#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "core/audit/session_record.h"
#include "core/base/result.h"

namespace audex {

class SessionRecorder {
 public:
  // Appends session_created (unsynced: the credentials_* event that must
  // follow before any credential leaves is synced and covers it) and
  // writes the record (status active). When the record cannot be written
  // it appends credentials_failed too, so the log holds no session that
  // never ends, and fails. The log and store must outlive the recorder.
  static Result<SessionRecorder> Begin(AuditLog& log, const SessionStore& store, Clock clock,
                                       SessionRecord record);

  // credentials_issued: records the access key id and the credentials' own
  // expiry (never their secret parts; IssuedCredentials has none).
  Result<void> CredentialsIssued(const IssuedCredentials& issued);

  // credentials_failed, status failed. `reason` says what went wrong and
  // must not quote a secret (STS error messages do not).
  Result<void> CredentialsFailed(std::string reason);

  // session_ended, status ended, with the child's exit code or the signal
  // that killed it; appended unsynced (docs/audit-log-format.md, "What is
  // synced").
  Result<void> Ended(std::optional<int> exit_code, std::optional<int> signal);

  // credentials_refreshed: the record now names the new key and expiry.
  Result<void> CredentialsRefreshed(const IssuedCredentials& issued, int refresh);

  // credentials_cache_hit, in place of credentials_issued.
  Result<void> CredentialsFromCache(const IssuedCredentials& issued,
                                    const std::string& origin_session);

  // credentials_scoped, in place of credentials_issued.
  Result<void> CredentialsScoped(const IssuedCredentials& issued,
                                 const std::string& base_access_key_id);

  // An event that changes nothing in the record (serve_started, serve_refused).
  Result<void> Note(const AuditEvent& event);

  // ttl_expired: Audex is ending the command because the TTL ran out.
  Result<void> TtlExpired();

  const SessionRecord& record() const { return record_; }

 private:
  SessionRecorder(AuditLog& log, const SessionStore& store, Clock clock, SessionRecord record);
  Result<void> Record(const AuditEvent& event,
                      AppendDurability durability = AppendDurability::kSynced);

  AuditLog* log_;
  const SessionStore* store_;
  Clock clock_;
  SessionRecord record_;
};

}  // namespace audex
