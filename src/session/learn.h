// Learning: run one command with broad credentials (the role's own
// permissions, or --allow/--profile as an upper bound), watch which AWS
// APIs it calls — through Audex's forwarding endpoint and client-side
// monitoring as they happen, or CloudTrail afterwards — and return the
// least privilege it showed it needs, optionally saved as a profile.
// `tryaudex learn` and MCP's audex_learn render the same LearnReport.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/learned_policy.h"
#include "core/plan/session_request.h"
#include "session/session.h"

namespace audex {

// Where calls are observed (README, "learn").
enum class LearnSource {
  // The forwarding endpoint and client-side monitoring together, each call
  // counted once; CSM alone (with a warning) when the endpoint cannot start.
  kAuto,
  kEndpoint,    // the forwarding endpoint only: every SDK, data events too
  kCsm,         // client-side monitoring only (SDKs that emit it)
  kCloudTrail,  // LookupEvents after the command ends
};

// --source auto|endpoint|csm|cloudtrail; kUsage for anything else.
Result<LearnSource> ParseLearnSource(std::string_view text);

struct LearnRequest {
  SessionRequest session;  // --allow/--profile are optional: an upper bound
  LearnSource source = LearnSource::kAuto;
  std::optional<std::string> wait;          // --wait, CloudTrail only (default 10m)
  std::optional<std::string> save_profile;  // write the result into profiles.toml
  std::optional<CaptureOptions> capture;    // mcp: the child's output captured
};

// The pure checks of a learn request (--source/--wait combinations, the
// profile name, a profiles.toml that can be written): kUsage or kState
// before anything runs.
Result<void> ValidateLearnRequest(const LearnRequest& request, const AudexPaths& paths);

struct LearnReport {
  std::string session_id;
  // "forwarding endpoint and client-side monitoring", "forwarding
  // endpoint", "client-side monitoring", "CloudTrail"
  std::string source_name;
  ChildResult child;  // how the command ended
  LearnedPolicy learned;
  std::vector<std::string> resources;  // the recommended --resource list
  std::optional<std::string> saved_profile;
  bool profile_replaced = false;
  // The forwarding endpoint's counts, when it observed.
  bool endpoint = false;
  size_t endpoint_calls = 0;    // calls it forwarded
  size_t endpoint_refused = 0;  // requests it refused (nothing forwarded)
  // Client-side monitoring's counts, when it observed.
  bool csm = false;
  size_t through_endpoint = 0;  // calls CSM reported that the endpoint had seen
  size_t datagrams = 0;
  size_t other_clients = 0;
  size_t malformed = 0;
  size_t dropped = 0;
  bool stopped_early = false;  // CloudTrail: every event came before the wait ran out
};

// Plans the session (`settings.configuration` as in PlanRequest), runs the
// command under observation and maps what was seen to IAM actions. A
// failure before the command ends is an error; the command's own exit
// status is in the report.
Result<LearnReport> Learn(const LearnRequest& request, World& world,
                          const PlanSettings& settings = {});

// The report as `learn --json` prints it and audex_learn returns it.
nlohmann::ordered_json LearnReportJson(const LearnReport& report);

// learn's exit status: the command's non-zero code, else 1 when nothing
// was observed, else 0 (README, "Exit codes").
int LearnExitStatus(const LearnReport& report);

}  // namespace audex
