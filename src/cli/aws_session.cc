#include "cli/aws_session.h"

#include <fmt/format.h>

#include <charconv>
#include <ostream>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/sts_client.h"
#include "adapters/http/curl_http_client.h"
#include "adapters/process/child_process.h"
#include "adapters/store/credential_cache_store.h"
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

Result<PlannedRun> PlanRunRequest(const RunOptions& options, const CliContext& context,
                                  const LoadedConfiguration* configuration) {
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
  request.unscoped_allowed = options.unscoped_allowed;
  std::optional<std::chrono::seconds> ttl;
  if (options.ttl) {
    auto parsed = ParseTtl(*options.ttl);
    if (!parsed) return UsageError("--ttl: " + parsed.error().message);
    ttl = *parsed;
  }
  if (configuration != nullptr) {
    planned.loaded = *configuration;
  } else {
    auto loaded = LoadConfigurationFor(context);
    if (!loaded) return tl::unexpected(loaded.error());
    planned.loaded = std::move(*loaded);
  }
  // GetScopedCredentials takes 1 s to 36 h, not AssumeRole's 15 min to
  // 12 h: its TTL is checked when the session starts
  // (ValidateGetScopedCredentialsRequest), not against the plan's bounds.
  auto plan = PlanSession(request, options.scope_current ? std::nullopt : ttl,
                          planned.loaded.config, planned.loaded.profiles, planned.loaded.deny,
                          options.command, &BuiltinAwsActions(), !options.no_compress);
  if (!plan) return tl::unexpected(plan.error());
  planned.plan = std::move(*plan);
  if (options.scope_current && ttl) planned.plan.ttl = *ttl;
  PrintWarnings(context, planned.plan.request.warnings);
  if (options.scope_current && planned.plan.request.provider != Provider::kAws) {
    return UsageError(fmt::format(
        "--scope-current is AWS only (sts:GetScopedCredentials); {} has no such call: drop "
        "--scope-current",
        ProviderName(planned.plan.request.provider)));
  }
  return planned;
}

Result<AwsTarget> ResolveAwsTarget(const std::optional<std::string>& role_arn,
                                   const std::optional<std::string>& region,
                                   const CliContext& context, const UserConfig& config,
                                   bool need_role) {
  Result<RoleChoice> role = RoleChoice{};
  if (need_role) {
    role = ChooseRole(role_arn, context.env("AUDEX_ROLE_ARN"), config.role_arn,
                      config.source.empty() ? "config.toml" : config.source);
  }
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

namespace {

// GetScopedCredentials is not served by the global endpoint (API reference).
bool IsGlobalStsEndpoint(std::string_view url) {
  return url.find("://sts.amazonaws.com") != std::string_view::npos;
}

StsClientOptions StsOptionsFor(const AwsTarget& target) {
  StsClientOptions options;
  options.endpoint = target.endpoint.url;
  options.region = target.region.region;
  return options;
}

}  // namespace

Result<std::unique_ptr<AwsSession>> AwsSession::Start(
    const CliContext& context, const PlannedRun& planned, const AwsTarget& target,
    const std::optional<std::string>& source_identity, const AwsIssueOptions& issue) {
  auto base = ResolveBaseCredentials(context.env);
  if (!base) return tl::unexpected(base.error());
  auto random = RandomBytes(kSessionIdRandomBytes);
  if (!random) return tl::unexpected(random.error());

  std::unique_ptr<AwsSession> session(new AwsSession(context, target));
  session->id_ = SessionIdFromRandom(*random);
  session->policy_ = planned.plan.policy_json;
  session->ttl_ = planned.plan.ttl;
  session->source_identity_ = source_identity;
  session->scope_current_ = issue.scope_current;

  if (issue.scope_current) {
    if (IsGlobalStsEndpoint(target.endpoint.url)) {
      return UsageError(fmt::format(
          "--scope-current needs a regional STS endpoint, and {} (from {}) is the global one; "
          "unset it or use https://sts.{}.amazonaws.com",
          target.endpoint.url, target.endpoint.source, target.region.region));
    }
    GetScopedCredentialsRequest scoped{session->policy_, session->ttl_};
    if (auto valid = ValidateGetScopedCredentialsRequest(scoped); !valid) {
      return tl::unexpected(valid.error());
    }
  } else {
    AssumeRoleRequest assume;
    assume.role_arn = target.role.arn;
    // RoleSessionName shows in the assumed-role ARN and in CloudTrail: it
    // ties every call the child makes to this session.
    assume.role_session_name = "audex-" + session->id_;
    assume.duration_seconds = session->ttl_;
    assume.policy = session->policy_;
    assume.source_identity = source_identity;
    if (auto valid = ValidateAssumeRoleRequest(assume); !valid) {
      return tl::unexpected(valid.error());
    }
  }

  session->log_ = std::make_unique<AuditLog>(context.paths.state_dir);
  session->store_ = std::make_unique<SessionStore>(context.paths.state_dir);
  SessionStart start{session->id_, std::chrono::system_clock::now(),
                     issue.scope_current ? std::string() : target.role.arn,
                     context.env("AUDEX_AGENT_ID")};
  auto recorder = SessionRecorder::Begin(*session->log_, *session->store_, SystemClock(),
                                         NewSessionRecord(planned.request, planned.plan, start));
  if (!recorder) return tl::unexpected(recorder.error());
  session->recorder_.emplace(std::move(*recorder));

  // The cache is an optimisation: a cache that cannot be read or written
  // costs one STS call and a warning, never the session.
  std::optional<CredentialCacheStore> cache;
  std::string entry_name;
  if (issue.use_cache) {
    // AUDEX_CACHE_MARGIN_SECONDS: tests make entries stale without waiting.
    std::chrono::seconds margin = issue.cache_margin;
    if (auto text = context.env("AUDEX_CACHE_MARGIN_SECONDS"); text && !text->empty()) {
      long value = 0;
      const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
      if (ec != std::errc() || end != text->data() + text->size() || value < 0) {
        return UsageError(fmt::format(
            "AUDEX_CACHE_MARGIN_SECONDS=\"{}\" is not a whole number of seconds; unset it", *text));
      }
      margin = std::chrono::seconds(value);
    }
    cache.emplace(context.paths.state_dir);
    entry_name = CacheEntryName(
        CacheRequest{issue.scope_current ? "" : target.role.arn, session->policy_,
                     target.region.region, target.endpoint.url,
                     issue.scope_current ? "scoped" : "assume-role", source_identity.value_or("")});
    auto found = cache->Lookup(entry_name);
    if (!found) {
      context.err << "tryaudex: warning: credential cache not used: " << found.error().message
                  << '\n';
    } else if (*found &&
               ReusableAt(**found, std::chrono::system_clock::now(), margin, session->ttl_)) {
      if (auto recorded = session->recorder_->CredentialsFromCache(
              DescribeIssued((*found)->credentials), (*found)->session_id);
          !recorded) {
        return tl::unexpected(recorded.error());
      }
      session->credentials_ = std::move((*found)->credentials);
      session->issued_at_ = std::chrono::system_clock::now();
      return session;
    }
  }

  auto issued = session->Issue(*base, session->ttl_);
  if (!issued) {
    if (auto recorded = session->recorder_->CredentialsFailed(issued.error().message); !recorded) {
      return tl::unexpected(recorded.error());
    }
    return tl::unexpected(issued.error());
  }
  const Result<void> recorded =
      issue.scope_current
          ? session->recorder_->CredentialsScoped(DescribeIssued(*issued), base->access_key_id)
          : session->recorder_->CredentialsIssued(DescribeIssued(*issued));
  if (!recorded) return tl::unexpected(recorded.error());
  session->credentials_ = std::move(*issued);
  session->issued_at_ = std::chrono::system_clock::now();
  if (cache) {
    if (auto stored =
            cache->Store(entry_name, CachedCredentials{session->credentials_, session->id_});
        !stored) {
      context.err << "tryaudex: warning: credentials not cached: " << stored.error().message
                  << '\n';
    }
  }
  return session;
}

Result<AwsCredentials> AwsSession::Issue(const AwsCredentials& base,
                                         std::chrono::seconds duration) {
  CurlHttpClient http(HttpOptionsFrom(context_.env));
  StsClient sts(http, StsOptionsFor(target_));
  if (scope_current_) {
    auto scoped = sts.GetScopedCredentials(GetScopedCredentialsRequest{policy_, duration}, base);
    if (!scoped) return tl::unexpected(scoped.error());
    return std::move(scoped->credentials);
  }
  AssumeRoleRequest assume;
  assume.role_arn = target_.role.arn;
  assume.role_session_name = "audex-" + id_;
  assume.duration_seconds = duration;
  assume.policy = policy_;
  assume.source_identity = source_identity_;
  auto assumed = sts.AssumeRole(assume, base);
  if (!assumed) return tl::unexpected(assumed.error());
  return std::move(assumed->credentials);
}

AwsCredentials AwsSession::CurrentCredentials() const {
  std::lock_guard lock(mutex_);
  return credentials_;
}

std::chrono::system_clock::time_point AwsSession::issued_at() const {
  std::lock_guard lock(mutex_);
  return issued_at_;
}

Result<void> AwsSession::Refresh(std::chrono::seconds duration) {
  // STS is called outside the lock: fetches keep being served meanwhile.
  auto base = ResolveBaseCredentials(context_.env);
  if (!base) return tl::unexpected(base.error());
  auto issued = Issue(*base, duration);
  if (!issued) return tl::unexpected(issued.error());
  std::lock_guard lock(mutex_);
  if (ended_) return StateError("the session has ended; its credentials are no longer served");
  ++refreshes_;
  if (auto recorded = recorder_->CredentialsRefreshed(DescribeIssued(*issued), refreshes_);
      !recorded) {
    return tl::unexpected(recorded.error());
  }
  credentials_ = std::move(*issued);
  issued_at_ = std::chrono::system_clock::now();
  return {};
}

Result<void> AwsSession::Note(const std::function<AuditEvent(const SessionRecord&)>& make) {
  std::lock_guard lock(mutex_);
  return recorder_->Note(make(recorder_->record()));
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

Result<int> AwsSession::RunChild(const std::vector<std::string>& command,
                                 const Environment& environment,
                                 const std::function<void()>& before_end) {
  auto outcome = audex::RunChild(command, environment);
  if (before_end) before_end();
  return RecordEnd(outcome);
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
  std::lock_guard lock(mutex_);
  ended_ = true;
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
