// `tryaudex sessions list|show|revoke`: the sessions Audex has recorded, read from
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
  std::string id;      // show, revoke: an id or the unique beginning of one
  std::string reason;  // revoke
  bool prune = false;  // revoke: only remove the Denies whose sessions expired
};

Result<int> RunSessions(const SessionsOptions& options, const CliContext& context);

// `sessions revoke` (sessions_revoke.cc): a Deny of the session on its role.
Result<int> RevokeSessions(const SessionsOptions& options, const CliContext& context);

}  // namespace audex
