// Starting this program again in place of the running process: the same
// executable (/proc/self/exe) with the same arguments (/proc/self/cmdline),
// for a process that finds it started in a way it cannot leave (the lean
// OpenSSL start of a credential-process whose cache then misses).
#pragma once

#include "core/base/env.h"
#include "core/base/result.h"

namespace audex {

// Replaces this process with a new run of its own executable and arguments
// under `environment` (execve(2)). Returns only when that fails, with the
// reason (kState: /proc is not there, or the system refused to start the
// very binary that runs).
Result<void> ExecSelf(const Environment& environment);

}  // namespace audex
