#include "cli/command_tree.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/command.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"

namespace audex {

void DefineAllCommands(CLI::App& app) {
  // main.cc defines the same two flags with the values they print.
  app.set_version_flag("--version", std::string("tryaudex ") + AUDEX_VERSION);
  app.add_flag_callback(
      "--licenses", [] {}, "Print the licences of data built into tryaudex");
  for (const CommandSpec& spec : Commands()) {
    spec.define(*app.add_subcommand(spec.name, spec.summary));
  }
}

std::unique_ptr<CLI::App> CommandTree() {
  auto app = std::make_unique<CLI::App>(
      "Audex: scoped, short-lived cloud credentials for one command.", "tryaudex");
  std::vector<std::string> meanings;
  for (const ExitCodeMeaning& meaning : ExitCodeMeanings()) {
    meanings.push_back(fmt::format("{} {}", meaning.code, meaning.meaning));
  }
  app->footer("Exit codes: " + Join(meanings, ", ") + ".");
  DefineAllCommands(*app);
  return app;
}

}  // namespace audex
