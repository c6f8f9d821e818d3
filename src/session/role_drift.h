// Drift: what an IAM role really allows (its inline and managed policies,
// explicit Denies and permissions boundary, read with the caller's base
// credentials) compared with the profile or list it should match — as a
// value `tryaudex drift`, MCP and the dashboard render.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/aws/iam_client.h"
#include "core/policy/drift.h"
#include "core/policy/role_permissions.h"
#include "session/world.h"

namespace audex {

struct DriftRequest {
  std::optional<std::string> role_arn;
  std::optional<std::string> expected_policy;  // a built-in or custom profile
  std::optional<std::string> expected_allow;   // an --allow-style list
  bool all_profiles = false;                   // every AWS profile, closest first
  std::optional<std::string> region;
};

// kUsage unless exactly one expected set is named.
Result<void> ValidateDriftRequest(const DriftRequest& request);

struct DriftResult {
  std::string role_arn;
  std::string iam_endpoint;
  FetchedRole fetched;
  RolePermissions permissions;
  std::vector<ProfileFit> fits;  // closest first; one entry unless all_profiles
  Expectation closest;
  DriftReport report;
};

// Settles what the role should allow (before any network call), reads the
// role with the base credentials, evaluates its policies against the
// catalog and compares. Warnings (skipped profiles) go to world.notify.
Result<DriftResult> CheckDrift(const DriftRequest& request, World& world);

// "inline policy NAME", "managed policy ARN (v3)", "permissions boundary ...".
std::string PolicyLabel(const FetchedPolicy& policy);

// What `drift --json` prints.
nlohmann::ordered_json DriftResultJson(const DriftResult& result, bool all_profiles, bool verbose);

}  // namespace audex
