// tryaudex: scoped, short-lived cloud credentials for one command.
// main() wires the services, splits off the child command, dispatches to one
// command, and turns an Error into its exit code. Nothing else.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"
#include "cli/exit_codes.h"
#include "cli/policies.h"
#include "cli/run.h"
#include "core/text.h"

namespace {

using audex::Result;

// The command table: the names `tryaudex` knows, for "did you mean".
const std::vector<std::string> kCommands = {"run", "policies"};
const std::vector<std::string> kPoliciesCommands = {"list", "show"};

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

  const std::string word = NthWord(args, 0);
  if (auto unknown = UnknownCommand(word, kCommands, "")) return Fail(*unknown);
  if (word == "policies") {
    if (auto unknown = UnknownCommand(NthWord(args, 1), kPoliciesCommands, "policies ")) {
      return Fail(*unknown);
    }
  }

  CLI::App app{"Audex: scoped, short-lived cloud credentials for one command.", "tryaudex"};
  app.set_version_flag("--version", std::string("tryaudex ") + AUDEX_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 2 usage or configuration error, 3 policy error.");
  audex::RunOptions run_options;
  audex::PoliciesOptions policies_options;
  audex::AddRunCommand(app, run_options);
  audex::AddPoliciesCommand(app, policies_options);

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
    for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
      sub = sub->get_subcommands().front();
      where += " " + sub->get_name();
    }
    return Fail({audex::ErrorKind::kUsage, std::string(e.what()) + "; see " + where + " --help"});
  }

  audex::CliContext context{audex::ProcessEnvironment(),
                            audex::ResolvePaths(audex::ProcessEnvironment()), std::cout, std::cerr};
  Result<int> outcome = 0;
  if (app.got_subcommand("run")) {
    run_options.command = std::move(child);
    outcome = audex::RunRun(run_options, context);
  } else {
    if (!child.empty()) {
      return Fail({audex::ErrorKind::kUsage,
                   "only tryaudex run takes a command after --; see tryaudex --help"});
    }
    outcome = audex::RunPolicies(policies_options, context);
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
