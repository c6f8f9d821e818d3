#include "session/session.h"

#include <fmt/format.h>

#include "core/audit/session_id.h"
#include "core/base/exit_codes.h"
#include "core/credentials/sandbox_plan.h"
#include "session/provider_session.h"

namespace audex {

SessionLedger::SessionLedger(const World& world)
    : log_(world.paths.state_dir, world.clock), store_(world.paths.state_dir) {}

Result<std::unique_ptr<SessionLedger>> SessionLedger::Begin(const World& world,
                                                            SessionRecord record) {
  std::unique_ptr<SessionLedger> ledger(new SessionLedger(world));
  auto recorder =
      SessionRecorder::Begin(ledger->log_, ledger->store_, world.clock, std::move(record));
  if (!recorder) return tl::unexpected(recorder.error());
  ledger->recorder_.emplace(std::move(*recorder));
  return ledger;
}

ApprovalWait ServerApprovalWait(const ServerIssue& server, const World& world) {
  ApprovalWait wait;
  wait.limit = server.approval_wait;
  wait.notice = [&world](const std::string& line) { world.Warn(line); };
  return wait;
}

Result<void> SessionLedger::Record(const std::function<Result<void>(SessionRecorder&)>& step) {
  std::lock_guard lock(mutex_);
  return step(*recorder_);
}

Result<void> SessionLedger::RecordWhileRunning(
    const std::function<Result<void>(SessionRecorder&)>& step) {
  std::lock_guard lock(mutex_);
  if (ended_) return StateError("the session has ended; its credentials are no longer served");
  return step(*recorder_);
}

Result<void> SessionLedger::End(std::optional<int> exit_code, std::optional<int> signal) {
  std::lock_guard lock(mutex_);
  ended_ = true;
  return recorder_->Ended(exit_code, signal);
}

Result<void> ProviderSession::Refresh(SessionLedger&, std::chrono::seconds) {
  return StateError("only AWS sessions are renewed");
}

Session::Session(World& world, SessionPlan plan, std::string id)
    : world_(world), plan_(std::move(plan)), id_(std::move(id)) {}

Session::~Session() = default;

Result<std::unique_ptr<Session>> Session::Start(const PlannedSession& planned, World& world) {
  for (const std::string& warning : planned.plan.enforcement_warnings) world.Warn(warning);
  std::string id = planned.session_id;
  if (id.empty()) {
    auto random = world.random(kSessionIdRandomBytes);
    if (!random) return tl::unexpected(random.error());
    id = SessionIdFromRandom(*random);
  }
  std::unique_ptr<Session> session(new Session(world, planned.plan, std::move(id)));
  switch (session->provider()) {
    case Provider::kAws:
      session->provider_ = NewAwsSession(world, session->plan_, session->id_);
      break;
    case Provider::kGcp:
      session->provider_ = NewGcpSession(world, session->plan_, session->id_);
      break;
    case Provider::kAzure:
      session->provider_ = NewAzureSession(world, session->plan_, session->id_);
      break;
  }
  if (auto found = session->provider_->FindBase(); !found) return tl::unexpected(found.error());

  SessionStart start{session->id_,
                     world.clock(),
                     session->provider_->RecordedRole(),
                     world.env("AUDEX_AGENT_ID"),
                     planned.request,
                     planned.replay_of};
  // A session that runs a command lives as long as this process: the
  // record names it, so that `sessions list` can tell one whose tryaudex
  // was killed (abandoned). credential-process sessions outlive it by design.
  if (!planned.plan.command.empty()) start.owner = world.self;
  auto ledger =
      SessionLedger::Begin(world, NewSessionRecord(planned.access, session->plan_, start));
  if (!ledger) return tl::unexpected(ledger.error());
  session->ledger_ = std::move(*ledger);
  if (auto issued = session->provider_->Issue(*session->ledger_); !issued) {
    if (auto recorded = session->ledger_->Record([&](SessionRecorder& recorder) {
          return recorder.CredentialsFailed(issued.error().message);
        });
        !recorded) {
      return tl::unexpected(recorded.error());
    }
    return tl::unexpected(issued.error());
  }
  return session;
}

AwsCredentials Session::CurrentCredentials() const { return provider_->CurrentCredentials(); }

std::chrono::system_clock::time_point Session::issued_at() const { return provider_->IssuedAt(); }

std::vector<SecretString> Session::Secrets() const { return provider_->Secrets(); }

Result<void> Session::Refresh(std::chrono::seconds duration) {
  return provider_->Refresh(*ledger_, duration);
}

Result<void> Session::Note(const std::function<AuditEvent(const SessionRecord&)>& make) {
  return ledger_->Record(
      [&](SessionRecorder& recorder) { return recorder.Note(make(recorder.record())); });
}

Result<ChildResult> Session::RunChild(const ChildRequest& request) {
  auto prepared = provider_->PrepareChild(*this, world_.environment);
  Result<void> ready;
  if (!prepared) {
    ready = tl::unexpected(prepared.error());
  } else if (request.prepare) {
    ready = request.prepare(prepared->environment);
  }
  if (!ready) {
    // Nothing ran: the record still gets its end, after whatever was
    // started has recorded what it saw.
    if (prepared) {
      for (const std::function<void()>& flush : prepared->before_end) flush();
    }
    if (auto recorded = ledger_->End(kExitCannotExecute, std::nullopt); !recorded) {
      return tl::unexpected(recorded.error());
    }
    return tl::unexpected(ready.error());
  }
  ChildSpec spec;
  spec.argv = request.command;
  spec.environment = std::move(prepared->environment);
  if (request.adjust_environment) request.adjust_environment(spec.environment);
  spec.capture = request.capture;
  if (plan_.sandbox) {
    SandboxInput hiding;
    hiding.parent = world_.environment;
    hiding.child = spec.environment;
    hiding.config_dir = world_.paths.config_dir.string();
    hiding.state_dir = world_.paths.state_dir.string();
    hiding.working_directory = world_.working_directory;
    spec.sandbox = PlanSandbox(hiding);
    for (const std::string& kept : spec.sandbox->kept_visible) world_.Warn("sandbox: " + kept);
    spec.on_sandbox_refused = [this](const std::string& reason) {
      world_.Warn(fmt::format(
          "the command runs without the sandbox: {}; it can read the cloud credential files and "
          "Audex's files like any process of yours (sandbox = false in config.toml, or "
          "--no-sandbox, says you know)",
          reason));
    };
  }
  spec.deadline = prepared->deadline;
  spec.on_deadline = [this] {
    world_.Warn("the session's TTL has run out: ending the command (SIGTERM)");
    if (auto recorded =
            ledger_->Record([](SessionRecorder& recorder) { return recorder.TtlExpired(); });
        !recorded) {
      world_.notify(NoticeLevel::kError, recorded.error().message);
    }
  };
  spec.on_kill = [this] {
    world_.Warn(fmt::format("the command did not end within {} s of SIGTERM: killing it (SIGKILL)",
                            kTermGrace.count()));
  };
  ChildRun run = world_.children->Run(spec);
  for (const std::function<void()>& flush : prepared->before_end) flush();

  ChildResult result;
  result.out = std::move(run.out);
  result.err = std::move(run.err);
  if (request.capture) {
    const std::vector<SecretString> held = provider_->Secrets();
    std::vector<const SecretString*> secrets;
    for (const SecretString& secret : held) secrets.push_back(&secret);
    result.out.text = RedactSecrets(std::move(result.out.text), secrets, result.out.truncated());
    result.err.text = RedactSecrets(std::move(result.err.text), secrets, result.err.truncated());
  }
  result.timed_out = run.timed_out;
  if (!run.outcome) {
    result.status = run.outcome.error().failure == SpawnFailure::kNotFound ? kExitCommandNotFound
                                                                           : kExitCannotExecute;
    result.spawn_error = run.outcome.error().message;
    world_.notify(NoticeLevel::kError, *result.spawn_error);
    if (auto recorded = ledger_->End(result.status, std::nullopt); !recorded) {
      return tl::unexpected(recorded.error());
    }
  } else {
    result.outcome = *run.outcome;
    result.status = result.outcome.ShellStatus();
    if (auto recorded = ledger_->End(result.outcome.exit_code, result.outcome.signal); !recorded) {
      // The child ran; say the record is incomplete but keep its status.
      world_.notify(NoticeLevel::kError, recorded.error().message);
    }
  }
  prepared->keep_alive.clear();  // endpoints stop, scratch directories go
  world_.children->Finish(run);
  return result;
}

}  // namespace audex
