#include "cli/health.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/sts_client.h"
#include "adapters/aws/sts_endpoint.h"
#include "adapters/http/curl_http_client.h"
#include "cli/exit_codes.h"
#include "cli/http_options.h"
#include "core/role.h"

namespace audex {

void AddHealthCommand(CLI::App& app, HealthOptions& options) {
  CLI::App* health = app.add_subcommand(
      "health", "Check the credentials, identity, region and role Audex would use");
  health->add_option("--check", options.check, "The provider to check (aws)")
      ->check(CLI::IsMember({"aws"}));
  health->add_option("--role-arn", options.role_arn,
                     "Role to report (else AUDEX_ROLE_ARN, config)");
  health->add_option("--region", options.region, "AWS region");
  health->add_flag("--json", options.json, "Print JSON");
}

Result<int> RunHealth(const HealthOptions& options, const CliContext& context) {
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  const UserConfig& config = loaded->config;

  nlohmann::ordered_json report;
  bool healthy = true;
  std::vector<std::pair<std::string, std::string>> lines;
  const auto add = [&](const std::string& key, const std::string& value, bool ok) {
    lines.emplace_back(key, fmt::format("{} {}", ok ? "ok  " : "FAIL", value));
    report[key] = {{"ok", ok}, {"detail", value}};
    healthy = healthy && ok;
  };

  auto region = ResolveRegion(options.region, context.env, config.region,
                              AwsProfileRegion(ResolveAwsSharedFiles(context.env)));
  if (!region) return tl::unexpected(region.error());
  add("region", fmt::format("{} (from {})", region->region, region->source), true);
  auto endpoint = ResolveStsEndpoint(context.env, region->region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  add("sts_endpoint", fmt::format("{} (from {})", endpoint->url, endpoint->source), true);

  auto role = ChooseRole(options.role_arn, context.env("AUDEX_ROLE_ARN"), config.role_arn,
                         config.source.empty() ? "config.toml" : config.source);
  add("role", role ? fmt::format("{} (from {})", role->arn, role->source) : role.error().message,
      role.has_value());

  auto base = ResolveBaseCredentials(context.env);
  if (!base) {
    add("base_credentials", base.error().message, false);
  } else {
    add("base_credentials", fmt::format("access key {} from {}", base->access_key_id, base->source),
        true);
    CurlHttpClient http(HttpOptionsFrom(context.env));
    StsClientOptions sts_options;
    sts_options.endpoint = endpoint->url;
    sts_options.region = region->region;
    StsClient sts(http, std::move(sts_options));
    auto identity = sts.GetCallerIdentity(*base);
    add("caller_identity",
        identity ? fmt::format("{} (account {})", identity->arn, identity->account)
                 : identity.error().message,
        identity.has_value());
  }

  if (options.json) {
    report["healthy"] = healthy;
    context.out << report.dump(2) << '\n';
  } else {
    for (const auto& [key, value] : lines) {
      context.out << fmt::format("{:<17} {}\n", key, value);
    }
  }
  return healthy ? kExitOk : kExitCredentials;
}

}  // namespace audex
