#include "cli/azure_session.h"

#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <ostream>

#include "adapters/aws/credential_process.h"
#include "adapters/azure/local_identity_endpoint.h"
#include "adapters/config/config_files.h"
#include "adapters/http/curl_http_client.h"
#include "adapters/process/child_process.h"
#include "adapters/store/random_bytes.h"
#include "cli/cloud_child.h"
#include "cli/exit_codes.h"
#include "cli/http_options.h"
#include "core/crypto.h"
#include "core/rfc3339.h"
#include "core/session_id.h"

namespace audex {
namespace {

std::optional<std::string> NonEmpty(const EnvLookup& env, const std::string& name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

// The Azure CLI and SDKs read REQUESTS_CA_BUNDLE for their certificate
// authorities: it comes before AWS_CA_BUNDLE here.
CurlHttpOptions AzureHttpOptions(const EnvLookup& env) {
  CurlHttpOptions options = HttpOptionsFrom(env);
  if (auto bundle = NonEmpty(env, "REQUESTS_CA_BUNDLE")) options.ca_bundle = *bundle;
  return options;
}

bool OnPath(const std::string& program, const EnvLookup& env) {
  const std::string path = env("PATH").value_or("/usr/local/bin:/usr/bin:/bin");
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string dir = path.substr(start, end - start);
    if (!dir.empty() && access((dir + "/" + program).c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

// The user's Azure CLI configuration directory.
std::filesystem::path UserAzureConfigDir(const EnvLookup& env) {
  if (auto dir = NonEmpty(env, "AZURE_CONFIG_DIR")) return *dir;
  return std::filesystem::path(env("HOME").value_or("/")) / ".azure";
}

// The active cloud in the user's Azure CLI `config` ([cloud] name = X).
std::optional<std::string> UserActiveCloud(const std::filesystem::path& dir) {
  auto text = ReadFileIfExists(dir / "config");
  if (!text || !*text) return std::nullopt;
  bool in_cloud = false;
  size_t start = 0;
  const std::string& content = **text;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(start, end - start);
    start = end + 1;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line.front() == '[') {
      in_cloud = line == "[cloud]";
      continue;
    }
    const size_t equals = line.find('=');
    if (!in_cloud || equals == std::string::npos) continue;
    std::string key = line.substr(0, equals), value = line.substr(equals + 1);
    key.erase(key.find_last_not_of(' ') + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (key == "name" && !value.empty()) return value;
  }
  return std::nullopt;
}

// A fresh AZURE_CONFIG_DIR: the user's cloud definitions (endpoints, no
// secrets) and active cloud, and a profile whose one subscription is used
// through the managed identity, i.e. the session's loopback endpoint.
Result<void> PrepareAzureConfig(const std::filesystem::path& dir, const EnvLookup& env,
                                const AzureTarget& target, const AzureAccessToken& token) {
  const std::filesystem::path user_dir = UserAzureConfigDir(env);
  std::string cloud_name = target.cloud.name;
  if (!NonEmpty(env, "AZURE_CLOUD")) {
    if (auto active = UserActiveCloud(user_dir)) cloud_name = *active;
  }
  std::error_code ignored;
  if (std::filesystem::exists(user_dir / "clouds.config", ignored)) {
    std::filesystem::copy_file(user_dir / "clouds.config", dir / "clouds.config", ignored);
  }
  std::ofstream(dir / "config") << fmt::format(
      "[cloud]\nname = {}\n\n[core]\ncollect_telemetry = false\n", cloud_name);
  const std::string subscription =
      !target.subscription_id.empty() ? target.subscription_id : token.subscription_id.value_or("");
  if (subscription.empty()) return {};  // RunChild has warned
  std::ofstream profile(dir / "azureProfile.json");
  profile << AzureCliProfileJson(
      subscription, token.tenant_id.value_or("00000000-0000-0000-0000-000000000000"), cloud_name);
  if (!profile) {
    return StateError(fmt::format("cannot write the Azure CLI profile in {}", dir.string()));
  }
  return {};
}

}  // namespace

Result<AzureTarget> ResolveAzureTarget(const CliContext& context, const UserConfig& config) {
  auto cloud = ResolveAzureCloud(context.env("AZURE_CLOUD"), context.env("AZURE_AUTHORITY_HOST"));
  if (!cloud) return tl::unexpected(cloud.error());
  AzureTarget target;
  target.cloud = std::move(*cloud);
  target.subscription_id = NonEmpty(context.env, "AZURE_SUBSCRIPTION_ID")
                               .value_or(config.azure_subscription_id.value_or(""));
  return target;
}

Result<AzureAccessToken> FindAzureToken(const CliContext& context, const AzureCloud& cloud) {
  CurlHttpClient http(AzureHttpOptions(context.env));
  CurlHttpOptions imds_options = AzureHttpOptions(context.env);
  // Off Azure nothing answers at the metadata address: give up fast.
  imds_options.timeouts.connect = std::chrono::milliseconds(1000);
  imds_options.timeouts.total = std::chrono::milliseconds(3000);
  CurlHttpClient imds_http(imds_options);
  AzureTokenOptions options;
  options.run_cli = RunCredentialProcess;
  options.cli_available = OnPath("az", context.env);
  return ResolveAzureToken(context.env, cloud, http, imds_http, options);
}

AzureSession::AzureSession(const CliContext& context, AzureTarget target)
    : context_(context), target_(std::move(target)) {}

AzureSession::~AzureSession() = default;

Result<std::unique_ptr<AzureSession>> AzureSession::Start(const CliContext& context,
                                                          const PlannedRun& planned,
                                                          const AzureTarget& target) {
  PrintWarnings(context, planned.plan.enforcement_warnings);
  auto token = FindAzureToken(context, target.cloud);
  if (!token) return tl::unexpected(token.error());
  auto random = RandomBytes(kSessionIdRandomBytes);
  if (!random) return tl::unexpected(random.error());

  std::unique_ptr<AzureSession> session(new AzureSession(context, target));
  session->id_ = SessionIdFromRandom(*random);
  session->ttl_ = planned.plan.ttl;
  const auto now = std::chrono::system_clock::now();
  session->ends_at_ = now + planned.plan.ttl;
  session->log_ = std::make_unique<AuditLog>(context.paths.state_dir);
  session->store_ = std::make_unique<SessionStore>(context.paths.state_dir);
  SessionStart start{session->id_, now, token->source, context.env("AUDEX_AGENT_ID")};
  auto recorder = SessionRecorder::Begin(*session->log_, *session->store_, SystemClock(),
                                         NewSessionRecord(planned.request, planned.plan, start));
  if (!recorder) return tl::unexpected(recorder.error());
  session->recorder_.emplace(std::move(*recorder));

  if (token->expiration && *token->expiration < session->ends_at_) {
    context.err << fmt::format(
        "tryaudex: warning: the Azure token expires at {}, before the TTL; the command may "
        "fail after that\n",
        FormatRfc3339(*token->expiration));
  }
  IssuedCredentials issued;
  issued.expiration = token->expiration && *token->expiration < session->ends_at_
                          ? *token->expiration
                          : session->ends_at_;
  issued.source = token->source;
  issued.token_prefix = TokenPrefix(token->token.Reveal());
  if (auto recorded = session->recorder_->CredentialsIssued(issued); !recorded) {
    return tl::unexpected(recorded.error());
  }
  session->token_ = std::move(*token);
  return session;
}

Result<int> AzureSession::RunChild(const std::vector<std::string>& command) {
  const auto fail = [&](const Error& error) -> Result<int> {
    if (auto recorded = recorder_->Ended(kExitCannotExecute, std::nullopt); !recorded) {
      return tl::unexpected(recorded.error());
    }
    return tl::unexpected(error);
  };
  if (target_.subscription_id.empty() && !token_.subscription_id) {
    context_.err << "tryaudex: warning: no subscription is known, so `az` in the command is not "
                    "signed in (the Azure SDKs are); set AZURE_SUBSCRIPTION_ID or "
                    "azure_subscription_id in config.toml\n";
  }
  auto config_dir = ScratchDirectory::Create(context_.env, "audex-az-");
  if (!config_dir) return fail(config_dir.error());
  if (auto prepared = PrepareAzureConfig(config_dir->path(), context_.env, target_, token_);
      !prepared) {
    return fail(prepared.error());
  }
  auto secret = RandomBytes(16);
  if (!secret) return fail(secret.error());
  auto endpoint = LocalIdentityEndpoint::Start(token_.token, token_.expiration.value_or(ends_at_),
                                               ends_at_, SecretString(HexEncode(*secret)));
  if (!endpoint) return fail(endpoint.error());

  AzureChildInput child;
  child.parent = CurrentEnvironment();
  child.msi_endpoint = (*endpoint)->MsiEndpoint();
  child.identity_endpoint = (*endpoint)->IdentityEndpoint();
  child.identity_header = HexEncode(*secret);
  child.config_dir = config_dir->path().string();
  child.subscription_id = !target_.subscription_id.empty() ? target_.subscription_id
                                                           : token_.subscription_id.value_or("");
  child.session_id = id_;
  // Azure tokens live about an hour whatever the TTL: Audex ends the
  // command when the TTL runs out (and the endpoint stops serving).
  const auto remaining =
      std::chrono::duration_cast<std::chrono::seconds>(ends_at_ - std::chrono::system_clock::now());
  return RunRecordedChild(context_, *recorder_, command, ComputeAzureChildEnvironment(child),
                          std::max(remaining, std::chrono::seconds(1)));
}

}  // namespace audex
