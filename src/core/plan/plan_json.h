// A session plan as JSON: what `run --dry-run --json` prints and what MCP's
// audex_policies check returns — one rendering, so the faces agree.
#pragma once

#include <nlohmann/json.hpp>

#include "core/plan/session_plan.h"

namespace audex {

// provider, profile, ttl, actions (with origins and counts), allow, what
// the deny list removed or covered, the policy and its size, what each
// cloud enforces, the child's variables, warnings and notes; `command`
// when `with_command`.
nlohmann::ordered_json SessionPlanJson(const SessionPlan& plan, bool with_command = true);

}  // namespace audex
