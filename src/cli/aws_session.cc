#include "cli/aws_session.h"

#include <fmt/format.h>

#include <ostream>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/sts_client.h"
#include "adapters/http/curl_http_client.h"
#include "adapters/process/child_process.h"
#include "adapters/store/random_bytes.h"
#include "catalog/catalog_universe.h"
#include "cli/exit_codes.h"
#include "cli/http_options.h"
#include "cli/run.h"
#include "core/provider.h"
#include "core/rfc3339.h"
#include "core/session_id.h"
#include "core/ttl.h"

namespace audex {

Result<PlannedRun> PlanRunRequest(const RunOptions& options, const CliContext& context) {
  PlannedRun planned;
  AccessRequest& request = planned.request;
  if (options.provider) {
    auto parsed = ParseProviderOption(*options.provider, "--provider");
    if (!parsed) return tl::unexpected(parsed.error());
    request.provider = *parsed;
  }
  request.allow = options.allow;
  request.profile = options.profile;
  request.resource = options.resource;
  request.allow_unknown = options.allow_unknown;
  std::optional<std::chrono::seconds> ttl;
  if (options.ttl) {
    auto parsed = ParseTtl(*options.ttl);
    if (!parsed) return UsageError("--ttl: " + parsed.error().message);
    ttl = *parsed;
  }
  auto loaded = LoadConfigurationFor(context);
  if (!loaded) return tl::unexpected(loaded.error());
  planned.loaded = std::move(*loaded);
  auto plan =
      PlanSession(request, ttl, planned.loaded.config, planned.loaded.profiles, planned.loaded.deny,
                  options.command, &BuiltinAwsActions(), !options.no_compress);
  if (!plan) return tl::unexpected(plan.error());
  planned.plan = std::move(*plan);
  PrintWarnings(context, planned.plan.request.warnings);
  return planned;
}

Result<AwsTarget> ResolveAwsTarget(const std::optional<std::string>& role_arn,
                                   const std::optional<std::string>& region,
                                   const CliContext& context, const UserConfig& config) {
  auto role = ChooseRole(role_arn, context.env("AUDEX_ROLE_ARN"), config.role_arn,
                         config.source.empty() ? "config.toml" : config.source);
  if (!role) return tl::unexpected(role.error());
  auto chosen = ResolveRegion(region, context.env, config.region,
                              AwsProfileRegion(ResolveAwsSharedFiles(context.env)));
  if (!chosen) return tl::unexpected(chosen.error());
  auto endpoint = ResolveStsEndpoint(context.env, chosen->region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  return AwsTarget{std::move(*role), std::move(*chosen), std::move(*endpoint)};
}

AwsSession::AwsSession(const CliContext& context, AwsTarget target)
    : context_(context), target_(std::move(target)) {}

AwsSession::~AwsSession() = default;

Result<std::unique_ptr<AwsSession>> AwsSession::Start(
    const CliContext& context, const PlannedRun& planned, const AwsTarget& target,
    const std::optional<std::string>& source_identity) {
  auto base = ResolveBaseCredentials(context.env);
  if (!base) return tl::unexpected(base.error());
  auto random = RandomBytes(kSessionIdRandomBytes);
  if (!random) return tl::unexpected(random.error());

  std::unique_ptr<AwsSession> session(new AwsSession(context, target));
  session->id_ = SessionIdFromRandom(*random);

  AssumeRoleRequest assume;
  assume.role_arn = target.role.arn;
  // RoleSessionName shows in the assumed-role ARN and in CloudTrail: it
  // ties every call the child makes to this session.
  assume.role_session_name = "audex-" + session->id_;
  assume.duration_seconds = planned.plan.ttl;
  assume.policy = planned.plan.policy_json;
  assume.source_identity = source_identity;
  if (auto valid = ValidateAssumeRoleRequest(assume); !valid) {
    return tl::unexpected(valid.error());
  }

  session->log_ = std::make_unique<AuditLog>(context.paths.state_dir);
  session->store_ = std::make_unique<SessionStore>(context.paths.state_dir);
  SessionStart start{session->id_, std::chrono::system_clock::now(), target.role.arn,
                     context.env("AUDEX_AGENT_ID")};
  auto recorder = SessionRecorder::Begin(*session->log_, *session->store_, SystemClock(),
                                         NewSessionRecord(planned.request, planned.plan, start));
  if (!recorder) return tl::unexpected(recorder.error());
  session->recorder_.emplace(std::move(*recorder));

  CurlHttpClient http(HttpOptionsFrom(context.env));
  StsClientOptions sts_options;
  sts_options.endpoint = target.endpoint.url;
  sts_options.region = target.region.region;
  StsClient sts(http, std::move(sts_options));
  auto assumed = sts.AssumeRole(assume, *base);
  if (!assumed) {
    if (auto recorded = session->recorder_->CredentialsFailed(assumed.error().message); !recorded) {
      return tl::unexpected(recorded.error());
    }
    return tl::unexpected(assumed.error());
  }
  if (auto recorded = session->recorder_->CredentialsIssued(DescribeIssued(assumed->credentials));
      !recorded) {
    return tl::unexpected(recorded.error());
  }
  session->credentials_ = std::move(assumed->credentials);
  return session;
}

Environment AwsSession::ChildEnvironment() const {
  AwsChildInput child;
  child.parent = CurrentEnvironment();
  child.session = credentials_;
  child.region = target_.region.region;
  child.session_id = id_;
  child.expiration_rfc3339 =
      credentials_.expiration ? FormatRfc3339(*credentials_.expiration) : std::string();
  return ComputeAwsChildEnvironment(child);
}

Result<int> AwsSession::RunChild(const std::vector<std::string>& command,
                                 const Environment& environment) {
  return RecordEnd(audex::RunChild(command, environment));
}

Result<AwsSession::CapturedRun> AwsSession::RunChildCapturing(
    const std::vector<std::string>& command, const Environment& environment,
    const CaptureOptions& options) {
  auto captured = audex::RunChildCapturing(command, environment, options);
  CapturedRun run;
  tl::expected<ChildOutcome, SpawnError> outcome = ChildOutcome{};
  if (captured) {
    outcome = captured->outcome;
    run.child = std::move(*captured);
  } else {
    outcome = tl::unexpected(captured.error());
    run.spawn_error = captured.error().message;
  }
  auto status = RecordEnd(outcome);
  if (!status) return tl::unexpected(status.error());
  run.status = *status;
  return run;
}

Result<int> AwsSession::RecordEnd(const tl::expected<ChildOutcome, SpawnError>& outcome) {
  if (!outcome) {
    const int status = outcome.error().failure == SpawnFailure::kNotFound ? kExitCommandNotFound
                                                                          : kExitCannotExecute;
    if (auto recorded = recorder_->Ended(status, std::nullopt); !recorded) {
      return tl::unexpected(recorded.error());
    }
    context_.err << "tryaudex: error: " << outcome.error().message << '\n';
    return status;
  }
  if (auto recorded = recorder_->Ended(outcome->exit_code, outcome->signal); !recorded) {
    // The child ran; say the record is incomplete but keep its status.
    context_.err << "tryaudex: error: " << recorded.error().message << '\n';
  }
  return outcome->ShellStatus();
}

}  // namespace audex
