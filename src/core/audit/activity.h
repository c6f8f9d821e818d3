// Activity: the counts the dashboard's Activity view charts — sessions (or
// grants) per UTC day by provider and profile, the most requested actions,
// refusals by the rule that refused them — aggregated from records the
// caller has read (the local session files, or the team store's grants and
// grant_refused events). Pure counting; the JSON is the one shape both the
// local dashboard (GET /api/v1/activity) and the team server
// (GET /v1/activity) answer with.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/base/result.h"

namespace audex {

using TimePoint = std::chrono::system_clock::time_point;

struct DayCount {
  std::string day;  // "2026-12-06" (UTC)
  std::string provider;
  std::string profile;  // "" for none
  size_t count = 0;
};

struct NamedCount {
  std::string name;
  size_t count = 0;
};

struct Activity {
  std::string since;                      // RFC 3339: what was counted started at or after this
  std::vector<DayCount> sessions_by_day;  // by day, provider, profile
  std::vector<NamedCount> top_actions;    // most first, then by name
  std::vector<NamedCount> refusals;       // by rule: most first, then by name
};

class ActivityCounter {
 public:
  // One session or grant created at `created`: `actions` as requested
  // (what was typed, or the profile's when nothing was typed).
  void AddSession(TimePoint created, const std::string& provider, const std::string& profile,
                  const std::vector<std::string>& actions);
  void AddRefusal(const std::string& rule);
  // `top` most requested actions are kept.
  Activity Finish(TimePoint since, size_t top = 10) const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, size_t> by_day_;
  std::map<std::string, size_t> actions_;
  std::map<std::string, size_t> refusals_;
};

nlohmann::ordered_json ActivityJson(const Activity& activity);

}  // namespace audex
