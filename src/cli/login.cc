// `tryaudex login --server URL`: a person's login to a team server with
// the OAuth 2.0 device authorization grant (RFC 8628) against the provider
// the server names (docs/oidc-identity.md, "People"). Exit codes: 0 logged
// in; 2 no server named, or not a URL; 4 the server or provider cannot be
// reached or refused (access denied, the code expired); 5 the kept tokens
// cannot be written.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <ostream>

#include "cli/command.h"
#include "cli/team_login.h"
#include "core/base/env.h"
#include "core/base/exit_codes.h"
#include "core/base/rfc3339.h"
#include "session/login.h"

namespace audex {

Result<std::string> TeamServerUrlFor(const CliContext& context,
                                     const std::optional<std::string>& flag) {
  if (flag && !flag->empty()) return NormalizeServerUrl(*flag);
  if (auto named = NonEmptyVariable(context.env, "AUDEX_SERVER")) {
    return NormalizeServerUrl(*named);
  }
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  if (loaded->config.server_url && !loaded->config.server_url->empty()) {
    return NormalizeServerUrl(*loaded->config.server_url);
  }
  return UsageError(
      "no team server: pass --server https://HOST[:PORT], or set AUDEX_SERVER (or server_url in "
      "config.toml)");
}

namespace {

struct LoginOptions {
  std::optional<std::string> server;
};

Result<int> RunLogin(const LoginOptions& options, const CliContext& context) {
  auto server = TeamServerUrlFor(context, options.server);
  if (!server) return tl::unexpected(server.error());
  std::ostream& err = context.err;
  auto login = LoginToServer(context.world, *server, [&err](const LoginPrompt& prompt) {
    err << fmt::format("To log in to {}, open\n  {}\nand enter the code\n  {}\n", prompt.issuer,
                       prompt.verification_uri, prompt.user_code);
    if (!prompt.verification_uri_complete.empty()) {
      err << fmt::format("(or open {})\n", prompt.verification_uri_complete);
    }
    err << fmt::format("Waiting for you to confirm (the code expires in {} s)...\n",
                       prompt.expires_in.count());
    err.flush();
  });
  if (!login) return tl::unexpected(login.error());
  context.out << fmt::format(
      "Logged in to {} through {}; the ID token is valid until {}{}\n", login->server_url,
      login->issuer, FormatRfc3339(login->id_token_expires_at),
      login->tokens.refresh_token.empty() ? " (no refresh token: log in again then)"
                                          : " and is refreshed after that");
  return kExitOk;
}

}  // namespace

CommandSpec LoginCommand() {
  return {"login", "Log in to a team server with your company's identity provider", false,
          [](CLI::App& command) -> CommandRunner {
            auto options = std::make_shared<LoginOptions>();
            command.add_option("--server", options->server,
                               "The team server (else AUDEX_SERVER, server_url)");
            return [options](const Invocation& call) { return RunLogin(*options, call.context); };
          }};
}

}  // namespace audex
