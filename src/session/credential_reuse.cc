// credential-process's cache hit, recorded on the session that issued (credential_reuse.h).
#include "session/credential_reuse.h"

#include "adapters/store/audit_log.h"
#include "adapters/store/credential_cache_store.h"
#include "core/audit/audit_event.h"
#include "core/audit/session_record.h"

namespace audex {

bool CacheMayAnswer(const PlannedSession& planned) {
  const SessionPlan& plan = planned.plan;
  return plan.aws && plan.aws->use_cache && plan.command.empty() &&
         plan.aws->method != AwsIssueMethod::kServer;
}

Result<std::optional<AwsCredentials>> ReuseCachedCredentials(const PlannedSession& planned,
                                                             World& world) {
  if (!CacheMayAnswer(planned)) return std::optional<AwsCredentials>();
  const SessionPlan& plan = planned.plan;
  const CredentialCacheStore cache(world.paths.state_dir);
  if (auto key = cache.RefuseSharedKey(); !key) return tl::unexpected(key.error());
  // A cache that cannot be read is Session::Start's to warn about; it asks
  // STS then.
  auto found = cache.Lookup(CacheEntryName(CacheRequestFor(*plan.aws)));
  if (!found || !*found || (*found)->session_id.empty() ||
      !ReusableAt(**found, world.clock(), plan.aws->cache_margin, plan.aws->duration)) {
    return std::optional<AwsCredentials>();
  }
  for (const std::string& warning : plan.enforcement_warnings) world.Warn(warning);
  AuditLog log(world.paths.state_dir, world.clock);
  AuditEvent reused = CredentialsReusedEvent(
      (*found)->session_id, DescribeIssued((*found)->credentials), world.env("AUDEX_AGENT_ID"));
  if (auto appended = log.Append(std::move(reused), AppendDurability::kUnsynced); !appended) {
    return tl::unexpected(appended.error());
  }
  return std::optional<AwsCredentials>(std::move((*found)->credentials));
}

}  // namespace audex
