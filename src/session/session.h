// Session: one session carried out from start to end, for any provider —
// the engine that `run`, `learn`, `credential-process`, the MCP tools and
// the team server all drive. The plan (planner.h) has decided everything;
// the session records it, obtains the credentials, runs the child with
// only those, serves or renews them, and records how it all ended:
//
//   auto planned = PlanRequest(request, world);
//   auto session = Session::Start(*planned, world);  // session_created,
//                  // credentials_issued (or _cache_hit, _scoped, _failed)
//   auto ran = (*session)->RunChild({command});      // ..., session_ended
//
// The audit log is the record that counts: a step whose event cannot be
// appended fails before anything else changes (adapters/store/session_recorder.h).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/process/child_runner.h"
#include "core/audit/audit_event.h"
#include "core/base/secret.h"
#include "core/credentials/aws_credentials.h"
#include "session/planner.h"
#include "session/world.h"

namespace audex {

// What to run, and how, besides what the plan says.
struct ChildRequest {
  std::vector<std::string> command;
  // Changes to the environment the session computed, applied last.
  std::function<void(Environment&)> adjust_environment;
  // The output captured and bounded instead of shared (stdin /dev/null), for
  // a face whose own streams are not the child's (mcp). Captured output has
  // the session's secrets masked: the command may print its own
  // credentials (env, aws configure export-credentials).
  std::optional<CaptureOptions> capture;
  // Starts what this face alone needs beside the child (learn's observers)
  // and adds their variables, once the session's own preparation is done.
  // A failure ends the session unrun, recorded as a failed preparation is.
  std::function<Result<void>(Environment&)> prepare;
};

// How the child ended.
struct ChildResult {
  // The shell status: the child's exit code, 128+N for signal N, 127 when
  // the command is not found, 126 when it cannot be executed.
  int status = 0;
  ChildOutcome outcome;
  std::optional<std::string> spawn_error;  // the command could not start
  CapturedStream out;                      // with `capture` only
  CapturedStream err;
  bool timed_out = false;  // the capture's timeout ended it
};

class ProviderSession;
class SessionLedger;

class Session {
 public:
  // Records session_created, obtains the credentials the plan describes and
  // records credentials_issued (or _cache_hit, _scoped); when the cloud
  // refuses, records credentials_failed and returns its error. A session
  // whose record cannot be written is not started.
  static Result<std::unique_ptr<Session>> Start(const PlannedSession& planned, World& world);

  const std::string& id() const { return id_; }
  const SessionPlan& plan() const { return plan_; }
  Provider provider() const { return plan_.request.provider; }

  // AWS: a copy of the current credentials, safe against a concurrent
  // Refresh. Empty for GCP and Azure.
  AwsCredentials CurrentCredentials() const;
  // When the current credentials were issued (or found in the cache).
  std::chrono::system_clock::time_point issued_at() const;

  // Every secret the session holds that a child could print (its keys,
  // tokens), for masking output a face shows to someone else.
  std::vector<SecretString> Secrets() const;

  // Runs the child with the parent's environment minus every route to
  // broader credentials plus the session's own (core/credentials/child_env.h),
  // served from a loopback endpoint when the plan says so, or (--broker)
  // replaced by placeholders that only Audex's forwarding endpoint accepts
  // (session/forwarding.h); records session_ended, after every call the
  // endpoint forwarded, and returns how it ended. kState only when the
  // child could not be prepared (its end is recorded first).
  Result<ChildResult> RunChild(const ChildRequest& request);

  // AWS: issues the credentials again with the same role and policy for
  // `duration`, and records credentials_refreshed. The base credentials are
  // resolved again, as they may have been rotated. Thread-safe; fails
  // (kState) once the child has ended; on failure the old credentials stay
  // current.
  Result<void> Refresh(std::chrono::seconds duration);

  // Appends the event `make` builds from the current record, leaving the
  // record as it is (serve_started, serve_refused, broker_call).
  // Thread-safe.
  Result<void> Note(const std::function<AuditEvent(const SessionRecord&)>& make);

  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

 private:
  Session(World& world, SessionPlan plan, std::string id);

  World& world_;
  SessionPlan plan_;
  std::string id_;
  std::unique_ptr<SessionLedger> ledger_;
  std::unique_ptr<ProviderSession> provider_;
};

}  // namespace audex
