// `tryaudex health --check aws`: what Audex would use for a run — where the
// base credentials come from (never their values), who they belong to,
// region, STS endpoint and role — checked with one sts:GetCallerIdentity.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct HealthOptions {
  std::string check = "aws";
  std::optional<std::string> role_arn;
  std::optional<std::string> region;
  bool json = false;
};

Result<int> RunHealth(const HealthOptions& options, const CliContext& context);

}  // namespace audex
