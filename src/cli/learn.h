// `tryaudex learn`: run one command with broad credentials (the role's own
// permissions, or --allow/--profile as an upper bound), watch which AWS APIs
// it calls (client-side monitoring in real time, or CloudTrail afterwards),
// and print the least privilege it showed it needs, optionally saving it as
// a profile.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cli/aws_session.h"
#include "cli/cli_context.h"
#include "cli/run.h"

namespace CLI {
class App;
}

namespace audex {

struct LearnOptions {
  RunOptions run;                   // --allow/--profile (optional here), --ttl, --role-arn, ...
  std::string source = "auto";      // auto | endpoint | csm | cloudtrail
  std::optional<std::string> wait;  // --wait, CloudTrail only (default 10m)
  std::optional<std::string> save_profile;
  bool json = false;
  // For tryaudex mcp: run the command with its output captured (stdin
  // /dev/null) instead of sharing Audex's terminal, and hand the captured
  // run to `on_captured` while the session's credentials are still known,
  // so they can be masked before the output goes anywhere.
  std::optional<CaptureOptions> capture;
  std::function<void(const AwsSession&, AwsSession::CapturedRun&)> on_captured;
  // For tryaudex mcp: the configuration its guard rails were checked
  // against, used instead of reading the files again.
  const LoadedConfiguration* configuration = nullptr;
};

void AddLearnCommand(CLI::App& app, LearnOptions& options);
Result<int> RunLearn(const LearnOptions& options, const CliContext& context);

}  // namespace audex
