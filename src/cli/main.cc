// tryaudex: scoped, short-lived cloud credentials for one command.
// main() wires the services, splits off the child command, dispatches to one
// command, and turns an Error into its exit code. Nothing else.
#include <sys/prctl.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <functional>
#include <iostream>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "adapters/process/environment_block.h"
#include "catalog/action_catalog.h"
#include "cli/cli_context.h"
#include "cli/command.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "core/credentials/secret_variables.h"
#include "session/world.h"

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

// Messages quote what the user, a file or a server gave; their control
// characters are written as \xHH so they cannot move the cursor or fake a
// line on the terminal.
int Fail(const audex::Error& error) {
  std::cerr << "tryaudex: error: " << audex::EscapeControl(error.message) << '\n';
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
  if (command == "run" || command == "learn" || command == "replay") {
    return "unexpected argument \"" + extra + "\": the command to " + command +
           " goes after --, e.g. tryaudex " + command + " ... -- " + extra;
  }
  return "unexpected argument \"" + extra + "\" for " + where;
}

int Main(int argc, char** argv, audex::Environment environment) {
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
  std::vector<std::string> meanings;
  for (const audex::ExitCodeMeaning& meaning : audex::ExitCodeMeanings()) {
    meanings.push_back(fmt::format("{} {}", meaning.code, meaning.meaning));
  }
  app.footer("Exit codes: " + audex::Join(meanings, ", ") + ".");
  // The command table. Only the command invoked is defined: defining every
  // command's flags was most of tryaudex's start-up (CLI11 builds an
  // Option per flag), paid by every credential_process call. With no
  // command word (--help, --version), each command is named with its
  // summary so that the help lists them all.
  const std::span<const audex::CommandSpec> specs = audex::Commands();
  std::vector<std::string> commands;
  for (const audex::CommandSpec& spec : specs) commands.push_back(spec.name);
  const std::string word = NthWord(args, 0);
  if (auto unknown = UnknownCommand(word, commands, "")) return Fail(*unknown);
  size_t chosen = 0;  // parsing below selects exactly `word` when it is given
  audex::CommandRunner runner;
  for (size_t i = 0; i < specs.size(); ++i) {
    if (word.empty()) {
      app.add_subcommand(specs[i].name, specs[i].summary);
    } else if (word == specs[i].name) {
      chosen = i;
      runner = specs[i].define(*app.add_subcommand(specs[i].name, specs[i].summary));
    }
  }
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

  const audex::CommandSpec& spec = specs[chosen];
  if (!spec.takes_command && !child.empty()) {
    std::vector<std::string> takers;
    for (const audex::CommandSpec& taker : specs) {
      if (taker.takes_command) takers.push_back(taker.name);
    }
    return Fail({audex::ErrorKind::kUsage,
                 fmt::format("tryaudex {} takes no command after --; only {} take one; see "
                             "tryaudex --help",
                             spec.name, audex::Join(takers, ", "))});
  }
  audex::World world = audex::SystemWorld(std::move(environment), audex::PrintNotices(std::cerr));
  const audex::CliContext context(world, std::cout, std::cerr);
  const Result<int> outcome = runner(audex::Invocation{context, std::move(child)});
  std::cout.flush();
  if (!outcome) return Fail(outcome.error());
  return *outcome;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything reads a credential: a process that is not dumpable has
  // its /proc/PID/environ, mem, maps and fd/ owned by root and closed to
  // ptrace, so the commands tryaudex runs (and any other process of the
  // same user without CAP_SYS_PTRACE) cannot read its memory or
  // environment (proc(5), "/proc/pid/mem"; PR_SET_DUMPABLE in prctl(2)).
  // It also keeps secrets out of core dumps.
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // OpenSSL is opened on the first use, and told then not to free its
  // tables at exit (libcrypto_on_demand.cc).
  // The engine works from this snapshot (session/world.h); the secrets are
  // then erased from the environment block itself, where /proc/PID/environ
  // would show them to whoever can read it (root, or this process's init
  // in the sandbox). Helpers Audex starts are given the snapshot.
  audex::Environment environment = audex::CurrentEnvironment();
  audex::EraseFromEnvironment(audex::IsSecretVariable);
  try {
    return Main(argc, argv, std::move(environment));
  } catch (const std::exception& e) {
    std::cerr << "tryaudex: internal error: " << audex::EscapeControl(e.what())
              << "; this is a bug in Audex, please report it with the command you ran\n";
    return audex::kExitInternal;
  }
}
