// `tryaudex drift`: compares what an IAM role really allows (its inline and
// managed policies, explicit Denies and permissions boundary, read with the
// caller's base credentials) with the profile or list it should match, and
// exits 1 when they differ so CI can gate on it.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "session/role_drift.h"

namespace CLI {
class App;
}

namespace audex {

struct DriftOptions {
  DriftRequest request;
  bool verbose = false;
  bool json = false;
  bool quiet = false;  // no progress line while the role's policies are read
};

// Exactly one of --expected-policy, --expected-allow and --all-profiles (kUsage).

// kExitOk when the role matches, kExitCheckFailed when it drifts; errors as
// documented (usage 2, policy 3, credentials or IAM 4).
Result<int> RunDrift(const DriftOptions& options, const CliContext& context);

}  // namespace audex
