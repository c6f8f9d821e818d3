// A session's steps written to the audit log and its session file (session_recorder.h).
#include "adapters/store/session_recorder.h"

#include <utility>

namespace audex {

SessionRecorder::SessionRecorder(AuditLog& log, const SessionStore& store, Clock clock,
                                 SessionRecord record)
    : log_(&log), store_(&store), clock_(std::move(clock)), record_(std::move(record)) {}

Result<SessionRecorder> SessionRecorder::Begin(AuditLog& log, const SessionStore& store,
                                               Clock clock, SessionRecord record) {
  SessionRecorder recorder(log, store, std::move(clock), std::move(record));
  // Unsynced: no credential leaves before the session's credentials_*
  // event, whose fdatasync covers this earlier line of the same file
  // (docs/audit-log-format.md, "What is synced").
  if (auto appended =
          log.Append(SessionCreatedEvent(recorder.record_), AppendDurability::kUnsynced);
      !appended) {
    return tl::unexpected(appended.error());
  }
  if (auto saved = store.Save(recorder.record_); !saved) {
    // session_created is in the log: close it there as failed, or it stays
    // open forever for anyone reading the log (the session never starts).
    MarkFailed(recorder.record_, "the session file could not be written: " + saved.error().message,
               recorder.clock_());
    (void)log.Append(CredentialsFailedEvent(recorder.record_));
    return tl::unexpected(saved.error());
  }
  return recorder;
}

Result<void> SessionRecorder::CredentialsIssued(const IssuedCredentials& issued) {
  MarkCredentialsIssued(record_, issued);
  return Record(CredentialsIssuedEvent(record_, issued));
}

Result<void> SessionRecorder::CredentialsFailed(std::string reason) {
  MarkFailed(record_, std::move(reason), clock_());
  return Record(CredentialsFailedEvent(record_));
}

Result<void> SessionRecorder::Ended(std::optional<int> exit_code, std::optional<int> signal) {
  MarkEnded(record_, exit_code, signal, clock_());
  // Unsynced: it records no credential, and its loss in a crash of the
  // machine shows (the session reads "abandoned", the log has no end for
  // it); the next synced append covers it (docs/audit-log-format.md).
  return Record(SessionEndedEvent(record_), AppendDurability::kUnsynced);
}

Result<void> SessionRecorder::CredentialsRefreshed(const IssuedCredentials& issued, int refresh) {
  MarkCredentialsIssued(record_, issued);
  return Record(CredentialsRefreshedEvent(record_, issued, refresh));
}

Result<void> SessionRecorder::CredentialsFromCache(const IssuedCredentials& issued,
                                                   const std::string& origin_session) {
  MarkCredentialsIssued(record_, issued);
  return Record(CredentialsCacheHitEvent(record_, issued, origin_session));
}

Result<void> SessionRecorder::CredentialsScoped(const IssuedCredentials& issued,
                                                const std::string& base_access_key_id) {
  MarkCredentialsIssued(record_, issued);
  return Record(CredentialsScopedEvent(record_, issued, base_access_key_id));
}

Result<void> SessionRecorder::Note(const AuditEvent& event) {
  if (auto appended = log_->Append(event); !appended) return tl::unexpected(appended.error());
  return {};
}

Result<void> SessionRecorder::TtlExpired() { return Record(TtlExpiredEvent(record_)); }

Result<void> SessionRecorder::Record(const AuditEvent& event, AppendDurability durability) {
  if (auto appended = log_->Append(event, durability); !appended) {
    return tl::unexpected(appended.error());
  }
  return store_->Save(record_);
}

}  // namespace audex
