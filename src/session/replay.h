// Replay: a recorded session run again with the same plan — the same policy
// byte for byte, TTL, role, chain, ceilings and session tag — and fresh
// credentials. The new session's record and its session_created event name
// the session it replays (replay_of). `tryaudex replay` drives it.
#pragma once

#include <string>
#include <vector>

#include "core/audit/session_record.h"
#include "session/planner.h"
#include "session/world.h"

namespace audex {

struct ReplayRequest {
  std::string session;               // an id or a unique beginning of one
  std::vector<std::string> command;  // empty: the recorded command
};

// The request a record asks again: its recorded `request` (or, for a
// record written before requests were kept, its actions as typed, profile,
// resources and TTL), pinned to the recorded role and region so that a
// changed configuration cannot move it, with `command`.
SessionRequest ReplayedRequest(const SessionRecord& record, std::vector<std::string> command);

// What differs between the recorded session and a new plan for it, in
// words ("the policy differs from byte 212", "the TTL is 30m, was 15m");
// empty when the plan is the same.
std::vector<std::string> ReplayDifferences(const SessionRecord& record,
                                           const PlannedSession& planned);

// Loads the record, plans ReplayedRequest with the recorded session tag,
// and refuses (kPolicy, naming every difference and the likely cause: a
// changed deny list, profile, configuration or catalog) a plan that is not
// the recorded one. kUsage for an unknown session, or one with no command
// to run again and none given.
Result<PlannedSession> PlanReplay(const ReplayRequest& request, const World& world);

}  // namespace audex
