#include "adapters/azure/azure_cli_config.h"

#include <unistd.h>

#include <fmt/format.h>

#include "adapters/aws/credential_process.h"
#include "adapters/config/ini_file.h"
#include "adapters/files/files.h"
#include "adapters/process/child_process.h"

namespace audex {

CurlHttpOptions AzureHttpOptions(const EnvLookup& env) {
  return HttpOptionsFrom(env, "REQUESTS_CA_BUNDLE");
}

CurlHttpOptions AzureImdsHttpOptions(const EnvLookup& env) {
  return ForMetadataService(AzureHttpOptions(env));
}

Result<AzureAccessToken> FindAzureToken(const EnvLookup& env, const Environment& environment,
                                        const AzureCloud& cloud, HttpClient& http,
                                        HttpClient& imds_http,
                                        std::chrono::system_clock::time_point now) {
  AzureTokenOptions options;
  options.now = now;
  options.run_cli = [&environment](const std::string& command, std::string_view label) {
    // az never prompts here; its "ERROR: Please run 'az login'" belongs in
    // Audex's one-line message, not before it.
    return RunCredentialProcess(command, label, environment, ChildStderr::kInMessage);
  };
  Environment path;
  if (auto value = env("PATH")) path.emplace_back("PATH", *value);
  const std::string az = FindProgram("az", path);
  options.cli_available = !az.empty() && ::access(az.c_str(), X_OK) == 0;
  return ResolveAzureToken(env, cloud, http, imds_http, options);
}

std::filesystem::path UserAzureConfigDir(const EnvLookup& env) {
  if (auto dir = NonEmptyVariable(env, "AZURE_CONFIG_DIR")) return *dir;
  return std::filesystem::path(env("HOME").value_or("/")) / ".azure";
}

std::optional<std::string> UserActiveCloud(const std::filesystem::path& config_dir) {
  auto text = ReadFileIfPresent(config_dir / "config", ErrorKind::kUsage);
  if (!text || !*text) return std::nullopt;
  // The CLI writes this file with Python's configparser: the AWS files'
  // INI dialect reads it.
  auto ini = ParseIni(**text, (config_dir / "config").string());
  if (!ini) return std::nullopt;
  const IniSection* cloud = ini->Find("cloud");
  if (cloud == nullptr) return std::nullopt;
  auto name = cloud->Get("name");
  if (!name || name->empty()) return std::nullopt;
  return name;
}

Result<void> PrepareAzureCliConfig(const std::filesystem::path& dir, const EnvLookup& env,
                                   const AzureTarget& target, const AzureAccessToken& token) {
  const std::filesystem::path user_dir = UserAzureConfigDir(env);
  std::string cloud_name = target.cloud.name;
  if (!NonEmptyVariable(env, "AZURE_CLOUD")) {
    if (auto active = UserActiveCloud(user_dir)) cloud_name = *active;
  }
  auto clouds = ReadFileIfPresent(user_dir / "clouds.config", ErrorKind::kUsage);
  if (clouds && *clouds) {
    if (auto copied = ReplaceFileAtomically(dir / "clouds.config", **clouds); !copied) {
      return copied;
    }
  }
  if (auto written = ReplaceFileAtomically(
          dir / "config",
          fmt::format("[cloud]\nname = {}\n\n[core]\ncollect_telemetry = false\n", cloud_name));
      !written) {
    return written;
  }
  const std::string subscription =
      !target.subscription_id.empty() ? target.subscription_id : token.subscription_id.value_or("");
  if (subscription.empty()) return {};  // the session has warned
  return ReplaceFileAtomically(
      dir / "azureProfile.json",
      AzureCliProfileJson(subscription,
                          token.tenant_id.value_or("00000000-0000-0000-0000-000000000000"),
                          cloud_name));
}

}  // namespace audex
