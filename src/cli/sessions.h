// `tryaudex sessions list|show`: the sessions Audex has recorded, read from
// their files in the state directory.
#pragma once

#include <string>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct SessionsOptions {
  std::string subcommand;  // "list" or "show"
  bool all = false;        // list: ended, failed and expired sessions too
  bool json = false;
  std::string id;  // show: an id or the unique beginning of one
};

Result<int> RunSessions(const SessionsOptions& options, const CliContext& context);

}  // namespace audex
