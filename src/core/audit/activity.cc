#include "core/audit/activity.h"

#include <algorithm>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

std::vector<NamedCount> MostFirst(const std::map<std::string, size_t>& counts, size_t keep) {
  std::vector<NamedCount> rows;
  for (const auto& [name, count] : counts) rows.push_back({name, count});
  std::stable_sort(rows.begin(), rows.end(),
                   [](const NamedCount& a, const NamedCount& b) { return a.count > b.count; });
  if (rows.size() > keep) rows.resize(keep);
  return rows;
}

}  // namespace

void ActivityCounter::AddSession(TimePoint created, const std::string& provider,
                                 const std::string& profile,
                                 const std::vector<std::string>& actions) {
  // The day of an RFC 3339 UTC time is its first ten characters.
  ++by_day_[{FormatRfc3339(created).substr(0, 10), provider, profile}];
  for (const std::string& action : actions) ++actions_[action];
}

void ActivityCounter::AddRefusal(const std::string& rule) { ++refusals_[rule]; }

Activity ActivityCounter::Finish(TimePoint since, size_t top) const {
  Activity activity;
  activity.since = FormatRfc3339(since);
  for (const auto& [key, count] : by_day_) {
    const auto& [day, provider, profile] = key;
    activity.sessions_by_day.push_back({day, provider, profile, count});
  }
  activity.top_actions = MostFirst(actions_, top);
  activity.refusals = MostFirst(refusals_, refusals_.size());
  return activity;
}

nlohmann::ordered_json ActivityJson(const Activity& activity) {
  using OrderedJson = nlohmann::ordered_json;
  OrderedJson by_day = OrderedJson::array();
  for (const DayCount& row : activity.sessions_by_day) {
    by_day.push_back({{"day", row.day},
                      {"provider", row.provider},
                      {"profile", row.profile},
                      {"count", row.count}});
  }
  const auto named = [](const std::vector<NamedCount>& rows, const char* key) {
    OrderedJson list = OrderedJson::array();
    for (const NamedCount& row : rows) list.push_back({{key, row.name}, {"count", row.count}});
    return list;
  };
  return OrderedJson{{"since", activity.since},
                     {"sessions_by_day", std::move(by_day)},
                     {"top_actions", named(activity.top_actions, "action")},
                     {"refusals", named(activity.refusals, "rule")}};
}

}  // namespace audex
