// The command tree: tryaudex's whole command line as CLI11 sees it, every
// command of the table with its flags and sub-commands, for the readers
// that need all of it at once (completions, man pages) rather than the one
// command being run.
#pragma once

#include <memory>

namespace CLI {
class App;
}

namespace audex {

// Adds tryaudex's own flags (--version, --licenses) and every command of
// Commands() with its flags to `app`; the runners are dropped. It does not
// depend on what main() defines, so it stays whole however main() builds
// its command line.
void DefineAllCommands(CLI::App& app);

// A tryaudex App (name, description, exit-code footer) with
// DefineAllCommands applied.
std::unique_ptr<CLI::App> CommandTree();

}  // namespace audex
