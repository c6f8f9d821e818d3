#include "cli/cache.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <ostream>

#include "adapters/store/credential_cache_store.h"
#include "core/base/exit_codes.h"

namespace audex {

CommandSpec CacheCommand() {
  return {"cache", "Manage the encrypted credential cache", false,
          [](CLI::App& cache_command) -> CommandRunner {
            auto options = std::make_shared<CacheOptions>();
            CLI::App* cache = &cache_command;
            cache->require_subcommand(1);
            CLI::App* clear =
                cache->add_subcommand("clear", "Remove every cached credential and the cache key");
            clear->callback([options] { options->subcommand = "clear"; });
            return [options](const Invocation& call) { return RunCache(*options, call.context); };
          }};
}

Result<int> RunCache(const CacheOptions& options, const CliContext& context) {
  (void)options;  // "clear" is the only subcommand
  CredentialCacheStore store(context.paths.state_dir);
  auto removed = store.Clear();
  if (!removed) return tl::unexpected(removed.error());
  context.out << fmt::format("removed {} cached credential{} and the cache key\n", *removed,
                             *removed == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace audex
