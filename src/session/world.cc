#include "session/world.h"

#include <unistd.h>

#include <climits>

#include "adapters/process/process_identity.h"
#include "adapters/store/random_bytes.h"
#include "core/base/text.h"

namespace audex {

std::string NoticeLine(NoticeLevel level, const std::string& raw) {
  // Notices quote names, values and replies from outside: an escape
  // sequence or a newline in them must not reach the terminal as one.
  const std::string message = EscapeControl(raw);
  switch (level) {
    case NoticeLevel::kWarning:
      // Loud warnings carry their own "WARNING:" prefix.
      return "tryaudex: " + std::string(message.rfind("WARNING", 0) == 0 ? "" : "warning: ") +
             message;
    case NoticeLevel::kError:
      return "tryaudex: error: " + message;
    case NoticeLevel::kInfo:
    case NoticeLevel::kProgress:
      break;
  }
  return "tryaudex: " + message;
}

World SystemWorld(Environment environment, NoticeSink notify) {
  World world;
  world.env = LookupIn(environment);
  world.paths = ResolvePaths(world.env);
  world.environment = std::move(environment);
  world.clock = SystemClock();
  world.random = RandomBytes;
  world.http = [](const CurlHttpOptions& options) -> std::unique_ptr<HttpClient> {
    return std::make_unique<CurlHttpClient>(options);
  };
  world.children = &SystemChildRunner();
  world.notify = std::move(notify);
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) != nullptr) world.working_directory = cwd;
  world.self = ThisProcess();
  world.running = ProcessRunning;
  return world;
}

}  // namespace audex
