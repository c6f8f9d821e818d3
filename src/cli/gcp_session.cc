#include "cli/gcp_session.h"

#include <fmt/format.h>

#include <ostream>

#include "adapters/gcp/gcp_iam_client.h"
#include "adapters/http/curl_http_client.h"
#include "adapters/process/child_process.h"
#include "adapters/store/random_bytes.h"
#include "cli/cloud_child.h"
#include "cli/exit_codes.h"
#include "cli/http_options.h"
#include "core/session_id.h"

namespace audex {
namespace {

std::optional<std::string> NonEmpty(const EnvLookup& env, const std::string& name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

Result<void> CheckServiceAccount(const std::string& account, const std::string& source) {
  const bool numeric_id =
      !account.empty() && account.find_first_not_of("0123456789") == std::string::npos;
  const bool email = account.find('@') != std::string::npos &&
                     account.find('/') == std::string::npos &&
                     account.find(' ') == std::string::npos;
  if (!numeric_id && !email) {
    return UsageError(
        fmt::format("{}: \"{}\" is not a service account: give its email, e.g. "
                    "audex@my-project.iam.gserviceaccount.com",
                    source, account));
  }
  return {};
}

}  // namespace

CurlHttpOptions GcpHttpOptions(const EnvLookup& env) {
  CurlHttpOptions options = HttpOptionsFrom(env);
  if (auto bundle = NonEmpty(env, "CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE"))
    options.ca_bundle = *bundle;
  return options;
}

CurlHttpOptions GcpMetadataHttpOptions(const EnvLookup& env) {
  CurlHttpOptions options = GcpHttpOptions(env);
  options.timeouts.connect = std::chrono::milliseconds(1000);
  options.timeouts.total = std::chrono::milliseconds(3000);
  return options;
}

Result<GcpTarget> ResolveGcpTarget(const std::optional<std::string>& role_arn,
                                   const CliContext& context, const UserConfig& config) {
  GcpTarget target;
  if (role_arn && !role_arn->empty()) {
    target.service_account = *role_arn;
    target.source = "--role-arn";
  } else if (auto account = NonEmpty(context.env, "AUDEX_GCP_SERVICE_ACCOUNT")) {
    target.service_account = *account;
    target.source = "AUDEX_GCP_SERVICE_ACCOUNT";
  } else if (config.gcp_service_account && !config.gcp_service_account->empty()) {
    target.service_account = *config.gcp_service_account;
    target.source = "gcp_service_account in " + config.source;
  } else {
    return UsageError(
        "no service account to impersonate for GCP: pass --role-arn SA_EMAIL, set "
        "AUDEX_GCP_SERVICE_ACCOUNT, or set gcp_service_account in config.toml");
  }
  if (auto checked = CheckServiceAccount(target.service_account, target.source); !checked) {
    return tl::unexpected(checked.error());
  }
  target.project =
      NonEmpty(context.env, "AUDEX_GCP_PROJECT").value_or(config.gcp_project.value_or(""));
  target.endpoints = ResolveGcpEndpoints(context.env);
  return target;
}

GcpSession::GcpSession(const CliContext& context, GcpTarget target)
    : context_(context), target_(std::move(target)) {}

GcpSession::~GcpSession() = default;

Result<std::unique_ptr<GcpSession>> GcpSession::Start(const CliContext& context,
                                                      const PlannedRun& planned,
                                                      const GcpTarget& target) {
  PrintWarnings(context, planned.plan.enforcement_warnings);
  CurlHttpClient http(GcpHttpOptions(context.env));
  CurlHttpClient metadata_http(GcpMetadataHttpOptions(context.env));
  auto base = ResolveGcpBaseToken(context.env, http, metadata_http);
  if (!base) return tl::unexpected(base.error());
  auto random = RandomBytes(kSessionIdRandomBytes);
  if (!random) return tl::unexpected(random.error());

  std::unique_ptr<GcpSession> session(new GcpSession(context, target));
  session->id_ = SessionIdFromRandom(*random);
  session->log_ = std::make_unique<AuditLog>(context.paths.state_dir);
  session->store_ = std::make_unique<SessionStore>(context.paths.state_dir);
  SessionStart start{session->id_, std::chrono::system_clock::now(), target.service_account,
                     context.env("AUDEX_AGENT_ID")};
  auto recorder = SessionRecorder::Begin(*session->log_, *session->store_, SystemClock(),
                                         NewSessionRecord(planned.request, planned.plan, start));
  if (!recorder) return tl::unexpected(recorder.error());
  session->recorder_.emplace(std::move(*recorder));

  const auto fail = [&](const Error& error) -> Result<std::unique_ptr<GcpSession>> {
    if (auto recorded = session->recorder_->CredentialsFailed(error.message); !recorded) {
      return tl::unexpected(recorded.error());
    }
    return tl::unexpected(error);
  };
  auto token =
      GenerateAccessToken(http, target.endpoints, *base, target.service_account, planned.plan.ttl);
  if (!token) return fail(token.error());
  if (planned.plan.access_boundary) {
    auto narrowed =
        ExchangeWithAccessBoundary(http, target.endpoints, *token, *planned.plan.access_boundary);
    if (!narrowed) return fail(narrowed.error());
    token = std::move(narrowed);
  }
  IssuedCredentials issued;
  issued.expiration = token->expiration;
  issued.source = token->source;
  issued.token_prefix = TokenPrefix(token->token.Reveal());
  if (auto recorded = session->recorder_->CredentialsIssued(issued); !recorded) {
    return tl::unexpected(recorded.error());
  }
  session->token_ = std::move(*token);
  return session;
}

Result<int> GcpSession::RunChild(const std::vector<std::string>& command) {
  auto config_dir = ScratchDirectory::Create(context_.env, "audex-gcloud-");
  if (!config_dir) {
    if (auto recorded = recorder_->Ended(kExitCannotExecute, std::nullopt); !recorded) {
      return tl::unexpected(recorded.error());
    }
    return tl::unexpected(config_dir.error());
  }
  GcpChildInput child;
  child.parent = CurrentEnvironment();
  child.token = token_.token.Reveal();
  child.project = target_.project;
  child.session_id = id_;
  child.config_dir = config_dir->path().string();
  // The token expires with the TTL (generateAccessToken lifetime), so the
  // child needs no watchdog.
  return RunRecordedChild(context_, *recorder_, command, ComputeGcpChildEnvironment(child));
}

}  // namespace audex
