// `tryaudex run`: run one command with scoped, short-lived credentials.
// In this build only --dry-run is available: it prints the plan.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct RunOptions {
  std::optional<std::string> provider;
  std::optional<std::string> allow;
  std::optional<std::string> profile;
  std::optional<std::string> resource;
  std::optional<std::string> ttl;
  bool dry_run = false;
  bool json = false;
  std::vector<std::string> command;  // everything after "--"
};

void AddRunCommand(CLI::App& app, RunOptions& options);
Result<int> RunRun(const RunOptions& options, const CliContext& context);

}  // namespace audex
