#include "cli/setup_profile.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <climits>
#include <ostream>

#include "adapters/aws/credential_chain.h"
#include "adapters/config/ini_file.h"
#include "adapters/files/files.h"
#include "core/base/exit_codes.h"
#include "core/base/shell_quote.h"
#include "core/base/text.h"
#include "core/wire/aws_config_edit.h"
#include "session/planner.h"

namespace audex {
namespace {

// The absolute path of the running tryaudex, so the profile works from any
// directory and whatever PATH the AWS CLI runs with.
std::string SelfPath() {
  char buffer[PATH_MAX];
  const ssize_t size = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (size <= 0) return "tryaudex";
  return std::string(buffer, static_cast<size_t>(size));
}

bool IsProfileNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("_-.@+").find(c) != std::string_view::npos;
}

}  // namespace

CommandSpec SetupProfileCommand() {
  return {"setup-profile",
          "Write an AWS profile that gets scoped credentials from tryaudex (credential_process)",
          false, [](CLI::App& command_command) -> CommandRunner {
            auto options = std::make_shared<SetupProfileOptions>();
            CLI::App* command = &command_command;
            command->add_option("name", options->name, "The AWS profile to write")->required();
            AddCredentialRequestFlags(*command, options->issue);
            command->add_flag("--print", options->print,
                              "Print the stanza instead of writing the file");
            return [options](const Invocation& call) {
              return RunSetupProfile(*options, call.context);
            };
          }};
}

Result<int> RunSetupProfile(const SetupProfileOptions& options, const CliContext& context) {
  const SessionRequest& request = options.issue.request;
  if (options.name.empty() ||
      !std::all_of(options.name.begin(), options.name.end(), IsProfileNameChar)) {
    return UsageError(fmt::format(
        "profile name \"{}\" must be letters, digits and _-.@+ (it becomes [profile NAME])",
        options.name));
  }
  // tryaudex credential-process finds its own base credentials through the
  // default profile (or AWS_PROFILE's): a stanza there would run tryaudex to
  // get tryaudex's credentials, again and again.
  // With --base-profile only that profile is where it looks.
  const AwsSharedFiles files = ResolveAwsSharedFiles(context.env);
  const std::optional<std::string>& base = options.issue.base_profile;
  if (base && *base == options.name) {
    return UsageError(fmt::format(
        "--base-profile {} names the profile being written, so its credential_process would run "
        "tryaudex to get tryaudex's own credentials; name a profile with keys or SSO",
        options.name));
  }
  if (!base &&
      (options.name == "default" || (files.profile_chosen && options.name == files.profile))) {
    return UsageError(fmt::format(
        "profile \"{}\" is where tryaudex itself finds its base credentials ({}), so a "
        "credential_process running tryaudex there would call itself; choose another profile "
        "name, e.g. tryaudex setup-profile audex-{} ..., or name where its base credentials "
        "are with --base-profile NAME",
        options.name,
        options.name == "default" ? "when AWS_PROFILE is unset" : "AWS_PROFILE names it",
        options.name));
  }
  // Plan once now, so a typo is caught here rather than by the AWS CLI
  // later with a less helpful message.
  auto planned_request = CredentialRequestFor(options.issue, "setup-profile");
  if (!planned_request) return tl::unexpected(planned_request.error());
  PlanSettings settings;
  settings.will_issue = false;  // the role may be configured later
  auto planned = PlanRequest(*planned_request, context.world, settings);
  if (!planned) return tl::unexpected(planned.error());

  std::vector<std::string> command = {SelfPath(), "credential-process"};
  const auto add = [&command](const char* flag, const std::optional<std::string>& value) {
    if (value) {
      command.push_back(flag);
      command.push_back(*value);
    }
  };
  add("--profile", request.profile);
  add("--allow", request.allow);
  add("--resource", request.resource);
  add("--ttl", request.ttl);
  add("--role-arn", request.role_arn);
  add("--region", request.region);
  add("--source-identity", request.source_identity);
  add("--server", request.server);
  add("--reason", request.reason);
  add("--source-ip", request.source_ip);
  add("--base-profile", options.issue.base_profile);
  if (request.allow_unknown) command.push_back("--allow-unknown");
  if (options.issue.no_cache) command.push_back("--no-cache");
  if (request.scope_current) command.push_back("--scope-current");
  std::vector<std::string> quoted;
  for (const std::string& arg : command) quoted.push_back(ShellQuote(arg));

  std::vector<std::pair<std::string, std::string>> values = {
      {"credential_process", Join(quoted, " ")}};
  if (request.region) values.emplace_back("region", *request.region);
  const std::string section = ConfigSectionName(options.name);
  if (options.print) {
    context.out << SetConfigSection("", section, values);
    return kExitOk;
  }

  // A symlinked config (dotfiles, home-manager) is edited where it points:
  // replacing the link with a file would silently fork the user's config.
  const std::filesystem::path path = FollowSymlink(files.config);
  const std::string print_instead = fmt::format(
      "or print the stanza with tryaudex setup-profile {} ... --print and add it yourself",
      options.name);
  if (auto writable = RefuseReadOnlyFile(path, print_instead); !writable) {
    return tl::unexpected(writable.error());
  }
  auto existing = ReadFileIfPresent(path);
  if (!existing) {
    return StateError(
        fmt::format("{}; check its permissions, {}", existing.error().message, print_instead));
  }
  const std::string before = existing->value_or("");
  // Refuse to rewrite a file Audex cannot read as the AWS CLI would: the
  // edit could land in the wrong place.
  auto parsed = ParseIni(before, path.string());
  if (!parsed) {
    return UsageError(parsed.error().message + "; fix the file, then run setup-profile again");
  }
  // Replacing a profile the user set up another way (SSO, keys, another
  // credential_process) would lose it; a stanza setup-profile wrote is
  // rewritten freely.
  if (const IniSection* current = parsed->Find(section)) {
    const std::vector<std::string> lost = KeysSetupProfileWouldLose(current->values);
    if (!lost.empty()) {
      return UsageError(fmt::format(
          "[{}] already exists in {} (line {}) with settings setup-profile would replace ({}); "
          "choose another profile name, or remove that section first",
          section, path.string(), current->line, Join(lost, ", ")));
    }
    // The profile's own region stays unless --region replaces it.
    if (const auto region = current->Get("region"); region && !request.region) {
      values.emplace_back("region", *region);
    }
  }
  const std::string after = SetConfigSection(before, section, values);
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (auto written = ReplaceFileAtomically(path, after); !written) {
    return StateError(fmt::format(
        "{}; {} is replaced through a new file beside it, so {} must be writable, {}",
        written.error().message, path.string(), path.parent_path().string(), print_instead));
  }
  context.out << fmt::format("wrote [{}] to {}; try: aws --profile {} sts get-caller-identity\n",
                             section, path.string(), options.name);
  return kExitOk;
}

}  // namespace audex
