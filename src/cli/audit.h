// `tryaudex audit verify|show`: checks the audit log's HMAC chain and prints
// its events (docs/audit-log-format.md).
//
// `audit verify` exits 0 when the chain is intact, 1 (kExitCheckFailed)
// when it is broken, naming the first bad line, and 5 (kExitState) when the
// files cannot be read or the key is not private.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct AuditOptions {
  std::string subcommand;              // "verify" or "show"
  std::optional<std::string> session;  // show: only this session's events
  bool json = false;
};

Result<int> RunAudit(const AuditOptions& options, const CliContext& context);

}  // namespace audex
