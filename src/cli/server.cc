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
            return [app](const Invocation&) -> Result<int> {
              const std::filesystem::path program = ServerProgram();
              std::vector<std::string> args = {"tryaudex server"};
              for (const std::string& arg : app->remaining()) args.push_back(arg);
              std::vector<char*> argv;
              for (std::string& arg : args) argv.push_back(arg.data());
              argv.push_back(nullptr);
              ::execv(program.c_str(), argv.data());
              return StateError(fmt::format(
                  "cannot run the team server {}: {}; it is installed with tryaudex (build it "
                  "with scripts/build tryaudex-server)",
                  program.string(), std::strerror(errno)));
            };
          }};
}

}  // namespace audex
