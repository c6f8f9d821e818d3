#include "cli/cli_context.h"

#include <ostream>

#include "session/planner.h"

namespace audex {

NoticeSink PrintNotices(std::ostream& err) {
  return [&err](NoticeLevel level, const std::string& message) {
    err << NoticeLine(level, message) << '\n';
  };
}

Result<LoadedConfiguration> LoadConfigurationFor(const CliContext& context) {
  return LoadConfigurationNoting(context.world);
}

void PrintWarnings(const CliContext& context, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) context.world.Warn(warning);
}

}  // namespace audex
