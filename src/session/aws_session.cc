// The AWS part of a session: base credentials from the SDKs' chain, the
// STS call the issue plan describes (AssumeRole or GetScopedCredentials),
// the encrypted cache, renewal, and the child's environment (static keys,
// or the serving endpoint).
#include <fmt/format.h>

#include <atomic>
#include <mutex>

#include "adapters/aws/credential_chain.h"
#include "adapters/aws/sts_client.h"
#include "adapters/store/credential_cache_store.h"
#include "core/base/rfc3339.h"
#include "core/credentials/child_env.h"
#include "session/provider_session.h"
#include "session/serve.h"

namespace audex {
namespace {

class AwsSession final : public ProviderSession {
 public:
  AwsSession(World& world, const SessionPlan& plan, std::string id)
      : world_(world), plan_(*plan.aws), id_(std::move(id)) {}

  Result<void> FindBase() override {
    auto base = ResolveBaseCredentials(world_.env);
    if (!base) return tl::unexpected(base.error());
    base_ = std::move(*base);
    return {};
  }

  std::string RecordedRole() const override {
    return plan_.method == AwsIssueMethod::kScopedCurrent ? std::string() : plan_.role.arn;
  }

  Result<void> Issue(SessionLedger& ledger) override {
    // The cache is an optimisation: a cache that cannot be read or written
    // costs one STS call and a warning, never the session.
    std::optional<CredentialCacheStore> cache;
    std::string entry_name;
    if (plan_.use_cache) {
      cache.emplace(world_.paths.state_dir);
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
    return prepared;
  }

  Result<void> Refresh(SessionLedger& ledger, std::chrono::seconds duration) override {
    // STS is called outside the lock: fetches keep being served meanwhile.
    // The base credentials may have been rotated since the session began.
    auto base = ResolveBaseCredentials(world_.env);
    if (!base) return tl::unexpected(base.error());
    {
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
  // One STS call for `duration` with the current base credentials.
  Result<AwsCredentials> Call(std::chrono::seconds duration) {
    AwsCredentials base;
    {
      std::lock_guard lock(mutex_);
      base = base_;
    }
    std::unique_ptr<HttpClient> http = world_.http(HttpOptionsFrom(world_.env));
    StsClientOptions options;
    options.endpoint = plan_.endpoint.url;
    options.region = plan_.region.region;
    StsClient sts(*http, options);
    if (plan_.method == AwsIssueMethod::kScopedCurrent) {
      auto scoped = sts.GetScopedCredentials(ScopedCredentialsFor(plan_, duration), base);
      if (!scoped) return tl::unexpected(scoped.error());
      return std::move(scoped->credentials);
    }
    // A chain: each hop assumes its role with the previous hop's
    // credentials; only the last hop's are the session's.
    std::vector<AssumeRoleRequest> hops = AssumeRoleHops(plan_, id_, duration);
    AwsCredentials current = std::move(base);
    for (size_t i = 0; i < hops.size(); ++i) {
      AssumeRoleRequest& hop = hops[i];
      if (tags_refused_) DropSessionTags(hop);
      auto assumed = sts.AssumeRole(hop, current);
      if (!assumed && !hop.tags.empty() && RefusedSessionTags(assumed.error())) {
        // The tag in the session policy is what enforces tagging; the
        // session tag only adds it to the principal. A role that does not
        // trust sts:TagSession costs the principal tag, not the session.
        world_.Warn(fmt::format(
            "{} does not allow sts:TagSession in its trust policy: the session goes on without "
            "the session tag {} (the policy's aws:RequestTag conditions still apply); add "
            "sts:TagSession to the trust policy to have it",
            hop.role_arn, plan_.session_tag ? plan_.session_tag->Text() : std::string()));
        tags_refused_ = true;
        DropSessionTags(hop);
        assumed = sts.AssumeRole(hop, current);
      }
      if (!assumed) return tl::unexpected(assumed.error());
      current = std::move(assumed->credentials);
      if (i + 1 < hops.size()) {
        current.source = fmt::format("the session of {} (--chain hop {})", hop.role_arn, i + 1);
      }
    }
    return current;
  }

  static void DropSessionTags(AssumeRoleRequest& hop) {
    hop.tags.clear();
    hop.transitive_tag_keys.clear();
  }

  World& world_;
  const AwsIssuePlan plan_;
  const std::string id_;
  AwsCredentials base_;
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
