// The engine's inside (not for the faces): what a session writes down, and
// the part of a session that differs per cloud. session.cc drives both.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "adapters/store/session_recorder.h"
#include "adapters/teamclient/team_client.h"
#include "session/session.h"

namespace audex {

// The session's record, audit log and file, for the threads that write them
// (the child's waiter, the serving endpoint): every step runs under one lock.
class SessionLedger {
 public:
  // session_created (adapters/store/session_recorder.h, Begin).
  static Result<std::unique_ptr<SessionLedger>> Begin(const World& world, SessionRecord record);

  // Runs `step` on the recorder under the lock.
  Result<void> Record(const std::function<Result<void>(SessionRecorder&)>& step);
  // The same, refused (kState) once the child has ended: a renewal racing
  // the end must not be recorded after it.
  Result<void> RecordWhileRunning(const std::function<Result<void>(SessionRecorder&)>& step);
  // session_ended; from now on RecordWhileRunning refuses.
  Result<void> End(std::optional<int> exit_code, std::optional<int> signal);

 private:
  SessionLedger(const World& world);

  AuditLog log_;
  SessionStore store_;
  std::optional<SessionRecorder> recorder_;
  bool ended_ = false;
  std::mutex mutex_;
};

// How a session waits when its team server holds the grant for approval
// (docs/team-mode.md, "Approvals"): for --approval-wait, each notice a
// warning on the session's world. The same for every provider.
ApprovalWait ServerApprovalWait(const ServerIssue& server, const World& world);

// What a child needs besides its command.
struct PreparedChild {
  Environment environment;
  // Azure: the command is ended when the TTL runs out.
  std::optional<std::chrono::seconds> deadline;
  // Scratch directories and loopback endpoints: kept until the child has
  // ended and its end is recorded, then released (endpoints stop serving).
  std::vector<std::shared_ptr<void>> keep_alive;
  // Run in order after the child has ended and before session_ended is
  // recorded: the forwarding endpoint of --broker stops there, having
  // recorded the child's last calls, so that no broker_call follows the end.
  std::vector<std::function<void()>> before_end;
};

class ProviderSession {
 public:
  virtual ~ProviderSession() = default;

  // Finds what the session's credentials are made from (base credentials,
  // a base token), before anything is recorded: a machine with none
  // records no session.
  virtual Result<void> FindBase() = 0;

  // The role (AWS), service account (GCP) or identity (Azure) the record
  // names; known after FindBase.
  virtual std::string RecordedRole() const = 0;

  // Obtains the credentials and records how (credentials_issued, _cache_hit
  // or _scoped). A failure is returned unrecorded: Session::Start records
  // credentials_failed.
  virtual Result<void> Issue(SessionLedger& ledger) = 0;

  virtual AwsCredentials CurrentCredentials() const { return {}; }
  virtual std::chrono::system_clock::time_point IssuedAt() const = 0;
  virtual std::vector<SecretString> Secrets() const = 0;

  // The child's environment from `parent`, and what it needs while it runs.
  virtual Result<PreparedChild> PrepareChild(Session& session, const Environment& parent) = 0;

  virtual Result<void> Refresh(SessionLedger& ledger, std::chrono::seconds duration);
};

// One per provider (aws_session.cc, gcp_session.cc, azure_session.cc).
std::unique_ptr<ProviderSession> NewAwsSession(World& world, const SessionPlan& plan,
                                               const std::string& id);
std::unique_ptr<ProviderSession> NewGcpSession(World& world, const SessionPlan& plan,
                                               const std::string& id);
std::unique_ptr<ProviderSession> NewAzureSession(World& world, const SessionPlan& plan,
                                                 const std::string& id);

}  // namespace audex
