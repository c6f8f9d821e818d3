// `tryaudex whoami [--server URL] [--json]`: who the team server thinks you
// are (GET /v1/whoami) with the token `run --server` would present
// (AUDEX_SERVER_TOKEN or server_token, else your `tryaudex login`). Exit
// codes: 0; 2 no server named; 4 no token, or the server refused it or
// cannot be reached.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "adapters/http/curl_http_client.h"
#include "adapters/teamclient/login_client.h"
#include "cli/command.h"
#include "cli/team_login.h"
#include "core/base/env.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "session/login.h"

namespace audex {
namespace {

struct WhoAmIOptions {
  std::optional<std::string> server;
  bool json = false;
};

Result<int> RunWhoAmI(const WhoAmIOptions& options, const CliContext& context) {
  auto server = TeamServerUrlFor(context, options.server);
  if (!server) return tl::unexpected(server.error());
  std::optional<SecretString> token;
  if (auto api = NonEmptyVariable(context.env, "AUDEX_SERVER_TOKEN")) {
    token = SecretString(*api);
  } else if (auto loaded = LoadConfigurationFor(context);
             loaded && loaded->config.server_token && !loaded->config.server_token->empty()) {
    token = *loaded->config.server_token;
  } else {
    auto login = CurrentLoginToken(context.world, *server);
    if (!login) return tl::unexpected(login.error());
    token = std::move(*login);
  }
  if (!token) {
    return CredentialsError(fmt::format(
        "no token for {}: log in with `tryaudex login --server {}`, or set AUDEX_SERVER_TOKEN",
        *server, *server));
  }
  std::unique_ptr<HttpClient> http = context.world.http(HttpOptionsFrom(context.env));
  auto who = FetchWhoAmI(*http, *server, *token);
  if (!who) return tl::unexpected(who.error());
  if (options.json) {
    context.out << who->dump(2) << '\n';
    return kExitOk;
  }
  const auto text = [&](const char* key) {
    return who->contains(key) && (*who)[key].is_string()
               ? EscapeControl((*who)[key].get<std::string>())
               : std::string("-");
  };
  std::vector<std::string> groups;
  if (who->contains("groups") && (*who)["groups"].is_array()) {
    for (const auto& group : (*who)["groups"]) {
      if (group.is_string()) groups.push_back(EscapeControl(group.get<std::string>()));
    }
  }
  context.out << fmt::format("caller   {}\nvia      {}\npolicy   {}{}\ngroups   {}\n",
                             text("caller"), text("via"), text("policy"),
                             who->value("admin", false) ? " (admin)" : "",
                             groups.empty() ? "-" : Join(groups, ", "));
  if (text("token_expires_at") != "-") {
    context.out << fmt::format("token    valid until {}\n", text("token_expires_at"));
  }
  return kExitOk;
}

}  // namespace

CommandSpec WhoAmICommand() {
  return {"whoami", "Show who a team server thinks you are", false,
          [](CLI::App& command) -> CommandRunner {
            auto options = std::make_shared<WhoAmIOptions>();
            command.add_option("--server", options->server,
                               "The team server (else AUDEX_SERVER, server_url)");
            command.add_flag("--json", options->json, "Print the server's JSON");
            return [options](const Invocation& call) { return RunWhoAmI(*options, call.context); };
          }};
}

}  // namespace audex
