// Cleanup: what a session created, found by the tag it carries (the
// Resource Groups Tagging API, and CloudTrail when asked), and deleted in
// dependency order, each resource's tag checked again just before. Nothing
// that does not carry the session's tag is deleted: objects go with the
// bucket that carries it, and what CloudTrail shows the session creating
// without the tag is only listed. `tryaudex cleanup` renders the findings
// and the outcomes (core/cleanup/cleanup_plan.h, CleanupJson).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/audit/session_record.h"
#include "core/cleanup/cleanup_plan.h"
#include "session/world.h"

namespace audex {

struct CleanupRequest {
  // A session id, or a unique beginning of one in the session store; a
  // whole id without a record works too (its tag is audex-session=<id>).
  std::string session;
  std::optional<std::string> region;  // --region: else the session's, else the usual chain
  bool cloudtrail = false;            // --cloudtrail: also ask what it created
};

struct CleanupFindings {
  std::string session_id;
  std::optional<SessionRecord> record;
  std::string region;
  CleanupPlan plan;
  std::vector<std::string> notes;  // what could not be consulted, and why
};

// Resolves the session and its tag (a replay's is the replayed session's),
// the region, and the base credentials (the SDKs' chain: cleanup runs with
// your own credentials, which need tag:GetResources and the deletes), then
// asks the Tagging API for every resource that carries the tag, lists the
// objects of the tagged buckets, and, with `cloudtrail`, reads CloudTrail's
// create events of the session's access key (a failure there is a note).
// kUsage for a session that is neither recorded nor an id; kCredentials
// when a lookup fails.
Result<CleanupFindings> FindSessionResources(const CleanupRequest& request, World& world);

// Deletes findings.plan.to_delete in order. The tag of every resource is
// read again first (objects: their bucket's); one that no longer carries
// the session's tag is skipped, and so are the objects of such a bucket.
// A failed delete is reported and the rest go on. `progress` is called
// after each resource. The outcome is recorded in the audit log
// (resources_deleted, under the session's id).
Result<std::vector<DeletionOutcome>> DeleteSessionResources(
    const CleanupFindings& findings, World& world,
    const std::function<void(const DeletionOutcome&)>& progress);

}  // namespace audex
