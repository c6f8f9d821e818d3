// `tryaudex policies list|show|expand|validate`: the profiles Audex knows,
// what patterns grant in the AWS action catalog, and a linter for IAM
// policy documents.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct PoliciesOptions {
  std::string subcommand;  // "list", "show", "expand" or "validate"
  std::optional<std::string> provider;
  std::string name;
  std::vector<std::string> patterns;  // expand
  std::string file;                   // validate --file
  bool json = false;
};

Result<int> RunPolicies(const PoliciesOptions& options, const CliContext& context);

}  // namespace audex
