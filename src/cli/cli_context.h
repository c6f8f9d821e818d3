// What every command receives from main(): the world the engine acts on
// (its environment snapshot, Audex's paths, clocks, clients) and where to
// write. Commands parse flags, call the engine or the adapters, and render
// what comes back.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "adapters/config/config_files.h"
#include "adapters/config/paths.h"
#include "session/world.h"

namespace audex {

struct CliContext {
  CliContext(World& the_world, std::ostream& out_stream, std::ostream& err_stream)
      : world(the_world),
        env(the_world.env),
        paths(the_world.paths),
        out(out_stream),
        err(err_stream) {}

  World& world;
  const EnvLookup& env;
  const AudexPaths& paths;
  std::ostream& out;
  std::ostream& err;
};

// How the CLI shows the engine's notices: one NoticeLine each on `err`;
// progress (NoticeLevel::kProgress) as a progress line when `err` is
// stderr and a terminal, else not at all.
NoticeSink PrintNotices(std::ostream& err);

// --quiet: no progress line from here on.
void DropProgress(World& world);

// Loads the configuration files and prints their warnings on stderr.
Result<LoadedConfiguration> LoadConfigurationFor(const CliContext& context);

// "tryaudex: warning: ..." lines on stderr.
void PrintWarnings(const CliContext& context, const std::vector<std::string>& warnings);

}  // namespace audex
