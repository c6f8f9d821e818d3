// tryaudex: scoped, short-lived cloud credentials for one command.
// main() wires the services, splits off the child command, dispatches to one
// command, and turns an Error into its exit code. Nothing else.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalog/action_catalog.h"
#include "cli/audit.h"
#include "cli/cache.h"
#include "cli/cli_context.h"
#include "cli/credential_process.h"
#include "cli/drift.h"
#include "cli/exit_codes.h"
#include "cli/health.h"
#include "cli/intent.h"
#include "cli/learn.h"
#include "cli/mcp.h"
#include "cli/policies.h"
#include "cli/run.h"
#include "cli/sessions.h"
#include "cli/setup_profile.h"
#include "core/text.h"

namespace {

using audex::Result;

// The names a command (or tryaudex itself) knows, in the order they were
// added: for "did you mean" and the list of commands.
std::vector<std::string> SubcommandNames(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands(std::function<bool(CLI::App*)>())) {
    names.push_back(sub->get_name());
  }
  return names;
}

int Fail(const audex::Error& error) {
  std::cerr << "tryaudex: error: " << error.message << '\n';
  return audex::ExitCodeFor(error.kind);
}

// The n-th argument that is not an option (words are commands here: no
// option of the commands before a subcommand takes a value).
std::string NthWord(const std::vector<std::string>& args, size_t n) {
  for (const std::string& arg : args) {
    if (arg.empty() || arg[0] != '-') {
      if (n == 0) return arg;
      --n;
    }
  }
  return "";
}

std::optional<audex::Error> UnknownCommand(const std::string& word,
                                           const std::vector<std::string>& known,
                                           const std::string& parent) {
  if (word.empty() || std::find(known.begin(), known.end(), word) != known.end()) {
    return std::nullopt;
  }
  const std::string closest = audex::ClosestName(word, known);
  return audex::Error{audex::ErrorKind::kUsage,
                      "unknown command \"" + parent + word + "\"" +
                          (closest.empty() ? "" : " (did you mean " + parent + closest + "?)") +
                          "; commands: " + audex::Join(known, ", ") + "; see tryaudex " + parent +
                          "--help"};
}

// What CLI11's "arguments were not expected" means for the first such
// argument, in the user's order: a misspelt option (with the closest one),
// or, for the commands that run one, a command missing its "--".
std::optional<std::string> ExtrasMessage(const std::vector<std::string>& args, const CLI::App& leaf,
                                         const std::string& where) {
  const std::vector<std::string> extras = leaf.remaining();
  const auto first = std::find_if(args.begin(), args.end(), [&extras](const std::string& arg) {
    return std::find(extras.begin(), extras.end(), arg) != extras.end();
  });
  if (first == args.end()) return std::nullopt;
  const std::string& extra = *first;
  if (extra.size() > 1 && extra[0] == '-') {
    const std::string name = extra.substr(0, extra.find('='));
    std::vector<std::string> options;
    for (const CLI::Option* option : leaf.get_options()) {
      for (const std::string& long_name : option->get_lnames()) options.push_back("--" + long_name);
    }
    const std::string closest = audex::ClosestName(name, options);
    return "unknown option \"" + name + "\" for " + where +
           (closest.empty() ? "" : " (did you mean " + closest + "?)");
  }
  const std::string command = leaf.get_name();
  if (command == "run" || command == "learn") {
    return "unexpected argument \"" + extra + "\": the command to " + command +
           " goes after --, e.g. tryaudex " + command + " ... -- " + extra;
  }
  return "unexpected argument \"" + extra + "\" for " + where;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // Everything after the first "--" belongs to the child, untouched.
  std::vector<std::string> child;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      child.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      args.resize(i);
      break;
    }
  }

  CLI::App app{"Audex: scoped, short-lived cloud credentials for one command.", "tryaudex"};
  const auto& catalog = audex::ActionCatalog::Builtin().source();
  app.set_version_flag(
      "--version", fmt::format("tryaudex {}\nAWS action catalog: {} {} (data of {})", AUDEX_VERSION,
                               catalog.package, catalog.version, catalog.data_date.substr(0, 10)));
  bool licenses = false;
  app.add_flag("--licenses", licenses, "Print the licences of data built into tryaudex");
  app.require_subcommand(0, 1);
  app.footer(
      "Exit codes: 0 ok (or the command's own code), 1 check failed (audit verify; drift found; "
      "learn saw no AWS call), 2 usage or "
      "configuration error, 3 policy error, 4 credentials or cloud error, 5 audit log or session "
      "store error, 126/127 command not runnable/not found, 128+N command killed by signal N.");
  audex::RunOptions run_options;
  audex::PoliciesOptions policies_options;
  audex::AddRunCommand(app, run_options);
  audex::AddPoliciesCommand(app, policies_options);
  audex::SessionsOptions sessions_options;
  audex::AddSessionsCommand(app, sessions_options);
  audex::AuditOptions audit_options;
  audex::AddAuditCommand(app, audit_options);
  audex::HealthOptions health_options;
  audex::AddHealthCommand(app, health_options);
  audex::LearnOptions learn_options;
  audex::AddLearnCommand(app, learn_options);
  audex::CredentialRequestOptions credential_process_options;
  audex::AddCredentialProcessCommand(app, credential_process_options);
  audex::SetupProfileOptions setup_profile_options;
  audex::AddSetupProfileCommand(app, setup_profile_options);
  audex::CacheOptions cache_options;
  audex::AddCacheCommand(app, cache_options);
  audex::IntentOptions intent_options;
  audex::AddIntentCommand(app, intent_options);
  audex::DriftOptions drift_options;
  audex::AddDriftCommand(app, drift_options);
  audex::McpOptions mcp_options;
  audex::AddMcpCommand(app, mcp_options);

  const std::vector<std::string> commands = SubcommandNames(app);
  const std::string word = NthWord(args, 0);
  if (auto unknown = UnknownCommand(word, commands, "")) return Fail(*unknown);
  if (!word.empty()) {
    const std::vector<std::string> subcommands = SubcommandNames(*app.get_subcommand(word));
    if (!subcommands.empty()) {
      if (auto unknown = UnknownCommand(NthWord(args, 1), subcommands, word + " ")) {
        return Fail(*unknown);
      }
    }
  }

  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses a reversed vector
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::string where = "tryaudex";
    const CLI::App* leaf = &app;
    while (!leaf->get_subcommands().empty()) {
      leaf = leaf->get_subcommands().front();
      where += " " + leaf->get_name();
    }
    std::string message = e.what();
    if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
      message = ExtrasMessage(args, *leaf, where).value_or(message);
    } else if (const size_t at = message.find(": At Most 1 required but received");
               dynamic_cast<const CLI::ArgumentMismatch*>(&e) != nullptr &&
               at != std::string::npos) {
      // CLI11 words a repeated option "--allow: At Most 1 required but received 2".
      const std::string option = message.substr(0, at);
      message = option + " was given more than once; give it once" +
                (option == "--allow" || option == "--resource"
                     ? " with a comma-separated list, e.g. " + option + " " +
                           (option == "--allow" ? "s3:GetObject,s3:ListBucket"
                                                : "arn:aws:s3:::a/*,arn:aws:s3:::b/*")
                     : "");
    }
    return Fail({audex::ErrorKind::kUsage, message + "; see " + where + " --help"});
  }

  if (licenses) {
    std::cout << "tryaudex embeds the AWS action catalog from the npm package " << catalog.package
              << " " << catalog.version << ", under this licence:\n\n"
              << catalog.license << '\n';
    return audex::kExitOk;
  }
  if (app.get_subcommands().empty()) {
    return Fail(
        {audex::ErrorKind::kUsage,
         "no command given; commands: " + audex::Join(commands, ", ") + "; see tryaudex --help"});
  }

  audex::CliContext context{audex::ProcessEnvironment(),
                            audex::ResolvePaths(audex::ProcessEnvironment()), std::cout, std::cerr};
  Result<int> outcome = 0;
  if (app.got_subcommand("run")) {
    run_options.command = std::move(child);
    outcome = audex::RunRun(run_options, context);
  } else if (app.got_subcommand("learn")) {
    learn_options.run.command = std::move(child);
    outcome = audex::RunLearn(learn_options, context);
  } else if (app.got_subcommand("intent")) {
    intent_options.command = std::move(child);
    outcome = audex::RunIntent(intent_options, context);
  } else {
    if (!child.empty()) {
      return Fail({audex::ErrorKind::kUsage,
                   "only tryaudex run, learn and intent --run take a command after --; see "
                   "tryaudex --help"});
    }
    if (app.got_subcommand("health")) {
      outcome = audex::RunHealth(health_options, context);
    } else if (app.got_subcommand("sessions")) {
      outcome = audex::RunSessions(sessions_options, context);
    } else if (app.got_subcommand("audit")) {
      outcome = audex::RunAudit(audit_options, context);
    } else if (app.got_subcommand("credential-process")) {
      outcome = audex::RunCredentialProcessCommand(credential_process_options, context);
    } else if (app.got_subcommand("setup-profile")) {
      outcome = audex::RunSetupProfile(setup_profile_options, context);
    } else if (app.got_subcommand("cache")) {
      outcome = audex::RunCache(cache_options, context);
    } else if (app.got_subcommand("drift")) {
      outcome = audex::RunDrift(drift_options, context);
    } else if (app.got_subcommand("mcp")) {
      outcome = audex::RunMcp(mcp_options, context, std::cin);
    } else {
      outcome = audex::RunPolicies(policies_options, context);
    }
  }
  std::cout.flush();
  if (!outcome) return Fail(outcome.error());
  return *outcome;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "tryaudex: internal error: " << e.what()
              << "; this is a bug in Audex, please report it with the command you ran\n";
    return audex::kExitInternal;
  }
}
