// What every command receives from main(): the environment, the paths, and
// where to write. Commands read files only through the adapters.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "adapters/config/config_files.h"
#include "adapters/config/paths.h"

namespace audex {

struct CliContext {
  EnvLookup env;
  AudexPaths paths;
  std::ostream& out;
  std::ostream& err;
};

// Loads the configuration files and prints their warnings on stderr.
Result<LoadedConfiguration> LoadConfigurationFor(const CliContext& context);

// "tryaudex: warning: ..." lines on stderr.
void PrintWarnings(const CliContext& context, const std::vector<std::string>& warnings);

}  // namespace audex
