// `tryaudex dashboard`: the dashboard (server/dashboard/) on a loopback port
// for this user's own sessions, audit log and policies, until Ctrl-C.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "adapters/webserver/serving.h"
#include "adapters/webserver/web_server.h"
#include "cli/command.h"
#include "core/base/crypto.h"
#include "core/base/exit_codes.h"
#include "core/base/secret.h"
#include "server/dashboard/dashboard_api.h"

namespace audex {
namespace {

struct DashboardOptions {
  bool no_open = false;
};

Result<int> RunDashboard(const DashboardOptions& options, const CliContext& context) {
  // 256 random bits: the one-time login link's token.
  auto random = context.world.random(32);
  if (!random) return tl::unexpected(random.error());
  const SecretString token(HexEncode(*random));
  DashboardApi api(context.world, token);
  // Before the server's threads start, so that they inherit the mask.
  StopSignals stop;
  auto server =
      LoopbackWebServer::Start([&api](const WebRequest& request) { return api.Handle(request); });
  if (!server) {
    return StateError(fmt::format("the dashboard: {}", server.error().message));
  }
  api.SetPort((*server)->port());
  // The token goes to this terminal only: it is the person's way in, and
  // it works once (the browser trades it for a cookie).
  const std::string url =
      fmt::format("http://127.0.0.1:{}/login?token={}", (*server)->port(), token.Reveal());
  context.out << fmt::format("Audex dashboard: {}\n", url)
              << "The link works once; Ctrl-C stops the dashboard.\n";
  context.out.flush();
  const auto browser = context.env("BROWSER");
  if (!options.no_open && browser && !browser->empty()) {
    if (auto opened = OpenInBrowser(*browser, url, context.world.environment); !opened) {
      context.err << "tryaudex: warning: " << opened.error().message << '\n';
    }
  }
  stop.Wait();
  (*server)->Stop();
  return kExitOk;
}

}  // namespace

CommandSpec DashboardCommand() {
  return {"dashboard",
          "Serve a read-only web dashboard of your sessions, audit log and policies on "
          "127.0.0.1 (see docs/dashboard.md)",
          false, [](CLI::App& command) -> CommandRunner {
            auto options = std::make_shared<DashboardOptions>();
            command.add_flag("--no-open", options->no_open,
                             "Print the URL only; do not start the browser named by BROWSER");
            return
                [options](const Invocation& call) { return RunDashboard(*options, call.context); };
          }};
}

}  // namespace audex
