// `tryaudex policies list|show`: the profiles Audex knows and what they grant.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct PoliciesOptions {
  std::string subcommand;  // "list" or "show"
  std::optional<std::string> provider;
  std::string name;
  bool json = false;
};

void AddPoliciesCommand(CLI::App& app, PoliciesOptions& options);
Result<int> RunPolicies(const PoliciesOptions& options, const CliContext& context);

}  // namespace audex
