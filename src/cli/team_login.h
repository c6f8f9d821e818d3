// What `tryaudex login`, `logout` and `whoami` share: which team server
// they talk to (--server, else AUDEX_SERVER, else server_url in
// config.toml), the same order as `run --server`.
#pragma once

#include <optional>
#include <string>

#include "cli/cli_context.h"
#include "core/base/result.h"

namespace audex {

// kUsage naming the three ways to say it when none is given.
Result<std::string> TeamServerUrlFor(const CliContext& context,
                                     const std::optional<std::string>& flag);

}  // namespace audex
