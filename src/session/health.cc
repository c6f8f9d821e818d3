#include "session/health.h"

#include <fmt/format.h>

#include <functional>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/sts_client.h"
#include "adapters/azure/azure_cli_config.h"
#include "adapters/gcp/gcp_credentials.h"
#include "adapters/gcp/gcp_iam_client.h"
#include "core/base/rfc3339.h"
#include "core/base/text.h"
#include "core/credentials/azure_identity.h"
#include "core/credentials/gcp_target.h"
#include "core/credentials/sandbox_plan.h"
#include "core/plan/aws_endpoints.h"
#include "core/plan/role.h"
#include "session/planner.h"

namespace audex {
namespace {

using HealthAdd = std::function<void(const std::string&, const std::string&, bool)>;

// GCP: the base token's source, the service account, and one real
// generateAccessToken (60 s) to prove the impersonation works.
void CheckGcp(const HealthRequest& request, const World& world, const UserConfig& config,
              const HealthAdd& add) {
  auto target = ResolveGcpTarget(request.role_arn, world.env, config);
  add("service_account",
      target ? fmt::format("{} (from {})", target->service_account, target->source)
             : target.error().message,
      target.has_value());
  const GcpEndpoints endpoints = ResolveGcpEndpoints(world.env);
  add("iamcredentials", endpoints.iamcredentials_url, true);
  add("sts_endpoint", endpoints.sts_url, true);
  const std::string project =
      world.env("AUDEX_GCP_PROJECT").value_or(config.gcp_project.value_or(""));
  add("project", project.empty() ? "none (set AUDEX_GCP_PROJECT or gcp_project)" : project, true);
  std::unique_ptr<HttpClient> http = world.http(GcpHttpOptions(world.env));
  std::unique_ptr<HttpClient> metadata_http = world.http(GcpMetadataHttpOptions(world.env));
  auto base = ResolveGcpBaseToken(world.env, *http, *metadata_http);
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
void CheckAzure(const World& world, const UserConfig& config, const HealthAdd& add) {
  auto target = ResolveAzureTarget(world.env, config);
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
  std::unique_ptr<HttpClient> http = world.http(AzureHttpOptions(world.env));
  std::unique_ptr<HttpClient> imds_http = world.http(AzureImdsHttpOptions(world.env));
  auto token = FindAzureToken(world.env, world.environment, target->cloud, *http, *imds_http);
  add("token",
      token ? fmt::format("from {}{}", token->source,
                          token->expiration ? ", expires " + FormatRfc3339(*token->expiration)
                                            : std::string())
            : token.error().message,
      token.has_value());
}

// The sandbox: whether the kernel lets commands run in it, and what it
// hides from them here. Unavailable while configured on is a failure: the
// user counts on it.
void CheckSandbox(World& world, const UserConfig& config, const HealthAdd& add) {
  if (!config.sandbox.value_or(true)) {
    add("sandbox",
        fmt::format("off (sandbox = false in {}): commands can read the cloud credential files "
                    "and Audex's files",
                    config.source),
        true);
    return;
  }
  const SandboxSupport support = world.children->Sandbox();
  if (!support.available) {
    add("sandbox",
        fmt::format("unavailable: {}; commands run without it (set sandbox = false in "
                    "config.toml to accept that)",
                    support.reason),
        false);
    return;
  }
  SandboxInput input;
  input.parent = world.environment;
  input.config_dir = world.paths.config_dir.string();
  input.state_dir = world.paths.state_dir.string();
  input.working_directory = world.working_directory;
  const SandboxPlan plan = PlanSandbox(input);
  std::vector<std::string> hidden;
  for (const HiddenPath& path : plan.hidden) hidden.push_back(path.path);
  hidden.push_back("tryaudex's /proc entries");
  std::string detail = "on (user, mount and pid namespaces); hides " + Join(hidden, ", ");
  for (const std::string& kept : plan.kept_visible) detail += "; " + kept;
  add("sandbox", detail, true);
}

}  // namespace

bool HealthReport::healthy() const {
  for (const HealthItem& item : items) {
    if (!item.ok) return false;
  }
  return true;
}

Result<HealthReport> CheckHealth(const HealthRequest& request, World& world) {
  auto loaded = LoadConfigurationNoting(world);
  if (!loaded) return tl::unexpected(loaded.error());
  const UserConfig& config = loaded->config;
  HealthReport report;
  const auto add = [&](const std::string& key, const std::string& value, bool ok) {
    report.items.push_back({key, ok, value});
  };
  if (request.check == "gcp") {
    CheckGcp(request, world, config, add);
    CheckSandbox(world, config, add);
    return report;
  }
  if (request.check == "azure") {
    CheckAzure(world, config, add);
    CheckSandbox(world, config, add);
    return report;
  }

  auto region = ResolveRegion(request.region, world.env, config.region,
                              AwsProfileRegion(ResolveAwsSharedFiles(world.env)));
  if (!region) return tl::unexpected(region.error());
  add("region", fmt::format("{} (from {})", region->region, region->source), true);
  auto endpoint = ResolveStsEndpoint(world.env, region->region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  add("sts_endpoint", fmt::format("{} (from {})", endpoint->url, endpoint->source), true);

  auto role = ResolveRole(request.role_arn, world.env, config);
  add("role", role ? fmt::format("{} (from {})", role->arn, role->source) : role.error().message,
      role.has_value());

  auto base = ResolveBaseCredentials(world.env, ChainOptionsFor(world.environment));
  if (!base) {
    add("base_credentials", base.error().message, false);
  } else {
    add("base_credentials", fmt::format("access key {} from {}", base->access_key_id, base->source),
        true);
    std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
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
  CheckSandbox(world, config, add);
  return report;
}

nlohmann::ordered_json HealthReportJson(const HealthReport& report) {
  nlohmann::ordered_json json;
  for (const HealthItem& item : report.items) {
    json[item.key] = {{"ok", item.ok}, {"detail", item.detail}};
  }
  json["healthy"] = report.healthy();
  return json;
}

}  // namespace audex
