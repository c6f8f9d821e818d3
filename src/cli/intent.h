// `tryaudex intent "SENTENCE"`: a sentence in, a validated least-privilege
// policy out (the founding document's JSON: allow, resource, description,
// plus source). Claude answers when ANTHROPIC_API_KEY is set, the offline
// parser otherwise or with --offline; either answer is checked against the
// action catalog before it is shown. --run -- CMD... hands the result to
// `tryaudex run`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct IntentOptions {
  std::vector<std::string> words;  // the sentence, quoted or not
  std::optional<std::string> provider;
  std::optional<std::string> model;
  bool offline = false;
  // --run: what `tryaudex run` would take besides --allow and --resource.
  bool run = false;
  std::optional<std::string> ttl;
  std::optional<std::string> role_arn;
  std::optional<std::string> region;
  bool dry_run = false;
  std::vector<std::string> command;  // everything after "--"
};

Result<int> RunIntent(const IntentOptions& options, const CliContext& context);

}  // namespace audex
