// Health: what Audex would use, checked — for AWS the region, STS
// endpoint, role, base credentials and the caller's identity; for GCP the
// service account, base token and one real impersonation; for Azure the
// cloud, subscription and token; for every provider whether the sandbox
// is available and what it hides. `tryaudex health` prints the result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "session/world.h"

namespace audex {

struct HealthRequest {
  std::string check = "aws";  // aws, gcp or azure
  std::optional<std::string> role_arn;
  std::optional<std::string> region;
};

struct HealthItem {
  std::string key;  // "region", "base_credentials", ...
  bool ok = false;
  std::string detail;  // the value, or what is wrong; never a secret
};

struct HealthReport {
  std::vector<HealthItem> items;
  bool healthy() const;
};

// Runs the checks; an item that fails is in the report, not an error.
// Errors (kUsage) only for settings that make the checks impossible: an
// unreadable configuration, a malformed region or endpoint override.
Result<HealthReport> CheckHealth(const HealthRequest& request, World& world);

// {"KEY": {"ok", "detail"}, ..., "healthy"}
nlohmann::ordered_json HealthReportJson(const HealthReport& report);

}  // namespace audex
