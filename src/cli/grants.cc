// `tryaudex grants list` (the caller's grants on a team server; an admin's
// sees everyone's) and `tryaudex grants revoke ID [--reason R]` /
// `tryaudex grants revoke --caller NAME`: revocation on a team server
// (docs/team-mode.md, "Revocation"). The server refuses the grant on every
// replica at once and puts a Deny of its sessions on the role; an admin
// policy's token is needed.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <nlohmann/json.hpp>

#include "adapters/http/curl_http_client.h"
#include "adapters/teamclient/team_client.h"
#include "cli/command.h"
#include "core/base/env.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "core/wire/url.h"

namespace audex {
namespace {

struct GrantsOptions {
  std::string id;
  std::optional<std::string> caller;
  std::string reason;
  std::optional<std::string> server;
  bool json = false;
  std::optional<std::string> status;  // list: only grants in this status
};

struct ServerAccess {
  std::string url;
  SecretString token;
};

// --server, AUDEX_SERVER or server_url; AUDEX_SERVER_TOKEN or server_token:
// the same sources as `run --server`.
Result<ServerAccess> FindServer(const GrantsOptions& options, const CliContext& context) {
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  ServerAccess access;
  if (options.server) {
    access.url = *options.server;
  } else if (auto named = NonEmptyVariable(context.env, "AUDEX_SERVER")) {
    access.url = *named;
  } else if (loaded->config.server_url) {
    access.url = *loaded->config.server_url;
  } else {
    return UsageError(
        "no team server: give --server URL, or set AUDEX_SERVER (or server_url in config.toml)");
  }
  while (access.url.size() > 1 && access.url.back() == '/') access.url.pop_back();
  if (!access.url.starts_with("https://") && !access.url.starts_with("http://")) {
    return UsageError(
        fmt::format("\"{}\" is not a team server URL; give https://HOST[:PORT]", access.url));
  }
  if (auto token = NonEmptyVariable(context.env, "AUDEX_SERVER_TOKEN")) {
    access.token = SecretString(*token);
  } else if (loaded->config.server_token) {
    access.token = *loaded->config.server_token;
  } else {
    return UsageError(
        "the team server needs a token (revoking: one of an admin policy): set "
        "AUDEX_SERVER_TOKEN (or server_token in config.toml)");
  }
  return access;
}

Result<int> Revoke(const GrantsOptions& options, const CliContext& context) {
  if (options.caller && !options.id.empty()) {
    return UsageError("give a grant id or --caller NAME, not both");
  }
  if (!options.caller && options.id.empty()) {
    return UsageError("name what to revoke: tryaudex grants revoke ID, or --caller NAME");
  }
  auto server = FindServer(options, context);
  if (!server) return tl::unexpected(server.error());
  nlohmann::json body = nlohmann::json::object();
  if (!options.reason.empty()) body["reason"] = options.reason;
  std::string path;
  if (options.caller) {
    body["caller"] = *options.caller;
    path = "/v1/revocations";
  } else {
    path = "/v1/grants/" + UriEncode(options.id) + "/revoke";
  }
  std::unique_ptr<HttpClient> http = context.world.http(HttpOptionsFrom(context.env));
  auto reply = PostRevocation(*http, server->url, server->token, path, body);
  if (!reply) return tl::unexpected(reply.error());
  if (options.json) {
    context.out << reply->dump(2) << '\n';
    return kExitOk;
  }
  std::vector<std::string> grants;
  for (const auto& id : reply->value("revoked_grants", nlohmann::json::array())) {
    if (id.is_string()) grants.push_back(id.get<std::string>());
  }
  context.out << fmt::format("Revoked {} grant{}{}{}\n", grants.size(),
                             grants.size() == 1 ? "" : "s", grants.empty() ? "" : ": ",
                             Join(grants, ", "));
  for (const auto& deny : reply->value("denies", nlohmann::json::array())) {
    context.out << fmt::format(
        "Deny on {}: inline policy {} ({}, {} of {} characters{})\n", deny.value("role", ""),
        deny.value("policy_name", ""), deny.value("change", ""), deny.value("policy_size", 0),
        deny.value("budget", 0),
        deny.value("rolled_up", nlohmann::json::array()).empty() ? ""
                                                                 : ", older sessions rolled up");
  }
  return kExitOk;
}

std::string Text(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_string() || found->get<std::string>().empty()) {
    return "-";
  }
  return EscapeControl(found->get<std::string>());
}

// GET /v1/grants: one line a grant (no secret is in the listing).
Result<int> List(const GrantsOptions& options, const CliContext& context) {
  auto server = FindServer(options, context);
  if (!server) return tl::unexpected(server.error());
  std::unique_ptr<HttpClient> http = context.world.http(HttpOptionsFrom(context.env));
  std::string path = "/v1/grants?limit=1000";
  if (options.status) path += "&status=" + UriEncode(*options.status);
  auto reply = CallTeamApi(*http, server->url, server->token, "GET", path);
  if (!reply) return tl::unexpected(reply.error());
  if (options.json) {
    context.out << reply->dump(2) << '\n';
    return kExitOk;
  }
  const nlohmann::json grants = reply->value("grants", nlohmann::json::array());
  if (grants.empty()) {
    context.out << "No grants.\n";
    return kExitOk;
  }
  context.out << fmt::format("{:<18} {:<16} {:<6} {:<8} {:<21} {}\n", "GRANT", "CALLER", "CLOUD",
                             "STATUS", "EXPIRES", "ROLE");
  for (const nlohmann::json& grant : grants) {
    context.out << fmt::format("{:<18} {:<16} {:<6} {:<8} {:<21} {}\n", Text(grant, "grant_id"),
                               Text(grant, "caller"), Text(grant, "provider"),
                               Text(grant, "status"), Text(grant, "expires_at"),
                               Text(grant, "role"));
  }
  return kExitOk;
}

}  // namespace

CommandSpec GrantsCommand() {
  return {"grants", "List and revoke team-server grants (docs/team-mode.md)", false,
          [](CLI::App& grants) -> CommandRunner {
            auto options = std::make_shared<GrantsOptions>();
            grants.require_subcommand(1);
            CLI::App* revoke = grants.add_subcommand(
                "revoke",
                "Revoke a grant (or every grant of a caller): refused at once by every replica, "
                "and a Deny of its sessions put on the role");
            revoke->add_option("id", options->id, "The grant id");
            revoke->add_option("--caller", options->caller,
                               "Revoke every live grant of this caller instead");
            revoke->add_option("--reason", options->reason, "Why (recorded in the audit log)");
            revoke->add_option("--server", options->server,
                               "The team server (else AUDEX_SERVER or server_url)");
            revoke->add_flag("--json", options->json, "Print the server's reply as JSON");
            CLI::App* list = grants.add_subcommand(
                "list", "List your grants on the team server (an admin policy's: everyone's)");
            list->add_option("--status", options->status,
                             "Only grants in this status (issuing, issued, failed, revoked, ...)");
            list->add_option("--server", options->server,
                             "The team server (else AUDEX_SERVER or server_url)");
            list->add_flag("--json", options->json, "Print the server's reply as JSON");
            return [options, list](const Invocation& call) {
              if (list->parsed()) return List(*options, call.context);
              return Revoke(*options, call.context);
            };
          }};
}

}  // namespace audex
