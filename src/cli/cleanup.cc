// `tryaudex cleanup` (cleanup.h).
#include "cli/cleanup.h"

#include <unistd.h>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>
#include <ostream>

#include "cli/command.h"
#include "core/base/exit_codes.h"

namespace audex {
namespace {

void PrintResources(std::ostream& out, const char* title,
                    const std::vector<SessionResource>& resources) {
  if (resources.empty()) return;
  out << fmt::format("{} ({}):\n", title, resources.size());
  size_t width = 0;
  for (const SessionResource& resource : resources) width = std::max(width, resource.type.size());
  for (const SessionResource& resource : resources) {
    std::string note;
    if (resource.found_by == "bucket") note = "  (in a tagged bucket)";
    if (!resource.version_id.empty() && resource.version_id != "null") {
      note += fmt::format("  (version {})", resource.version_id);
    }
    out << fmt::format("  {:<{}}  {}{}\n", resource.type, width, resource.arn, note);
  }
}

void PrintFindings(std::ostream& out, const CleanupFindings& findings) {
  const CleanupPlan& plan = findings.plan;
  out << fmt::format("Session {}: resources tagged {} in {}\n", findings.session_id,
                     plan.tag.Text(), findings.region);
  if (plan.to_delete.empty()) out << "Nothing carries the tag.\n";
  PrintResources(out, "To delete, in this order", plan.to_delete);
  PrintResources(out, "Tagged, but of a kind cleanup does not delete (delete them yourself)",
                 plan.unsupported);
  PrintResources(out, "Created by the session per CloudTrail, without the tag (not deleted)",
                 plan.untagged);
}

}  // namespace

CommandSpec CleanupCommand() {
  return {"cleanup",
          "Delete what a session created (resources tagged audex-session=<id>): tryaudex cleanup "
          "SESSION",
          false, [](CLI::App& cleanup) -> CommandRunner {
            auto options = std::make_shared<CleanupOptions>();
            cleanup
                .add_option("session", options->request.session,
                            "Session id, or its unique "
                            "beginning")
                ->required();
            cleanup.add_flag("--dry-run", options->dry_run, "List what would be deleted and stop");
            cleanup.add_flag("--yes", options->yes, "Delete without asking (for scripts)");
            cleanup.add_option("--region", options->request.region,
                               "Region to look in (default: the session's)");
            cleanup.add_flag("--cloudtrail", options->request.cloudtrail,
                             "Also list what CloudTrail saw the session create without the tag");
            cleanup.add_flag("--json", options->json, "Print JSON");
            options->terminal = ::isatty(STDIN_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1;
            options->confirm = [](const std::string& question) {
              std::cerr << question << std::flush;
              std::string answer;
              if (!std::getline(std::cin, answer)) return false;
              return answer == "y" || answer == "Y" || answer == "yes";
            };
            return [options](const Invocation& call) { return RunCleanup(*options, call.context); };
          }};
}

Result<void> ValidateCleanupOptions(const CleanupOptions& options) {
  if (options.dry_run && options.yes) {
    return UsageError("--dry-run deletes nothing and --yes deletes without asking; give one");
  }
  if (!options.dry_run && !options.yes && !options.terminal) {
    return UsageError(
        "cleanup deletes resources and there is no terminal to ask for confirmation on: add "
        "--yes to delete without asking, or --dry-run to only list them");
  }
  if (options.json && !options.dry_run && !options.yes) {
    return UsageError(
        "--json is for programs, which cannot answer the prompt: add --yes or "
        "--dry-run");
  }
  return {};
}

Result<int> RunCleanup(const CleanupOptions& options, const CliContext& context) {
  if (auto valid = ValidateCleanupOptions(options); !valid) return tl::unexpected(valid.error());
  auto findings = FindSessionResources(options.request, context.world);
  if (!findings) return tl::unexpected(findings.error());
  for (const std::string& note : findings->notes) context.world.Warn(note);
  const CleanupPlan& plan = findings->plan;
  if (options.dry_run || plan.to_delete.empty()) {
    if (options.json) {
      context.out << CleanupJson(plan, {}).dump(2) << '\n';
    } else {
      PrintFindings(context.out, *findings);
      if (options.dry_run && !plan.to_delete.empty()) {
        context.out << "Dry run: nothing was deleted.\n";
      }
    }
    return kExitOk;
  }
  if (!options.json) PrintFindings(context.out, *findings);
  context.out.flush();
  if (!options.yes &&
      !options.confirm(fmt::format("Delete these {} resources? [y/N] ", plan.to_delete.size()))) {
    context.out << "Nothing was deleted.\n";
    return kExitCheckFailed;
  }
  auto outcomes = DeleteSessionResources(*findings, context.world, [&](const DeletionOutcome& o) {
    if (options.json) return;
    switch (o.result) {
      case DeletionOutcome::Result::kDeleted:
        context.out << fmt::format("deleted  {}{}\n", o.resource.arn,
                                   o.detail.empty() ? "" : " (" + o.detail + ")");
        break;
      case DeletionOutcome::Result::kFailed:
        context.out << fmt::format("FAILED   {}: {}\n", o.resource.arn, o.detail);
        break;
      case DeletionOutcome::Result::kSkipped:
        context.out << fmt::format("skipped  {}: {}\n", o.resource.arn, o.detail);
        break;
    }
    context.out.flush();
  });
  if (!outcomes) return tl::unexpected(outcomes.error());
  size_t deleted = 0, failed = 0, skipped = 0;
  for (const DeletionOutcome& outcome : *outcomes) {
    if (outcome.result == DeletionOutcome::Result::kDeleted) ++deleted;
    if (outcome.result == DeletionOutcome::Result::kFailed) ++failed;
    if (outcome.result == DeletionOutcome::Result::kSkipped) ++skipped;
  }
  if (options.json) {
    context.out << CleanupJson(plan, *outcomes).dump(2) << '\n';
  } else {
    context.out << fmt::format("Deleted {} of {}; {} failed, {} skipped.\n", deleted,
                               outcomes->size(), failed, skipped);
  }
  return failed == 0 ? kExitOk : kExitCheckFailed;
}

}  // namespace audex
