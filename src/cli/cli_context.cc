#include "cli/cli_context.h"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <ostream>

#include "adapters/process/progress_line.h"

#include "session/planner.h"

namespace audex {

NoticeSink PrintNotices(std::ostream& err) {
  // Progress goes to the terminal itself, and only when `err` is stderr.
  auto progress = std::make_shared<ProgressLine>(
      STDERR_FILENO, &err == &std::cerr && ProgressShownOn(STDERR_FILENO, false));
  return [&err, progress](NoticeLevel level, const std::string& message) {
    if (level == NoticeLevel::kProgress) {
      if (message.empty()) {
        progress->Clear();
      } else {
        progress->Update("tryaudex: " + message);
      }
      return;
    }
    progress->Clear();
    err << NoticeLine(level, message) << '\n';
  };
}

void DropProgress(World& world) {
  world.notify = [notify = world.notify](NoticeLevel level, const std::string& message) {
    if (level != NoticeLevel::kProgress) notify(level, message);
  };
}

Result<LoadedConfiguration> LoadConfigurationFor(const CliContext& context) {
  return LoadConfigurationNoting(context.world);
}

void PrintWarnings(const CliContext& context, const std::vector<std::string>& warnings) {
  for (const std::string& warning : warnings) context.world.Warn(warning);
}

}  // namespace audex
