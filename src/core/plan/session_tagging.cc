#include "core/plan/session_tagging.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/audit/session_id.h"
#include "core/base/text.h"

namespace audex {
namespace {

// The list itself, or its packing into wildcards that match exactly it in
// the catalog today when that merges actions (a later AWS action a
// wildcard matches is then refused without the tag too: a Deny that grows
// only denies more). A wildcard that stands for one action only saves a
// few characters and hides which action it is.
std::vector<std::string> Packed(std::vector<std::string> actions, const ActionUniverse& universe) {
  std::sort(actions.begin(), actions.end(),
            [](const std::string& a, const std::string& b) { return ToLower(a) < ToLower(b); });
  std::vector<std::string> packed;
  for (const auto& [pattern, count] : universe.Compress(actions)) {
    const auto members = universe.Expand(pattern);
    // The one action a pattern stands for, by its name.
    packed.push_back(count == 1 && members && members->size() == 1 ? members->front() : pattern);
  }
  return !packed.empty() && packed.size() < actions.size() ? packed : actions;
}

Statement Deny(std::string sid, std::vector<std::string> actions,
               std::vector<std::string> resources) {
  Statement statement;
  statement.sid = std::move(sid);
  statement.effect = Effect::kDeny;
  statement.actions = std::move(actions);
  statement.resources = std::move(resources);
  statement.has_condition = true;
  return statement;
}

}  // namespace

Result<SessionTag> ParseSessionTag(std::string_view text) {
  const size_t equals = text.find('=');
  if (equals == std::string_view::npos || text.substr(0, equals) != kSessionTagKey ||
      !IsSessionId(text.substr(equals + 1))) {
    return UsageError(fmt::format(
        "\"{}\" is not a session tag; it is {}=<session id>, as AUDEX_SESSION_TAG shows", text,
        kSessionTagKey));
  }
  return SessionTag{std::string(kSessionTagKey), std::string(text.substr(equals + 1))};
}

Result<TagEnforcement> PlanTagEnforcement(const std::vector<std::string>& actions,
                                          const SessionTag& tag, const ActionUniverse& universe) {
  TagEnforcement enforcement;
  enforcement.tag = tag;
  const std::string request_key = "aws:RequestTag/" + tag.key;
  std::vector<std::string> on_call;
  // Actions that create resources of the same types share a statement.
  std::map<std::vector<std::string>, std::vector<std::string>> by_resources;
  std::map<std::string, std::vector<std::string>> by_create_key;
  bool any_facts = false;
  for (const std::string& action : actions) {
    const std::optional<ActionTagFacts> facts = universe.TagFacts(action);
    if (!facts) {
      enforcement.unknown.push_back(action);
      continue;
    }
    any_facts = true;
    if (facts->creates) {
      if (facts->tag_on_call) {
        on_call.push_back(action);
      } else if (!facts->tagged_resources.empty()) {
        std::vector<std::string> resources = facts->tagged_resources;
        std::sort(resources.begin(), resources.end());
        by_resources[resources].push_back(action);
      } else {
        enforcement.untaggable_creates.push_back(action);
        continue;
      }
      enforcement.tagged_creates.push_back(action);
    }
    if (facts->changes_tags) {
      if (!facts->create_action_key.empty()) {
        by_create_key[facts->create_action_key].push_back(action);
      } else {
        enforcement.retagging.push_back(action);
      }
    }
  }
  if (!any_facts && !actions.empty()) {
    return PolicyError(
        "--tag-session needs the action catalog's tag-on-create facts, and none of the granted "
        "actions has them; grant actions the catalog knows");
  }
  const Condition untagged{"StringNotEquals", request_key, {tag.value}};
  if (!on_call.empty()) {
    Statement statement = Deny("AudexTagOnCreate", Packed(std::move(on_call), universe), {"*"});
    statement.conditions.push_back(untagged);
    enforcement.statements.push_back(std::move(statement));
  }
  for (auto& [resources, group] : by_resources) {
    Statement statement = Deny("AudexTagOnCreate", Packed(group, universe), resources);
    statement.conditions.push_back(untagged);
    enforcement.statements.push_back(std::move(statement));
  }
  // Tagging an existing resource with the session's tag would make cleanup
  // take it for the session's own; where the tagging action can tell a
  // create's tagging apart, only that is allowed (EC2 User Guide, "Grant
  // permission to tag resources during creation").
  for (auto& [key, group] : by_create_key) {
    Statement statement = Deny("AudexNoRetag", Packed(group, universe), {"*"});
    statement.conditions.push_back({"Null", key, {"true"}});
    statement.conditions.push_back({"StringEquals", request_key, {tag.value}});
    enforcement.statements.push_back(std::move(statement));
  }
  if (!enforcement.tagged_creates.empty()) {
    // A resource that carries the tag keeps it: any call naming the key
    // (changing its value or removing it) is refused on it. At creation the
    // resource has no tags yet, so creating with the tag is not affected.
    Statement keep = Deny("AudexKeepTag", {"*"}, {"*"});
    keep.conditions.push_back({"StringEquals", "aws:ResourceTag/" + tag.key, {tag.value}});
    keep.conditions.push_back({"ForAnyValue:StringEquals", "aws:TagKeys", {tag.key}});
    enforcement.statements.push_back(std::move(keep));
  }
  return enforcement;
}

}  // namespace audex
