// `tryaudex server ...`: runs tryaudex-server, the team server's own program
// (server/team/server_main.cc), with the same arguments. Found beside this
// binary (a build tree, a .deb's /usr/bin) or in the install prefix.
#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cstring>
#include <filesystem>

#include "cli/command.h"

namespace audex {
namespace {

std::filesystem::path ServerProgram() {
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (!error) {
    const std::filesystem::path beside = self.parent_path() / "tryaudex-server";
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  }
  return std::filesystem::path(AUDEX_INSTALL_BINDIR) / "tryaudex-server";
}

}  // namespace

CommandSpec ServerCommand() {
  return {"server",
          "The team credential service: tryaudex server [serve|migrate|token|audit] --config "
          "server.toml (docs/team-mode.md)",
          false, [](CLI::App& command) -> CommandRunner {
            command.prefix_command();
            command.set_help_flag();  // tryaudex-server answers --help itself
            CLI::App* app = &command;
            return [app](const Invocation& call) -> Result<int> {
              const std::filesystem::path program = ServerProgram();
              std::vector<std::string> args = {"tryaudex server"};
              for (const std::string& arg : app->remaining()) args.push_back(arg);
              std::vector<char*> argv;
              for (std::string& arg : args) argv.push_back(arg.data());
              argv.push_back(nullptr);
              // The snapshot tryaudex started with: its own environment
              // had the secret variables erased (main.cc), and the server
              // needs AWS_SECRET_ACCESS_KEY for its base credentials.
              std::vector<std::string> variables;
              for (const auto& [name, value] : call.context.world.environment) {
                variables.push_back(name + "=" + value);
              }
              std::vector<char*> envp;
              for (std::string& variable : variables) envp.push_back(variable.data());
              envp.push_back(nullptr);
              ::execve(program.c_str(), argv.data(), envp.data());
              return StateError(fmt::format(
                  "cannot run the team server {}: {}; it is installed with tryaudex (build it "
                  "with scripts/build tryaudex-server)",
                  program.string(), std::strerror(errno)));
            };
          }};
}

}  // namespace audex
