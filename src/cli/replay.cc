// `tryaudex replay` (replay.h).
#include "cli/replay.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/command.h"
#include "cli/run.h"
#include "core/base/exit_codes.h"
#include "core/plan/plan_json.h"
#include "session/session.h"

namespace audex {

CommandSpec ReplayCommand() {
  return {"replay",
          "Run a recorded session again with the same policy, TTL and role: tryaudex replay "
          "SESSION [-- CMD...]",
          true, [](CLI::App& replay) -> CommandRunner {
            auto options = std::make_shared<ReplayOptions>();
            replay
                .add_option("session", options->request.session,
                            "Session id, or its unique beginning")
                ->required();
            replay.add_flag("--dry-run", options->dry_run, "Print the plan and stop");
            replay.add_flag("--json", options->json, "With --dry-run: print the plan as JSON");
            return [options](const Invocation& call) {
              options->request.command = call.command;
              return RunReplay(*options, call.context);
            };
          }};
}

Result<void> ValidateReplayOptions(const ReplayOptions& options) {
  if (options.json && !options.dry_run) {
    return UsageError("--json only prints the plan of --dry-run; add --dry-run or drop --json");
  }
  return {};
}

Result<int> RunReplay(const ReplayOptions& options, const CliContext& context) {
  if (auto valid = ValidateReplayOptions(options); !valid) return tl::unexpected(valid.error());
  auto planned = PlanReplay(options.request, context.world);
  if (!planned) return tl::unexpected(planned.error());
  if (options.dry_run) {
    if (options.json) {
      nlohmann::ordered_json json = {{"dry_run", true}, {"replay_of", *planned->replay_of}};
      json.update(SessionPlanJson(planned->plan));
      context.out << json.dump(2) << '\n';
    } else {
      context.out << fmt::format("Replays session {} with the same policy, TTL and role.\n",
                                 *planned->replay_of);
      PrintPlanText(planned->plan, context.out);
    }
    return kExitOk;
  }
  auto session = Session::Start(*planned, context.world);
  if (!session) return tl::unexpected(session.error());
  auto ran = (*session)->RunChild({planned->plan.command, {}, std::nullopt, {}});
  if (!ran) return tl::unexpected(ran.error());
  return ran->status;
}

}  // namespace audex
