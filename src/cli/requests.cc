// `tryaudex requests list|show|approve|deny|review`: approvals on a team
// server (docs/team-mode.md, "Approvals"). The token is the one `run
// --server` would present (AUDEX_SERVER_TOKEN or server_token, else your
// `tryaudex login`); an approver's groups come from it. Exit codes: 0;
// 2 no server named, a bad flag, an unknown request, or one that is no
// longer pending (409) or expired (410); 4 no token, refused (401/403:
// the message names the rule, e.g. policies.prod.approval.self), or the
// server cannot be reached.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/http/curl_http_client.h"
#include "adapters/teamclient/team_client.h"
#include "cli/command.h"
#include "cli/team_login.h"
#include "core/base/env.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "core/wire/url.h"
#include "session/login.h"

namespace audex {
namespace {

using Json = nlohmann::json;

struct RequestsOptions {
  std::optional<std::string> server;
  std::string id;
  std::optional<std::string> status;
  std::string reason;
  bool json = false;
};

struct Access {
  std::string url;
  SecretString token;
};

Result<Access> FindAccess(const RequestsOptions& options, const CliContext& context) {
  auto server = TeamServerUrlFor(context, options.server);
  if (!server) return tl::unexpected(server.error());
  Access access{*server, SecretString()};
  if (auto api = NonEmptyVariable(context.env, "AUDEX_SERVER_TOKEN")) {
    access.token = SecretString(*api);
    return access;
  }
  if (auto loaded = LoadConfigurationFor(context);
      loaded && loaded->config.server_token && !loaded->config.server_token->empty()) {
    access.token = *loaded->config.server_token;
    return access;
  }
  auto login = CurrentLoginToken(context.world, *server);
  if (!login) return tl::unexpected(login.error());
  if (!*login) {
    return CredentialsError(fmt::format(
        "no token for {}: log in with `tryaudex login --server {}`, or set AUDEX_SERVER_TOKEN",
        *server, *server));
  }
  access.token = std::move(**login);
  return access;
}

std::string Str(const Json& json, const char* key) {
  return json.contains(key) && json[key].is_string() ? EscapeControl(json[key].get<std::string>())
                                                     : std::string("-");
}

std::string List(const Json& json, const char* key) {
  std::vector<std::string> items;
  if (json.contains(key) && json[key].is_array()) {
    for (const auto& item : json[key]) {
      if (item.is_string()) items.push_back(EscapeControl(item.get<std::string>()));
    }
  }
  return items.empty() ? "-" : Join(items, ", ");
}

std::string Approvals(const Json& request) {
  if (request.value("break_glass", false)) return "break-glass";
  return fmt::format("{}/{}", request.value("approvals", Json::array()).size(),
                     request.value("required_approvals", 0));
}

void PrintTable(const Json& requests, std::ostream& out) {
  if (requests.empty()) {
    out << "No requests.\n";
    return;
  }
  out << fmt::format("{:<16}  {:<9}  {:<11}  {:<20}  {:<20}  {}\n", "ID", "STATUS", "APPROVALS",
                     "REQUESTER", "EXPIRES", "ACTIONS");
  for (const Json& request : requests) {
    const Json grant = request.value("grant", Json());
    out << fmt::format("{:<16}  {:<9}  {:<11}  {:<20}  {:<20}  {}\n", Str(request, "request_id"),
                       Str(request, "status"), Approvals(request), Str(request, "requester"),
                       request.value("break_glass", false) ? Str(request, "created_at")
                                                           : Str(request, "expires_at"),
                       grant.is_object() ? List(grant, "actions") : "-");
  }
}

void PrintRequest(const Json& request, std::ostream& out) {
  const Json grant = request.value("grant", Json());
  out << fmt::format("request    {}{}\n", Str(request, "request_id"),
                     request.value("break_glass", false) ? " (break-glass)" : "");
  out << fmt::format("status     {}\n", Str(request, "status"));
  out << fmt::format("requester  {}\n", Str(request, "requester"));
  out << fmt::format("rule       {}\n", Str(request, "rule"));
  if (!request.value("break_glass", false)) {
    out << fmt::format("approvals  {} of {} from {}\n",
                       request.value("approvals", Json::array()).size(),
                       request.value("required_approvals", 0), List(request, "approver_groups"));
    for (const Json& approval : request.value("approvals", Json::array())) {
      out << fmt::format(
          "  {} at {}{}\n", Str(approval, "approver"), Str(approval, "at"),
          approval.value("reason", "").empty() ? "" : ": " + Str(approval, "reason"));
    }
    out << fmt::format("expires    {}\n", Str(request, "expires_at"));
  } else {
    out << fmt::format("reviewers  {}\n", List(request, "approver_groups"));
    out << fmt::format("reviewed   {}\n",
                       request.value("reviewed_by", Json()).is_string()
                           ? Str(request, "reviewed_by") + " at " + Str(request, "reviewed_at")
                           : std::string("not yet"));
  }
  if (request.value("decided_by", Json()).is_string()) {
    out << fmt::format("decided    by {}: {}\n", Str(request, "decided_by"),
                       Str(request, "decision_reason"));
  }
  if (grant.is_object()) {
    out << fmt::format("grant      {} ({})\n", Str(request, "grant_id"), Str(grant, "status"));
    out << fmt::format("role       {}\n", Str(grant, "role"));
    out << fmt::format("actions    {}\n", List(grant, "actions"));
    out << fmt::format("ttl        {} s{}\n", grant.value("ttl_seconds", 0),
                       grant.value("issued_at", Json()).is_string()
                           ? ", issued " + Str(grant, "issued_at")
                           : std::string(", from the last approval"));
    if (!grant.value("reason", "").empty()) {
      out << fmt::format("reason     {}\n", Str(grant, "reason"));
    }
  }
}

Result<int> Run(const std::string& action, const RequestsOptions& options,
                const CliContext& context) {
  if (action != "list" && !(action == "review" && options.id.empty()) && options.id.empty()) {
    return UsageError(fmt::format("name the request: tryaudex requests {} ID", action));
  }
  if ((action == "deny" || (action == "review" && !options.id.empty())) &&
      Trim(options.reason).empty()) {
    return UsageError(fmt::format("{} needs --reason TEXT (recorded in the audit log)",
                                  action == "deny" ? "a denial" : "a review"));
  }
  auto access = FindAccess(options, context);
  if (!access) return tl::unexpected(access.error());
  std::unique_ptr<HttpClient> http = context.world.http(HttpOptionsFrom(context.env));
  const std::string path = "/v1/requests/" + UriEncode(options.id);
  Result<Json> reply = tl::unexpected(Error{});
  if (action == "list" || (action == "review" && options.id.empty())) {
    std::string query;
    if (action == "review") {
      query = "?status=review";
    } else if (options.status) {
      query = "?status=" + UriEncode(*options.status);
    }
    reply = CallTeamApi(*http, access->url, access->token, "GET", "/v1/requests" + query);
  } else if (action == "show") {
    reply = CallTeamApi(*http, access->url, access->token, "GET", path);
  } else {
    Json body = Json::object();
    if (!options.reason.empty()) body["reason"] = options.reason;
    reply = CallTeamApi(*http, access->url, access->token, "POST", path + ":" + action, body);
  }
  if (!reply) return tl::unexpected(reply.error());
  if (options.json) {
    context.out << reply->dump(2) << '\n';
    return kExitOk;
  }
  if (reply->contains("requests")) {
    PrintTable((*reply)["requests"], context.out);
    return kExitOk;
  }
  if (action == "approve") {
    const std::string status = Str(*reply, "status");
    context.out << (status == "approved"
                        ? fmt::format("Approved request {}: the grant is issued ({}).\n",
                                      Str(*reply, "request_id"), Str(*reply, "grant_id"))
                        : fmt::format("Approval recorded for request {} ({} of {}).\n",
                                      Str(*reply, "request_id"),
                                      reply->value("approvals", Json::array()).size(),
                                      reply->value("required_approvals", 0)));
  } else if (action == "deny") {
    context.out << fmt::format("Denied request {}.\n", Str(*reply, "request_id"));
  } else if (action == "review") {
    context.out << fmt::format("Marked break-glass grant {} reviewed.\n",
                               Str(*reply, "request_id"));
  }
  PrintRequest(*reply, context.out);
  return kExitOk;
}

}  // namespace

CommandSpec RequestsCommand() {
  return {
      "requests", "List, approve and deny team-server grant requests; review break-glass", false,
      [](CLI::App& requests) -> CommandRunner {
        auto options = std::make_shared<RequestsOptions>();
        auto action = std::make_shared<std::string>();
        requests.require_subcommand(1);
        const auto common = [options](CLI::App* sub) {
          sub->add_option("--server", options->server,
                          "The team server (else AUDEX_SERVER or server_url)");
          sub->add_flag("--json", options->json, "Print the server's JSON");
        };
        CLI::App* list = requests.add_subcommand(
            "list", "Requests you made or may decide (default: every status)");
        list->add_option("--status", options->status,
                         "pending, approved, denied, expired or review");
        common(list);
        CLI::App* show = requests.add_subcommand("show", "One request, its approvals and grant");
        show->add_option("id", options->id, "The request id")->required();
        common(show);
        CLI::App* approve = requests.add_subcommand(
            "approve", "Approve a request (never your own; the last approval issues it)");
        approve->add_option("id", options->id, "The request id")->required();
        approve->add_option("--reason", options->reason, "Why (recorded in the audit log)");
        common(approve);
        CLI::App* deny = requests.add_subcommand("deny", "Deny a request (needs --reason)");
        deny->add_option("id", options->id, "The request id")->required();
        deny->add_option("--reason", options->reason, "Why (recorded in the audit log)");
        common(deny);
        CLI::App* review = requests.add_subcommand(
            "review", "Break-glass grants awaiting review; with ID --reason R, mark one reviewed");
        review->add_option("id", options->id, "A break-glass request id to mark reviewed");
        review->add_option("--reason", options->reason, "What the review found");
        common(review);
        for (CLI::App* sub : {list, show, approve, deny, review}) {
          sub->callback([action, sub] { *action = sub->get_name(); });
        }
        return [options, action](const Invocation& call) {
          return Run(*action, *options, call.context);
        };
      }};
}

}  // namespace audex
