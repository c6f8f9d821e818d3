#include "cli/policies.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <optional>

#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/files/files.h"
#include "catalog/access_level.h"
#include "catalog/action_catalog.h"
#include "catalog/catalog_universe.h"
#include "catalog/policy_lint.h"
#include "catalog/profile_views.h"
#include "core/base/exit_codes.h"
#include "core/base/text.h"
#include "core/plan/session_plan.h"
#include "core/policy/action_syntax.h"

namespace audex {
namespace {

using OrderedJson = nlohmann::ordered_json;

std::string ProviderLabel(const Profile& profile) {
  return profile.provider ? std::string(ProviderName(*profile.provider)) : "any";
}

std::string SourceLabel(const Profile& profile, const ProfileCatalog& catalog) {
  if (profile.source == kBuiltinSource) return std::string(kBuiltinSource);
  return catalog.IsShadowed(profile.name) ? profile.source + " (replaces the built-in)"
                                          : profile.source;
}

Result<int> List(const PoliciesOptions& options, const CliContext& context,
                 const LoadedConfiguration& loaded) {
  std::optional<Provider> only;
  if (options.provider) {
    auto parsed = ParseProviderOption(*options.provider, "--provider");
    if (!parsed) return tl::unexpected(parsed.error());
    only = *parsed;
  }
  const std::vector<const Profile*> all = ProfilesFor(loaded.profiles, only);
  if (options.json) {
    OrderedJson list = OrderedJson::array();
    for (const Profile* profile : all) list.push_back(ProfileJson(*profile, loaded.profiles));
    context.out << list.dump(2) << '\n';
    return kExitOk;
  }
  size_t name_width = 0, description_width = 0;
  for (const Profile* profile : all) {
    name_width = std::max(name_width, profile->name.size());
    description_width = std::max(description_width, profile->description.size());
  }
  const auto print_group = [&](std::string_view title, auto belongs) {
    bool any = false;
    for (const Profile* profile : all) {
      if (!belongs(*profile)) continue;
      if (!any) context.out << title << '\n';
      any = true;
      context.out << fmt::format("  {:<{}}  {:<{}}  {}\n", profile->name, name_width,
                                 profile->description, description_width,
                                 Join(profile->actions, ","));
      if (profile->source != kBuiltinSource) {
        context.out << fmt::format("  {:<{}}  from {}\n", "", name_width,
                                   SourceLabel(*profile, loaded.profiles));
      }
    }
    if (any) context.out << '\n';
  };
  for (Provider provider : kAllProviders) {
    const char* title = provider == Provider::kAws   ? "AWS profiles"
                        : provider == Provider::kGcp ? "GCP profiles"
                                                     : "Azure profiles";
    print_group(title, [provider](const Profile& p) { return p.provider == provider; });
  }
  print_group("Profiles for any provider (universal names)",
              [](const Profile& p) { return !p.provider.has_value(); });
  context.out << "Use one with: tryaudex run --profile NAME -- COMMAND\n";
  return kExitOk;
}

Result<int> Show(const PoliciesOptions& options, const CliContext& context,
                 const LoadedConfiguration& loaded) {
  auto found = loaded.profiles.Require(options.name);
  if (!found) return tl::unexpected(found.error());
  const Profile* profile = *found;
  // The document the profile produces is exactly what `run` would send,
  // deny list included.
  auto plan = PlanForProfile(*profile, loaded.config, loaded.profiles, loaded.deny);
  if (options.json) {
    context.out << ProfileWithPolicyJson(*profile, loaded.profiles, plan).dump(2) << '\n';
    return kExitOk;
  }
  context.out << fmt::format("Profile:      {}\n", profile->name);
  context.out << fmt::format("Provider:     {}\n", ProviderLabel(*profile));
  context.out << fmt::format("Description:  {}\n", profile->description);
  context.out << fmt::format("Actions:      {}\n", Join(profile->actions, ","));
  context.out << fmt::format("Resources:    {}\n", profile->resources.empty()
                                                       ? "* (every resource)"
                                                       : Join(profile->resources, ","));
  context.out << fmt::format("Source:       {}\n", SourceLabel(*profile, loaded.profiles));
  if (plan) {
    for (const RemovedAction& item : plan->request.dropped) {
      context.out << fmt::format("Dropped:      {} ({})\n", item.action, item.reason);
    }
  }
  if (!plan) {
    context.out << fmt::format("Policy:       cannot be built: {}\n", plan.error().message);
  } else if (plan->policy) {
    PrintWarnings(context, plan->request.warnings);
    context.out << fmt::format("AWS session policy ({} of {} characters):\n{}\n",
                               plan->policy_json.size(), kSessionPolicyLimit, plan->policy_json);
  } else {
    context.out << fmt::format(
        "Policy:       {} tokens carry no policy document; the permissions "
        "are {}\n",
        ProviderName(plan->request.provider), Join(plan->request.ActionNames(), ","));
  }
  return kExitOk;
}

// `policies expand`: every action each pattern grants today, with counts.
Result<int> Expand(const PoliciesOptions& options, const CliContext& context) {
  auto expanded = ExpandPatterns(ActionCatalog::Builtin(), options.patterns);
  if (!expanded) return tl::unexpected(expanded.error());
  if (options.json) {
    context.out << ExpandedPatternsJson(*expanded).dump(2) << '\n';
    return kExitOk;
  }
  // One buffer and one write: `*:*` alone is some 18,000 lines, and a
  // fmt::format per line was 70 % of the whole command's instructions.
  std::string text;
  size_t actions = 0;
  for (const ExpandedPattern& entry : *expanded) actions += entry.actions.size();
  text.reserve(actions * 90);  // a line is about 80 characters: no regrowth
  // The levels' text per set of levels (a byte of bits), made once each.
  std::array<std::optional<std::string>, 256> levels_text;
  for (const ExpandedPattern& entry : *expanded) {
    text += fmt::format("{}: {} action{}\n", entry.pattern, entry.actions.size(),
                        entry.actions.size() == 1 ? "" : "s");
    for (const Action& action : entry.actions) {
      const size_t start = text.size();
      text += "  ";
      text += action.service();
      text += ':';
      text += action.name();
      // The name left-aligned in 60 columns (names are ASCII), then the levels.
      text.append(std::max<size_t>(start + 2 + 60, text.size()) - text.size(), ' ');
      text += "  ";
      std::optional<std::string>& levels = levels_text[action.access_levels().bits()];
      if (!levels) levels = FormatAccessLevels(action.access_levels());
      text += *levels;
      text += '\n';
    }
  }
  context.out << text;
  return kExitOk;
}

// `policies validate --file`: prints catalog/policy_lint.h's findings;
// errors fail with exit 3.
Result<int> Validate(const PoliciesOptions& options, const CliContext& context,
                     const std::string& text) {
  auto document = ParsePolicy(text);
  if (!document) {
    return PolicyError(fmt::format("{}: {}", options.file, document.error().message));
  }
  const PolicyLint lint = LintPolicy(*document, ActionCatalog::Builtin());
  const std::vector<std::string>& errors = lint.errors;
  const std::vector<std::string>& notes = lint.notes;
  const size_t minified = lint.minified_size;
  if (options.json) {
    OrderedJson json{{"file", options.file},
                     {"valid", errors.empty()},
                     {"errors", errors},
                     {"notes", notes},
                     {"minified_size", minified}};
    context.out << json.dump(2) << '\n';
  } else {
    // The findings are the command's report (stdout); the verdict on a bad
    // document is an error like any other: one line on stderr, exit 3.
    for (const std::string& error : errors) context.out << "problem: " << error << '\n';
    for (const std::string& note : notes) context.out << "note:    " << note << '\n';
    if (errors.empty()) context.out << "OK: " << options.file << '\n';
  }
  if (errors.empty()) return kExitOk;
  return PolicyError(fmt::format(
      "{} is not a valid policy: {} problem{} (listed on stdout); fix them and validate again",
      options.file, errors.size(), errors.size() == 1 ? "" : "s"));
}

}  // namespace

CommandSpec PoliciesCommand() {
  return {
      "policies", "List and show permission profiles", false,
      [](CLI::App& policies_command) -> CommandRunner {
        auto options = std::make_shared<PoliciesOptions>();
        CLI::App* policies = &policies_command;
        policies->require_subcommand(1);
        CLI::App* list = policies->add_subcommand("list", "List built-in and custom profiles");
        list->add_option("--provider", options->provider, "Only profiles for aws, gcp or azure");
        list->add_flag("--json", options->json, "Print JSON");
        list->callback([options] { options->subcommand = "list"; });
        CLI::App* show =
            policies->add_subcommand("show", "Show a profile and the policy it produces");
        show->add_option("name", options->name, "Profile name")->required();
        show->add_flag("--json", options->json, "Print JSON");
        show->callback([options] { options->subcommand = "show"; });
        CLI::App* expand =
            policies->add_subcommand("expand", "Print the AWS actions each pattern grants today");
        expand
            ->add_option("patterns", options->patterns,
                         "Patterns: s3:Get*, s3:@read, ec2:Describe*")
            ->required();
        expand->add_flag("--json", options->json, "Print JSON");
        expand->callback([options] { options->subcommand = "expand"; });
        CLI::App* validate =
            policies->add_subcommand("validate", "Lint an IAM policy document against the catalog");
        validate->add_option("--file", options->file, "The policy document (JSON)")->required();
        validate->add_flag("--json", options->json, "Print JSON");
        validate->callback([options] { options->subcommand = "validate"; });
        return [options](const Invocation& call) { return RunPolicies(*options, call.context); };
      }};
}

Result<int> RunPolicies(const PoliciesOptions& options, const CliContext& context) {
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  if (options.subcommand == "show") return Show(options, context, *loaded);
  if (options.subcommand == "expand") return Expand(options, context);
  if (options.subcommand == "validate") {
    auto text = ReadFileIfPresent(options.file, ErrorKind::kUsage);
    if (!text) return tl::unexpected(text.error());
    if (!*text) return UsageError(fmt::format("--file {}: no such file", options.file));
    return Validate(options, context, **text);
  }
  return List(options, context, *loaded);
}

}  // namespace audex
