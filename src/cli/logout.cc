// `tryaudex logout [--server URL]`: forgets the tokens `tryaudex login`
// kept for a team server. Exit codes: 0 (also when there were none); 2 no
// server named; 5 the kept tokens cannot be removed.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/command.h"
#include "cli/team_login.h"
#include "core/base/exit_codes.h"
#include "session/login.h"

namespace audex {
namespace {

struct LogoutOptions {
  std::optional<std::string> server;
};

Result<int> RunLogout(const LogoutOptions& options, const CliContext& context) {
  auto server = TeamServerUrlFor(context, options.server);
  if (!server) return tl::unexpected(server.error());
  auto removed = Logout(context.world, *server);
  if (!removed) return tl::unexpected(removed.error());
  context.out << (*removed ? fmt::format("Logged out of {}\n", *server)
                           : fmt::format("Not logged in to {}; nothing to forget\n", *server));
  return kExitOk;
}

}  // namespace

CommandSpec LogoutCommand() {
  return {"logout", "Forget the login to a team server", false,
          [](CLI::App& command) -> CommandRunner {
            auto options = std::make_shared<LogoutOptions>();
            command.add_option("--server", options->server,
                               "The team server (else AUDEX_SERVER, server_url)");
            return [options](const Invocation& call) { return RunLogout(*options, call.context); };
          }};
}

}  // namespace audex
