#include "cli/cli_context.h"

#include <ostream>

namespace audex {

Result<LoadedConfiguration> LoadConfigurationFor(const CliContext& context) {
  std::vector<std::string> warnings;
  auto loaded = LoadConfiguration(context.paths, &warnings);
  PrintWarnings(context, warnings);
  return loaded;
}

void PrintWarnings(const CliContext& context, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) {
    // Loud warnings carry their own "WARNING:" prefix.
    context.err << "tryaudex: " << (warning.rfind("WARNING", 0) == 0 ? "" : "warning: ") << warning
                << '\n';
  }
}

}  // namespace audex
