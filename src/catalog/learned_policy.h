// LearnedPolicy: the least privilege a command showed it needs, from the
// API calls an observer saw: each IAM action with its call counts (and how
// many were denied), calls that need no permission, calls no action is
// known for, and the actions some calls need only with parameters the
// observation cannot see. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/operation_map.h"
#include "core/wire/observed_call.h"

namespace audex {

struct LearnedAction {
  std::string action;  // canonical, "s3:ListBucket"
  size_t calls = 0;
  size_t denied = 0;                    // refused for lack of permission
  size_t failed = 0;                    // other errors (NoSuchKey, throttling, ...)
  std::vector<std::string> operations;  // "S3 ListObjectsV2", sorted
};

struct UnmappedOperation {
  std::string service;    // as observed: "STS", "sts.amazonaws.com"
  std::string operation;  // "GetCallerIdentity"
  size_t calls = 0;
};

struct LearnedConditional {
  std::string action;     // "iam:TagRole"
  std::string when;       // "when the request carries tags"
  std::string operation;  // the call that may need it: "IAM CreateRole"
};

struct LearnedPolicy {
  size_t total_calls = 0;
  std::vector<LearnedAction> actions;  // sorted by action name, case-insensitively
  std::vector<UnmappedOperation> no_permission;
  std::vector<UnmappedOperation> unknown;
  std::vector<LearnedConditional> conditional;  // not already in `actions`
  std::vector<std::string> resources;           // ARNs the observation named, sorted

  // "s3:GetObject,s3:ListBucket": every observed action, denied ones too
  // (the command asked for them).
  std::string AllowList() const;

  // The recommended --resource list: every ARN observed, and for an S3
  // bucket its objects too (bucket/*), since the object actions need them.
  std::vector<std::string> RecommendedResources() const;
};

LearnedPolicy LearnPolicy(const ActionCatalog& catalog, const std::vector<ObservedCall>& calls);

}  // namespace audex
