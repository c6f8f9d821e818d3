// What the sandbox's init (sandbox_init.cc, the audex-sandbox program)
// and Audex (spawn.cc) say to each other: its command line, and the
// fixed-size messages it writes on the report pipe.
#pragma once

#include <cstdint>

namespace audex::sandbox {

// The init's command line:
//   audex-sandbox REPORT_FD MAPS COUNT PATH... ACTION PROGRAM ARG0 ARG...
// REPORT_FD: where to write ReportMessages. MAPS: "parent:FD" (Audex
// writes the id maps, then one byte on FD) or "own:UID:GID" (the init maps
// its own ids). COUNT paths to hide follow. ACTION: "probe" (set up, report
// kStarted, exit) or "run" (start PROGRAM with ARG0 ARG... and the init's
// own environment). Everything else the init needs is its own state.
inline constexpr int kFirstPathArgument = 4;

// kStarted (or one failure) once, then kExited with the command's wait
// status.
enum class Report : int32_t { kStarted = 1, kSetupFailed, kExecFailed, kExited };

// The setup steps, for the message when one fails.
enum class Step : int32_t {
  kArguments = 1,
  kParent,
  kSetgroups,
  kUidMap,
  kGidMap,
  kWaitForMaps,
  kPrivateMounts,
  kHide,
  kProc,
  kCapabilities,
  kFork,
};

struct ReportMessage {
  Report kind;
  Step step;
  int32_t error;   // errno
  int32_t detail;  // the wait status (kExited), the hidden path's index (kHide)
};

}  // namespace audex::sandbox
