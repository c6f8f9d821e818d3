// `tryaudex health --check aws`: what Audex would use for a run — where the
// base credentials come from (never their values), who they belong to,
// region, STS endpoint and role — checked with one sts:GetCallerIdentity.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "session/health.h"

namespace CLI {
class App;
}

namespace audex {

struct HealthOptions {
  HealthRequest request;
  bool json = false;
};

Result<int> RunHealth(const HealthOptions& options, const CliContext& context);

}  // namespace audex
