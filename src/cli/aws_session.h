// One AWS session from plan to child exit, in pieces that every command
// issuing AWS credentials reuses (run, learn, mcp, credential-process):
//
//   auto planned = PlanRunRequest(options, context);          // policy, TTL
//   auto target = ResolveAwsTarget(role_arn, region, context, config);
//   auto session = AwsSession::Start(context, planned, *target, identity);
//                                   // session_created, AssumeRole,
//                                   // credentials_issued (or _failed)
//   session->RunChild(command, session->ChildEnvironment());
//                                   // the child, then session_ended
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/aws/sts_endpoint.h"
#include "adapters/config/config_files.h"
#include "adapters/process/child_process.h"
#include "adapters/store/session_recorder.h"
#include "cli/cli_context.h"
#include "core/access_request.h"
#include "core/aws_credentials.h"
#include "core/child_env.h"
#include "core/credential_cache.h"
#include "core/role.h"
#include "core/session_plan.h"

namespace audex {

struct RunOptions;

// A request planned from `run`-style options: the configuration it was
// planned against, what was asked, and the plan.
struct PlannedRun {
  LoadedConfiguration loaded;
  AccessRequest request;
  SessionPlan plan;
};

// Parses --provider/--ttl, loads the configuration (or uses `configuration`,
// the one a caller already checked its own rules against) and plans the
// session (policy, TTL, child variables). With scope_current the TTL is
// GetScopedCredentials' (checked at issue), and the provider must be AWS.
// Warnings are printed on stderr.
Result<PlannedRun> PlanRunRequest(const RunOptions& options, const CliContext& context,
                                  const LoadedConfiguration* configuration = nullptr);

// Where an AWS session's credentials come from and go to.
struct AwsTarget {
  RoleChoice role;
  RegionChoice region;
  StsEndpoint endpoint;
};

// `need_role` false (--scope-current): no role is looked for, and
// AwsTarget::role stays empty.
Result<AwsTarget> ResolveAwsTarget(const std::optional<std::string>& role_arn,
                                   const std::optional<std::string>& region,
                                   const CliContext& context, const UserConfig& config,
                                   bool need_role = true);

// How a session's credentials are obtained besides a plain AssumeRole.
struct AwsIssueOptions {
  // Reuse credentials from the encrypted cache (docs/credential-cache.md)
  // and store freshly issued ones there.
  bool use_cache = false;
  std::chrono::seconds cache_margin = kDefaultCacheMargin;
  // sts:GetScopedCredentials on the caller's own temporary credentials
  // instead of AssumeRole (--scope-current); no role is needed.
  bool scope_current = false;
};

class AwsSession {
 public:
  // Resolves the base credentials, records session_created, assumes the
  // role with the plan's session policy and records credentials_issued (or
  // credentials_failed and returns the STS error).
  static Result<std::unique_ptr<AwsSession>> Start(
      const CliContext& context, const PlannedRun& planned, const AwsTarget& target,
      const std::optional<std::string>& source_identity, const AwsIssueOptions& issue = {});

  const std::string& id() const { return id_; }
  // Not safe while another thread may Refresh(); use CurrentCredentials().
  const AwsCredentials& credentials() const { return credentials_; }
  // A copy of the current credentials; safe against a concurrent Refresh().
  AwsCredentials CurrentCredentials() const;
  // When the current credentials were issued (or found in the cache).
  std::chrono::system_clock::time_point issued_at() const;
  std::chrono::seconds ttl() const { return ttl_; }

  // Issues the session's credentials again with the same role and session
  // policy (or scope-down policy) for `duration`, and records
  // credentials_refreshed. The base credentials are resolved again, as they
  // may have been rotated. Thread-safe; fails (kState) once the child has
  // ended. On failure the old credentials stay current and
  // credentials_failed is not written: the child may still finish with them.
  Result<void> Refresh(std::chrono::seconds duration);

  // Appends the event `make` builds from the current record, leaving the
  // record as it is (serve_started, serve_refused). Thread-safe.
  Result<void> Note(const std::function<AuditEvent(const SessionRecord&)>& make);
  const AwsTarget& target() const { return target_; }
  SessionRecorder& recorder() { return *recorder_; }
  AuditLog& log() { return *log_; }

  // The child's environment: the parent's minus every route to broader
  // credentials, plus these session credentials (core/child_env.h).
  Environment ChildEnvironment() const;

  // Runs `command` with exactly `environment`, records session_ended and
  // returns the shell status: the child's exit code, 128+N for signal N,
  // 127 when the command is not found, 126 when it cannot be executed.
  Result<int> RunChild(const std::vector<std::string>& command, const Environment& environment);
  // The same, calling `before_end` after the child exits and before
  // session_ended is written (run --broker stops its endpoint there, so that
  // every broker_call line precedes session_ended).
  Result<int> RunChild(const std::vector<std::string>& command, const Environment& environment,
                       const std::function<void()>& before_end);

  // RunChild for callers that must not share their standard streams with
  // the child (mcp): stdin is /dev/null and the output comes back bounded
  // (adapters/process/child_process.h). `status` is RunChild's; a command
  // that could not start has `spawn_error` set and no output.
  struct CapturedRun {
    int status = 0;
    CapturedChild child;
    std::optional<std::string> spawn_error;
  };
  Result<CapturedRun> RunChildCapturing(const std::vector<std::string>& command,
                                        const Environment& environment,
                                        const CaptureOptions& options);

  ~AwsSession();
  AwsSession(const AwsSession&) = delete;
  AwsSession& operator=(const AwsSession&) = delete;

 private:
  AwsSession(const CliContext& context, AwsTarget target);
  Result<AwsCredentials> Issue(const AwsCredentials& base, std::chrono::seconds duration);
  // Records session_ended for how the child ended (or failed to start) and
  // returns the shell status.
  Result<int> RecordEnd(const tl::expected<ChildOutcome, SpawnError>& outcome);

  const CliContext& context_;
  AwsTarget target_;
  std::string id_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<SessionStore> store_;
  std::optional<SessionRecorder> recorder_;
  AwsCredentials credentials_;
  std::chrono::system_clock::time_point issued_at_;
  // What every issue of this session repeats.
  std::string policy_;
  std::chrono::seconds ttl_{0};
  std::optional<std::string> source_identity_;
  bool scope_current_ = false;
  int refreshes_ = 0;
  bool ended_ = false;
  mutable std::mutex mutex_;  // guards credentials_, issued_at_, refreshes_, ended_, the recorder
};

}  // namespace audex
