// The command table (ninja's kTools[]): every command's name, summary, and
// how it defines its flags and runs. main.cc builds the command line from
// it and dispatches through it; help, man pages and completions read it.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

// What a command gets when it runs, besides its parsed flags.
struct Invocation {
  const CliContext& context;
  std::vector<std::string> command;  // everything after "--" (run, learn, replay, intent --run)
};

using CommandRunner = std::function<Result<int>(const Invocation&)>;

struct CommandSpec {
  const char* name;
  const char* summary;
  bool takes_command;  // accepts a command after "--"
  // Adds the command's flags (and sub-commands) to `command`, the
  // sub-command made for it, and returns what runs it with their values.
  std::function<CommandRunner(CLI::App& command)> define;
};

// The commands, in the order help lists them.
std::span<const CommandSpec> Commands();

// One entry per command file (run.cc, policies.cc, ...).
CommandSpec RunCommand();
CommandSpec PoliciesCommand();
CommandSpec SessionsCommand();
CommandSpec AuditCommand();
CommandSpec HealthCommand();
CommandSpec LearnCommand();
CommandSpec CredentialProcessCommand();
CommandSpec SetupProfileCommand();
CommandSpec CacheCommand();
CommandSpec IntentCommand();
CommandSpec DriftCommand();
CommandSpec McpCommand();
CommandSpec CleanupCommand();
CommandSpec ReplayCommand();
CommandSpec ReportCommand();
CommandSpec ServerCommand();
CommandSpec DashboardCommand();
CommandSpec LoginCommand();
CommandSpec LogoutCommand();
CommandSpec WhoAmICommand();
CommandSpec GrantsCommand();
CommandSpec RequestsCommand();

}  // namespace audex
