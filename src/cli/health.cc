#include "cli/health.h"

#include <memory>

#include "cli/command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>
#include <ostream>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/sts_client.h"
#include "adapters/azure/azure_cli_config.h"
#include "adapters/gcp/gcp_credentials.h"
#include "adapters/gcp/gcp_iam_client.h"
#include "adapters/http/curl_http_client.h"
#include "core/base/exit_codes.h"
#include "core/base/rfc3339.h"
#include "core/plan/aws_endpoints.h"
#include "core/plan/role.h"

#include <functional>

namespace audex {

CommandSpec HealthCommand() {
  return {"health", "Check the credentials, identity, region and role Audex would use", false,
          [](CLI::App& health_command) -> CommandRunner {
            auto options = std::make_shared<HealthOptions>();
            CLI::App* health = &health_command;
            health->add_option("--check", options->check, "The provider to check (aws, gcp, azure)")
                ->check(CLI::IsMember({"aws", "gcp", "azure"}));
            health->add_option("--role-arn", options->role_arn,
                               "Role to report (else AUDEX_ROLE_ARN, config)");
            health->add_option("--region", options->region, "AWS region");
            health->add_flag("--json", options->json, "Print JSON");
            return [options](const Invocation& call) { return RunHealth(*options, call.context); };
          }};
}

namespace {

using HealthAdd = std::function<void(const std::string&, const std::string&, bool)>;

// GCP: the base token's source, the service account, and one real
// generateAccessToken (60 s) to prove the impersonation works.
void CheckGcp(const HealthOptions& options, const CliContext& context, const UserConfig& config,
              const HealthAdd& add) {
  auto target = ResolveGcpTarget(options.role_arn, context.env, config);
  add("service_account",
      target ? fmt::format("{} (from {})", target->service_account, target->source)
             : target.error().message,
      target.has_value());
  const GcpEndpoints endpoints = ResolveGcpEndpoints(context.env);
  add("iamcredentials", endpoints.iamcredentials_url, true);
  add("sts_endpoint", endpoints.sts_url, true);
  const std::string project =
      context.env("AUDEX_GCP_PROJECT").value_or(config.gcp_project.value_or(""));
  add("project", project.empty() ? "none (set AUDEX_GCP_PROJECT or gcp_project)" : project, true);
  std::unique_ptr<HttpClient> http = context.world.http(GcpHttpOptions(context.env));
  std::unique_ptr<HttpClient> metadata_http =
      context.world.http(GcpMetadataHttpOptions(context.env));
  auto base = ResolveGcpBaseToken(context.env, *http, *metadata_http);
  add("base_token", base ? "from " + base->source : base.error().message, base.has_value());
  if (!base || !target) return;
  auto minted = GenerateAccessToken(*http, endpoints, *base, target->service_account,
                                    std::chrono::seconds(60));
  add("impersonation",
      minted ? fmt::format("generateAccessToken as {} works", target->service_account)
             : minted.error().message,
      minted.has_value());
}

// Azure: the cloud, the subscription, and the token Audex would start from
// (its source and expiry, never its value).
void CheckAzure(const CliContext& context, const UserConfig& config, const HealthAdd& add) {
  auto target = ResolveAzureTarget(context.env, config);
  if (!target) {
    add("cloud", target.error().message, false);
    return;
  }
  add("cloud", fmt::format("{} (authority {})", target->cloud.name, target->cloud.authority_host),
      true);
  add("subscription",
      target->subscription_id.empty() ? "none (set AZURE_SUBSCRIPTION_ID)"
                                      : target->subscription_id,
      true);
  std::unique_ptr<HttpClient> http = context.world.http(AzureHttpOptions(context.env));
  std::unique_ptr<HttpClient> imds_http = context.world.http(AzureImdsHttpOptions(context.env));
  auto token = FindAzureToken(context.env, target->cloud, *http, *imds_http);
  add("token",
      token ? fmt::format("from {}{}", token->source,
                          token->expiration ? ", expires " + FormatRfc3339(*token->expiration)
                                            : std::string())
            : token.error().message,
      token.has_value());
}

}  // namespace

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
  const auto print = [&] {
    if (options.json) {
      report["healthy"] = healthy;
      context.out << report.dump(2) << '\n';
    } else {
      for (const auto& [key, value] : lines) {
        context.out << fmt::format("{:<17} {}\n", key, value);
      }
    }
    return healthy ? kExitOk : kExitCredentials;
  };
  if (options.check == "gcp") {
    CheckGcp(options, context, config, add);
    return print();
  }
  if (options.check == "azure") {
    CheckAzure(context, config, add);
    return print();
  }

  auto region = ResolveRegion(options.region, context.env, config.region,
                              AwsProfileRegion(ResolveAwsSharedFiles(context.env)));
  if (!region) return tl::unexpected(region.error());
  add("region", fmt::format("{} (from {})", region->region, region->source), true);
  auto endpoint = ResolveStsEndpoint(context.env, region->region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  add("sts_endpoint", fmt::format("{} (from {})", endpoint->url, endpoint->source), true);

  auto role = ResolveRole(options.role_arn, context.env, config);
  add("role", role ? fmt::format("{} (from {})", role->arn, role->source) : role.error().message,
      role.has_value());

  auto base = ResolveBaseCredentials(context.env);
  if (!base) {
    add("base_credentials", base.error().message, false);
  } else {
    add("base_credentials", fmt::format("access key {} from {}", base->access_key_id, base->source),
        true);
    std::unique_ptr<HttpClient> http = context.world.http(HttpOptionsFrom(context.env));
    StsClientOptions sts_options;
    sts_options.endpoint = endpoint->url;
    sts_options.region = region->region;
    StsClient sts(*http, std::move(sts_options));
    auto identity = sts.GetCallerIdentity(*base);
    add("caller_identity",
        identity ? fmt::format("{} (account {})", identity->arn, identity->account)
                 : identity.error().message,
        identity.has_value());
  }

  return print();
}

}  // namespace audex
