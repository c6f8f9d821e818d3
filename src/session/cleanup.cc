#include "session/cleanup.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "adapters/aws/cloudtrail_client.h"
#include "adapters/aws/credential_chain.h"
#include "adapters/aws/resource_cleaner.h"
#include "adapters/aws/tagging_client.h"
#include "adapters/store/audit_log.h"
#include "adapters/store/session_store.h"
#include "catalog/catalog_universe.h"
#include "core/audit/session_id.h"
#include "core/plan/aws_endpoints.h"

namespace audex {
namespace {

struct SessionTarget {
  std::string id;
  std::optional<SessionRecord> record;
  SessionTag tag;
};

Result<SessionTarget> ResolveSession(const std::string& wanted, const World& world) {
  const SessionStore store(world.paths.state_dir);
  auto record = store.Load(wanted);
  SessionTarget target;
  if (record) {
    target.id = record->id;
    target.tag = SessionTag{std::string(kSessionTagKey), record->id};
    if (record->session_tag) {
      auto tag = ParseSessionTag(*record->session_tag);
      if (!tag) return tl::unexpected(tag.error());
      target.tag = *tag;
    }
    target.record = std::move(*record);
    return target;
  }
  // A session whose record is gone is still found by its tag.
  if (!IsSessionId(wanted)) return tl::unexpected(record.error());
  target.id = wanted;
  target.tag = SessionTag{std::string(kSessionTagKey), wanted};
  return target;
}

Result<std::string> CleanupRegion(const CleanupRequest& request, const SessionTarget& target,
                                  const World& world) {
  std::optional<std::string> flag = request.region;
  if (!flag && target.record && target.record->region) flag = target.record->region;
  auto region = ResolveRegion(flag, world.env, std::nullopt,
                              AwsProfileRegion(ResolveAwsSharedFiles(world.env)));
  if (!region) return tl::unexpected(region.error());
  return region->region;
}

// The ARNs of resources CloudTrail shows the session's access key creating
// (create actions by the catalog's facts, calls that did not fail).
Result<std::vector<std::string>> CreatedPerCloudTrail(const SessionRecord& record,
                                                      const AwsCredentials& base,
                                                      const std::string& region, World& world) {
  if (!record.access_key_id) {
    return CredentialsError("the session's record has no access key id to look it up by");
  }
  auto endpoint = ResolveCloudTrailEndpoint(world.env, region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  std::unique_ptr<HttpClient> http = world.http(HttpOptionsFrom(world.env));
  CloudTrailClientOptions options;
  options.endpoint = *endpoint;
  options.region = region;
  options.retry.max_attempts = 3;
  CloudTrailClient client(*http, std::move(options));
  std::vector<std::string> arns;
  std::optional<std::string> token;
  // One pass over what CloudTrail has delivered so far (no waiting: cleanup
  // may run long after the session; learn is the command that waits).
  for (int page = 0; page < 200; ++page) {
    auto events = client.LookupEvents(base, *record.access_key_id,
                                      record.created - std::chrono::minutes(1), token);
    if (!events) return tl::unexpected(events.error());
    for (const CloudTrailEvent& event : events->events) {
      if (!event.error_code.empty()) continue;
      const std::string service = event.event_source.substr(0, event.event_source.find('.'));
      const auto facts = BuiltinAwsActions().TagFacts(service + ":" + event.event_name);
      if (!facts || !facts->creates) continue;
      arns.insert(arns.end(), event.resources.begin(), event.resources.end());
    }
    if (!events->next_token) break;
    token = events->next_token;
  }
  return arns;
}

CleanerOptions CleanerOptionsFor(const World& world, const std::string& region) {
  CleanerOptions options;
  options.env = world.env;
  options.region = region;
  // AUDEX_CLEANUP_DEPENDENCY_WAIT_MS: tests shorten the wait for a security
  // group's instances to go.
  if (const auto wait = world.env("AUDEX_CLEANUP_DEPENDENCY_WAIT_MS"); wait && !wait->empty()) {
    try {
      options.dependency_wait = std::chrono::milliseconds(std::stol(*wait));
    } catch (const std::exception&) {
      // keep the default
    }
  }
  return options;
}

// The Resource Groups Tagging API of `region`, and the base credentials
// both finding and deleting call with.
struct TaggingAccess {
  AwsCredentials base;
  std::unique_ptr<HttpClient> http;
  std::optional<TaggingClient> tagging;
};

Result<TaggingAccess> OpenTagging(World& world, const std::string& region) {
  auto base = ResolveBaseCredentials(world.env);
  if (!base) return tl::unexpected(base.error());
  auto endpoint =
      ResolveServiceEndpoint(world.env, "RESOURCE_GROUPS_TAGGING_API", "tagging", region);
  if (!endpoint) return tl::unexpected(endpoint.error());
  TaggingAccess access{std::move(*base), world.http(HttpOptionsFrom(world.env)), std::nullopt};
  AwsCallOptions call;
  call.scope = {region, "tagging"};
  access.tagging.emplace(*access.http, endpoint->url, call);
  return access;
}

}  // namespace

Result<CleanupFindings> FindSessionResources(const CleanupRequest& request, World& world) {
  auto target = ResolveSession(request.session, world);
  if (!target) return tl::unexpected(target.error());
  CleanupFindings findings;
  findings.session_id = target->id;
  findings.record = target->record;
  if (findings.record && findings.record->provider != Provider::kAws) {
    return UsageError(fmt::format(
        "session {} is a {} session; cleanup finds AWS resources by their tag (run --tag-session)",
        findings.session_id, ProviderName(findings.record->provider)));
  }
  auto region = CleanupRegion(request, *target, world);
  if (!region) return tl::unexpected(region.error());
  findings.region = *region;
  auto access = OpenTagging(world, findings.region);
  if (!access) return tl::unexpected(access.error());
  const AwsCredentials* base = &access->base;
  HttpClient* http = access->http.get();

  auto tagged = access->tagging->FindByTag(*base, target->tag.key, target->tag.value);
  if (!tagged) return tl::unexpected(tagged.error());
  ResourceCleaner cleaner(*http, *base, CleanerOptionsFor(world, findings.region));
  // A terminated instance is gone though the Tagging API still lists it.
  std::map<std::string, std::vector<std::string>> instances_by_region;
  for (const TaggedResource& resource : *tagged) {
    const SessionResource described = DescribeResource(resource.arn, "tag");
    if (described.kind == ResourceKind::kEc2Instance) {
      instances_by_region[described.region].push_back(described.name);
    }
  }
  std::set<std::string> terminated;
  for (const auto& [instance_region, ids] : instances_by_region) {
    auto found = cleaner.TerminatedInstances(ids, instance_region);
    if (!found) return tl::unexpected(found.error());
    terminated.insert(found->begin(), found->end());
  }
  std::vector<std::string> arns;
  for (const TaggedResource& resource : *tagged) {
    const SessionResource described = DescribeResource(resource.arn, "tag");
    if (described.kind == ResourceKind::kEc2Instance && terminated.count(described.name) != 0) {
      continue;
    }
    arns.push_back(resource.arn);
  }

  std::map<std::string, std::vector<BucketObject>> objects;
  for (const std::string& arn : arns) {
    const SessionResource resource = DescribeResource(arn, "tag");
    if (resource.kind != ResourceKind::kS3Bucket || objects.count(resource.name) != 0) continue;
    auto listed = cleaner.ListObjects(resource.name);
    if (!listed) return tl::unexpected(listed.error());
    objects[resource.name] = std::move(*listed);
  }

  std::vector<std::string> created;
  if (request.cloudtrail) {
    if (!findings.record) {
      findings.notes.push_back(
          "CloudTrail not consulted: the session has no record to say which "
          "access key it used");
    } else if (auto found = CreatedPerCloudTrail(*findings.record, *base, findings.region, world);
               !found) {
      findings.notes.push_back("CloudTrail not consulted: " + found.error().message);
    } else {
      created = std::move(*found);
    }
  }
  findings.plan = PlanCleanup(target->tag, arns, objects, created);
  return findings;
}

Result<std::vector<DeletionOutcome>> DeleteSessionResources(
    const CleanupFindings& findings, World& world,
    const std::function<void(const DeletionOutcome&)>& progress) {
  auto access = OpenTagging(world, findings.region);
  if (!access) return tl::unexpected(access.error());
  const AwsCredentials* base = &access->base;
  HttpClient* http = access->http.get();
  TaggingClient& tagging = *access->tagging;
  const SessionTag& tag = findings.plan.tag;

  // The tags as they are now, not as they were when the list was made.
  std::vector<std::string> tagged_arns;
  for (const SessionResource& resource : findings.plan.to_delete) {
    if (resource.kind != ResourceKind::kS3Object) tagged_arns.push_back(resource.arn);
  }
  auto current = tagging.TagsOf(*base, tagged_arns);
  if (!current) return tl::unexpected(current.error());
  std::set<std::string> still_tagged;
  for (const TaggedResource& resource : *current) {
    if (resource.Tag(tag.key) == tag.value) still_tagged.insert(resource.arn);
  }

  ResourceCleaner cleaner(*http, *base, CleanerOptionsFor(world, findings.region));
  std::vector<DeletionOutcome> outcomes;
  std::vector<std::string> deleted, failed, skipped;
  for (const SessionResource& resource : findings.plan.to_delete) {
    DeletionOutcome outcome{resource, DeletionOutcome::Result::kFailed, ""};
    const std::string checked_arn =
        resource.kind == ResourceKind::kS3Object
            ? fmt::format("arn:{}:s3:::{}", ParseArn(resource.arn)->partition, resource.bucket)
            : resource.arn;
    if (still_tagged.count(checked_arn) == 0) {
      outcome.result = DeletionOutcome::Result::kSkipped;
      outcome.detail = resource.kind == ResourceKind::kS3Object
                           ? fmt::format("its bucket no longer carries {}", tag.Text())
                           : fmt::format("no longer carries {}", tag.Text());
      skipped.push_back(resource.arn);
    } else if (auto result = cleaner.Delete(resource); !result) {
      outcome.detail = result.error().message;
      failed.push_back(resource.arn);
    } else {
      outcome.result = DeletionOutcome::Result::kDeleted;
      if (*result == DeleteResult::kAlreadyGone) outcome.detail = "already gone";
      deleted.push_back(resource.arn);
    }
    if (progress) progress(outcome);
    outcomes.push_back(std::move(outcome));
  }
  AuditLog log(world.paths.state_dir, world.clock);
  if (auto appended = log.Append(
          ResourcesDeletedEvent(findings.session_id, tag.Text(), deleted, failed, skipped));
      !appended) {
    return tl::unexpected(appended.error());
  }
  return outcomes;
}

}  // namespace audex
