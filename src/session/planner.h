// Planning a session: a SessionRequest, the configuration files and the
// environment made into a PlannedSession — the policy, the TTL, the child's
// variables, and where the credentials come from. The engine then carries
// the plan out (session.h); --dry-run prints it.
#pragma once

#include "adapters/config/config_files.h"
#include "core/plan/session_plan.h"
#include "core/plan/session_request.h"
#include "core/policy/access_request.h"
#include "session/world.h"

namespace audex {

struct PlannedSession {
  LoadedConfiguration loaded;  // what the plan was made against
  SessionRequest request;      // what was asked, as the face filled it in
  AccessRequest access;        // what was asked, as the resolver took it
  SessionPlan plan;
  // Drawn by the planner (world.random) when the plan names its own session
  // (--tag-session's policy does); else empty, and Session::Start draws it.
  std::string session_id;
  // `tryaudex replay`: the session this one runs again.
  std::optional<std::string> replay_of;
};

struct PlanSettings {
  // False for --dry-run: no role, service account or identity is needed
  // (the AWS issue plan is still made, and shown, when it can be).
  bool will_issue = true;
  // The configuration a caller has already checked its own rules against
  // (MCP's guard rails), used instead of reading the files again.
  const LoadedConfiguration* configuration = nullptr;
  // `tryaudex replay`: the tag of the replayed session, kept so that the
  // policy is the same byte for byte; otherwise --tag-session tags with the
  // new session's id.
  std::optional<SessionTag> session_tag;
};

// Draws the session id, parses --provider and --ttl, loads the
// configuration, resolves and checks the permissions, builds the policy
// (packing it to fit when needed; with --tag-session's statements), and
// plans the issue: for AWS the role and chain, region, STS endpoint,
// managed-policy ceilings, session tag, cache and serve settings
// (core/plan/aws_issue.h); for GCP the service account; for Azure the cloud
// and subscription. Configuration and plan warnings go to world.notify.
// Errors are kUsage (flags, files), kPolicy (permissions), kState (no
// randomness).
Result<PlannedSession> PlanRequest(const SessionRequest& request, const World& world,
                                   const PlanSettings& settings = {});

// The configuration files of world.paths, their warnings sent to
// world.notify.
Result<LoadedConfiguration> LoadConfigurationNoting(const World& world);

}  // namespace audex
