// `tryaudex cache clear`: removes every cached credential and the cache key
// (docs/credential-cache.md).
#pragma once

#include <string>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct CacheOptions {
  std::string subcommand;  // "clear"
};

Result<int> RunCache(const CacheOptions& options, const CliContext& context);

}  // namespace audex
