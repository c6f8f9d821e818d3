// The AWS part of a session: base credentials from the SDKs' chain, the
// STS call the issue plan describes (AssumeRole or GetScopedCredentials),
// the encrypted cache, renewal, and the child's environment (static keys,
// the serving endpoint, or the brokering one).
#include <atomic>
#include <mutex>

#include "adapters/aws/credential_chain.h"
#include "adapters/store/credential_cache_store.h"
#include "adapters/teamclient/team_client.h"
#include "core/base/rfc3339.h"
#include "core/credentials/child_env.h"
#include "session/aws_issue.h"
#include "session/forwarding.h"
#include "session/provider_session.h"
#include "session/serve.h"

namespace audex {
namespace {

class AwsSession final : public ProviderSession {
 public:
  AwsSession(World& world, const SessionPlan& plan, std::string id)
      : world_(world), plan_(*plan.aws), id_(std::move(id)) {}

  Result<void> FindBase() override {
    // A team server signs with its own base credentials; the token is ours.
    if (plan_.method == AwsIssueMethod::kServer) return {};
    auto base = ResolveBaseCredentials(world_.env, ChainOptionsFor(world_.environment));
    if (!base) return tl::unexpected(base.error());
    base_ = std::move(*base);
    return {};
  }

  std::string RecordedRole() const override {
    if (plan_.method == AwsIssueMethod::kServer && plan_.role.arn.empty()) {
      return "the role of team server " + plan_.server->url;
    }
    return plan_.method == AwsIssueMethod::kScopedCurrent ? std::string() : plan_.role.arn;
  }

  Result<void> Issue(SessionLedger& ledger) override {
    // The cache is an optimisation: a cache that cannot be read or written
    // costs one STS call and a warning, never the session. A key others may
    // have read is different: it is refused (docs/credential-cache.md).
    std::optional<CredentialCacheStore> cache;
    std::string entry_name;
    if (plan_.use_cache) {
      cache.emplace(world_.paths.state_dir);
      if (auto key = cache->RefuseSharedKey(); !key) return key;
      entry_name = CacheEntryName(CacheRequestFor(plan_));
      auto found = cache->Lookup(entry_name);
      if (!found) {
        world_.Warn("credential cache not used: " + found.error().message);
      } else if (*found &&
                 ReusableAt(**found, world_.clock(), plan_.cache_margin, plan_.duration)) {
        if (auto recorded = ledger.Record([&](SessionRecorder& recorder) {
              return recorder.CredentialsFromCache(DescribeIssued((*found)->credentials),
                                                   (*found)->session_id);
            });
            !recorded) {
          return recorded;
        }
        std::lock_guard lock(mutex_);
        credentials_ = std::move((*found)->credentials);
        issued_at_ = world_.clock();
        return {};
      }
    }

    auto issued = Call(plan_.duration);
    if (!issued) return tl::unexpected(issued.error());
    IssuedCredentials described = DescribeIssued(*issued);
    described.session_tags_refused = tags_refused_;
    if (auto recorded = ledger.Record([&](SessionRecorder& recorder) {
          return plan_.method == AwsIssueMethod::kScopedCurrent
                     ? recorder.CredentialsScoped(described, base_.access_key_id)
                     : recorder.CredentialsIssued(described);
        });
        !recorded) {
      return recorded;
    }
    {
      std::lock_guard lock(mutex_);
      credentials_ = std::move(*issued);
      issued_at_ = world_.clock();
    }
    if (cache) {
      if (auto stored = cache->Store(entry_name, CachedCredentials{credentials_, id_}); !stored) {
        world_.Warn("credentials not cached: " + stored.error().message);
      }
    }
    return {};
  }

  AwsCredentials CurrentCredentials() const override {
    std::lock_guard lock(mutex_);
    return credentials_;
  }

  std::chrono::system_clock::time_point IssuedAt() const override {
    std::lock_guard lock(mutex_);
    return issued_at_;
  }

  std::vector<SecretString> Secrets() const override {
    std::lock_guard lock(mutex_);
    return {credentials_.secret_access_key, credentials_.session_token};
  }

  Result<PreparedChild> PrepareChild(Session& session, const Environment& parent) override {
    AwsChildInput child;
    child.parent = parent;
    child.session = CurrentCredentials();
    child.region = plan_.region.region;
    child.session_id = id_;
    child.session_tag =
        plan_.session_tag.value_or(SessionTag{std::string(kSessionTagKey), id_}).Text();
    child.expiration_rfc3339 =
        child.session.expiration ? FormatRfc3339(*child.session.expiration) : std::string();
    PreparedChild prepared;
    prepared.environment = ComputeAwsChildEnvironment(child);
    if (plan_.serve) {
      auto served = ServeCredentials(session, world_, *plan_.serve, prepared.environment);
      if (!served) return tl::unexpected(served.error());
      prepared.environment = std::move(served->environment);
      prepared.keep_alive.push_back(std::move(served->endpoint));
    }
    if (plan_.broker) {
      auto brokered = StartBroker(session, world_, *plan_.broker, prepared.environment);
      if (!brokered) return tl::unexpected(brokered.error());
      prepared.environment = std::move(brokered->environment);
      std::shared_ptr<AwsForwardingEndpoint> endpoint = brokered->endpoint;
      prepared.before_end.push_back([endpoint] { endpoint->Stop(); });
      prepared.keep_alive.push_back(std::move(endpoint));
    }
    return prepared;
  }

  Result<void> Refresh(SessionLedger& ledger, std::chrono::seconds duration) override {
    // STS is called outside the lock: fetches keep being served meanwhile.
    // The base credentials may have been rotated since the session began.
    if (plan_.method != AwsIssueMethod::kServer) {
      auto base = ResolveBaseCredentials(world_.env, ChainOptionsFor(world_.environment));
      if (!base) return tl::unexpected(base.error());
      std::lock_guard lock(mutex_);
      base_ = std::move(*base);
    }
    auto issued = Call(duration);
    if (!issued) return tl::unexpected(issued.error());
    if (auto recorded = ledger.RecordWhileRunning([&](SessionRecorder& recorder) {
          return recorder.CredentialsRefreshed(DescribeIssued(*issued), ++refreshes_);
        });
        !recorded) {
      return recorded;
    }
    std::lock_guard lock(mutex_);
    credentials_ = std::move(*issued);
    issued_at_ = world_.clock();
    return {};
  }

 private:
  // One STS call for `duration` with the current base credentials; or, with
  // a team server, its grant (first) or the grant's renewed credentials.
  Result<AwsCredentials> Call(std::chrono::seconds duration) {
    if (plan_.method == AwsIssueMethod::kServer) {
      std::unique_ptr<HttpClient> http = world_.http(HttpOptionsFrom(world_.env));
      if (grant_)
        return FetchGrantCredentials(*http, grant_->credentials_url, grant_->credentials_token);
      auto grant = RequestGrant(*http, plan_.server->url, plan_.server->token, plan_.server->body,
                                ServerApprovalWait(*plan_.server, world_));
      if (!grant) return tl::unexpected(grant.error());
      AwsCredentials credentials = grant->credentials;
      grant_ = std::move(*grant);
      return credentials;
    }
    AwsCredentials base;
    {
      std::lock_guard lock(mutex_);
      base = base_;
    }
    IssueOptions options;
    options.without_session_tags = tags_refused_;
    auto issued = IssueAwsCredentials(plan_, id_, duration, base, world_, options);
    if (!issued) return tl::unexpected(issued.error());
    if (issued->session_tags_refused) tags_refused_ = true;
    return std::move(issued->credentials);
  }

  World& world_;
  const AwsIssuePlan plan_;
  const std::string id_;
  AwsCredentials base_;
  std::optional<GrantReply> grant_;  // kServer: the grant, for its renewals
  AwsCredentials credentials_;
  std::chrono::system_clock::time_point issued_at_;
  int refreshes_ = 0;  // guarded by the ledger's lock
  // The role refused the session tag once: renewals go without it.
  std::atomic<bool> tags_refused_ = false;
  mutable std::mutex mutex_;  // guards base_, credentials_, issued_at_
};

}  // namespace

std::unique_ptr<ProviderSession> NewAwsSession(World& world, const SessionPlan& plan,
                                               const std::string& id) {
  return std::make_unique<AwsSession>(world, plan, id);
}

}  // namespace audex
