// Process identity: a process named by its pid and its start time, read
// from /proc, so that a session record can name the tryaudex that owns it
// and `sessions list` can tell whether that process still runs (a pid
// given to another process later has another start time).
#pragma once

#include <optional>
#include <string_view>

#include "core/audit/session_record.h"

namespace audex {

// Field 22 (starttime, clock ticks after boot) of a /proc/PID/stat line;
// nullopt when the line does not have it. The second field, the command
// name in parentheses, may itself hold spaces and parentheses: fields are
// counted after its last ')'.
std::optional<uint64_t> StartTicksFromStat(std::string_view stat);

// Field 3 (the state letter: R, S, Z, ...) of the same line.
std::optional<char> StateFromStat(std::string_view stat);

// This process; nullopt when /proc is not mounted.
std::optional<SessionOwner> ThisProcess();

// True when `owner.pid` runs and started at `owner.start_ticks` (a zombie
// has ended). When /proc cannot be read at all, says true: unknown is not
// abandoned.
bool ProcessRunning(const SessionOwner& owner);

}  // namespace audex
