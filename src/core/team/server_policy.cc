#include "core/team/server_policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/base/text.h"
#include "core/plan/ttl.h"
#include "core/policy/action_syntax.h"
#include "core/policy/glob.h"

namespace audex {

Result<RateSetting> ParseRateSetting(std::string_view text, std::string_view where) {
  const size_t slash = text.find('/');
  int64_t count = 0;
  const std::string_view number = text.substr(0, slash);
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), count);
  std::optional<double> seconds;
  if (slash != std::string_view::npos) {
    const std::string_view unit = text.substr(slash + 1);
    if (unit == "s" || unit == "sec" || unit == "second") seconds = 1;
    if (unit == "min" || unit == "minute") seconds = 60;
    if (unit == "h" || unit == "hour") seconds = 3600;
  }
  if (ec != std::errc() || end != number.data() + number.size() || count < 1 || !seconds ||
      count > kMaxRateCapacity) {
    return UsageError(fmt::format(
        "{} = \"{}\" is not a rate: give requests per unit, e.g. \"10/min\", \"600/hour\", "
        "\"5/s\"",
        where, text));
  }
  RateSetting setting;
  setting.text = std::string(text);
  setting.limit.capacity = count;
  setting.limit.refill_per_second = static_cast<double>(count) / *seconds;
  if (auto checked = CheckRateLimit(setting.limit); !checked) {
    return UsageError(fmt::format("{} = \"{}\": {}", where, text, checked.error().message));
  }
  return setting;
}

const ServerRule* ServerPolicy::Find(std::string_view name) const {
  const auto found = std::find_if(rules.begin(), rules.end(),
                                  [&](const ServerRule& rule) { return rule.name == name; });
  return found == rules.end() ? nullptr : &*found;
}

namespace {

std::string RuleKey(const ServerRule& rule, std::string_view key) {
  return fmt::format("policies.{}.{}", rule.name, key);
}

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The granted actions no pattern of the rule covers.
std::vector<std::string> Uncovered(const ServerRule& rule, const ResolvedRequest& resolved) {
  const CaseRule case_rule = ActionCaseRule(resolved.provider);
  std::vector<std::string> outside;
  for (const GrantedAction& granted : resolved.actions) {
    const bool covered = std::any_of(
        rule.actions.begin(), rule.actions.end(),
        [&](const std::string& pattern) { return GlobCovers(pattern, granted.action, case_rule); });
    if (!covered) outside.push_back(granted.action);
  }
  return outside;
}

}  // namespace

std::vector<Provider> GrantedProviders(const ServerRule& rule) {
  return rule.providers.empty() ? std::vector<Provider>{Provider::kAws} : rule.providers;
}

std::optional<GrantRefusal> CheckGrant(const ServerRule& rule, const GrantAsk& ask) {
  const std::vector<Provider> providers = GrantedProviders(rule);
  if (std::find(providers.begin(), providers.end(), ask.provider) == providers.end()) {
    return GrantRefusal{
        RuleKey(rule, "providers"),
        fmt::format("policy {} does not allow {} grants", rule.name, ProviderName(ask.provider))};
  }
  const bool profile_listed = ask.profile && Contains(rule.profiles, *ask.profile);
  if (!profile_listed) {
    const std::vector<std::string> outside =
        ask.resolved == nullptr ? std::vector<std::string>{} : Uncovered(rule, *ask.resolved);
    if (ask.resolved == nullptr || ask.resolved->actions.empty() || !outside.empty()) {
      if (ask.profile && outside.empty()) {
        return GrantRefusal{
            RuleKey(rule, "profiles"),
            fmt::format("policy {} does not list profile {}{}", rule.name, *ask.profile,
                        rule.profiles.empty() ? "" : "; it allows " + Join(rule.profiles, ", "))};
      }
      const std::string what = ask.resolved != nullptr && ask.resolved->actions.empty()
                                   ? "a session without an action list (ask with allow or profile)"
                                   : fmt::format("{} (not within {})", Join(outside, ", "),
                                                 rule.actions.empty() ? "any allowed action pattern"
                                                                      : Join(rule.actions, ", "));
      return GrantRefusal{ask.profile ? RuleKey(rule, "profiles") : RuleKey(rule, "actions"),
                          fmt::format("policy {} does not allow {}", rule.name, what)};
    }
  }
  if (ask.role_named && !Contains(rule.roles, ask.role)) {
    return GrantRefusal{RuleKey(rule, "roles"),
                        fmt::format("policy {} does not allow role {}{}", rule.name, ask.role,
                                    rule.roles.empty() ? "; leave role out to use the server's own"
                                                       : "; it allows " + Join(rule.roles, ", "))};
  }
  if (ask.ttl > rule.max_ttl) {
    return GrantRefusal{RuleKey(rule, "max_ttl"),
                        fmt::format("a TTL of {} is longer than policy {} allows ({}); ask for "
                                    "{} or less",
                                    FormatTtl(ask.ttl), rule.name, FormatTtl(rule.max_ttl),
                                    FormatTtl(rule.max_ttl))};
  }
  return std::nullopt;
}

std::string CallerRateKey(std::string_view caller) { return "caller:" + std::string(caller); }

std::string ProfileRateKey(std::string_view caller, std::string_view profile) {
  return fmt::format("caller:{}|profile:{}", caller, profile);
}

}  // namespace audex
