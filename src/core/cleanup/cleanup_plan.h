// CleanupPlan: what `tryaudex cleanup` deletes for one session — the
// resources that carry its tag (Resource Groups Tagging API), the objects
// inside its buckets, and what CloudTrail says it created without the tag
// (listed, never deleted) — sorted so that nothing is deleted before what
// depends on it (objects before buckets, instances before security groups).
// Pure: the lookups and the deletions are the session engine's
// (session/cleanup.h).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/plan/session_tagging.h"

namespace audex {

// The kinds cleanup deletes; everything else a session tagged is listed as
// kUnsupported and left alone (README, "cleanup").
enum class ResourceKind {
  kS3Object,
  kS3Bucket,
  kEc2Instance,
  kEc2SecurityGroup,
  kDynamoDbTable,
  kLambdaFunction,
  kSqsQueue,
  kSnsTopic,
  kUnsupported,
};

// "S3 object", "EC2 security group", ...; "unsupported" for the rest.
std::string_view ResourceKindName(ResourceKind kind);

// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, split.
struct AwsArn {
  std::string partition;
  std::string service;
  std::string region;
  std::string account;
  std::string resource;
};
std::optional<AwsArn> ParseArn(std::string_view arn);

struct SessionResource {
  std::string arn;
  ResourceKind kind = ResourceKind::kUnsupported;
  std::string type;  // "s3:bucket", "ec2:security-group", "dynamodb:table": service and type
  std::string region;
  std::string account;
  std::string name;        // bucket, object key, table, instance or group id, function, queue
  std::string bucket;      // S3 objects: the bucket holding it
  std::string version_id;  // S3 objects: the version ("null" for an unversioned bucket)
  std::string found_by;    // "tag", "bucket" (inside a tagged bucket), "cloudtrail"
};

// The resource an ARN names. Unknown shapes are kUnsupported with the
// ARN's service as type.
SessionResource DescribeResource(std::string_view arn, std::string found_by);

// An object of a bucket as S3 lists it (ListObjectVersions).
struct BucketObject {
  std::string key;
  std::string version_id;  // "null" when the bucket was never versioned
};

struct CleanupPlan {
  SessionTag tag;
  std::vector<SessionResource> to_delete;    // in deletion order
  std::vector<SessionResource> unsupported;  // tagged, of a kind cleanup does not delete
  // Created by the session according to CloudTrail, but without the tag:
  // shown so that the user knows, never deleted.
  std::vector<SessionResource> untagged;
};

// The order deletions go in: an S3 bucket's objects, then instances (they
// use security groups), then functions, tables, queues and topics, then
// security groups, then buckets.
int DeletionRank(ResourceKind kind);

// The plan from what the lookups found: `tagged` (ARNs carrying the tag),
// the objects of each tagged bucket (by bucket name), and the ARNs
// CloudTrail shows the session creating. Sorted by DeletionRank, then ARN;
// duplicates removed.
CleanupPlan PlanCleanup(const SessionTag& tag, const std::vector<std::string>& tagged,
                        const std::map<std::string, std::vector<BucketObject>>& objects,
                        const std::vector<std::string>& created_per_cloudtrail);

// How deleting one resource went.
struct DeletionOutcome {
  SessionResource resource;
  enum class Result { kDeleted, kFailed, kSkipped } result = Result::kFailed;
  std::string detail;  // why it failed or was skipped; empty when deleted
};

// The plan and, after a deletion, the outcomes, as `cleanup --json` prints
// them: tag, resources (arn, type, kind, found_by), unsupported, untagged,
// and outcomes (arn, result, detail).
nlohmann::ordered_json CleanupJson(const CleanupPlan& plan,
                                   const std::vector<DeletionOutcome>& outcomes);

}  // namespace audex
