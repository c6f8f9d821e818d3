// What `policies list|show|expand` and MCP's audex_policies show, as values
// and their JSON: profiles with the policy each produces, and the actions
// each pattern grants today. One computation for every face.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalog/action_catalog.h"
#include "core/plan/session_plan.h"
#include "core/policy/deny_list.h"
#include "core/policy/profile.h"

namespace audex {

// A profile as the JSON of `policies list --json`.
nlohmann::ordered_json ProfileJson(const Profile& profile, const ProfileCatalog& catalog);

// Every profile for `only` (all when unset; universal ones always).
std::vector<const Profile*> ProfilesFor(const ProfileCatalog& catalog,
                                        std::optional<Provider> only);

// The plan `run --profile NAME` would make (the deny list included), for
// `policies show`: exactly the document run would send.
Result<SessionPlan> PlanForProfile(const Profile& profile, const UserConfig& config,
                                   const ProfileCatalog& catalog, const DenyList& deny);

// ProfileJson with the policy (or why it cannot be built) and its size.
nlohmann::ordered_json ProfileWithPolicyJson(const Profile& profile, const ProfileCatalog& catalog,
                                             const Result<SessionPlan>& plan);

struct ExpandedPattern {
  std::string pattern;
  std::vector<Action> actions;
};

// Each AWS pattern's actions today. kPolicy for a pattern that is not AWS
// syntax or matches nothing (with suggestions).
Result<std::vector<ExpandedPattern>> ExpandPatterns(const ActionCatalog& catalog,
                                                    const std::vector<std::string>& patterns);

// [{"pattern", "count", "actions": [{"action", "access_level"}]}]
nlohmann::ordered_json ExpandedPatternsJson(const std::vector<ExpandedPattern>& expanded);

}  // namespace audex
