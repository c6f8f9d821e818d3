// The exit codes of tryaudex, documented in README.md ("Exit codes").
// A child's own exit code is passed through once `run` starts children;
// these are the codes for Audex's own outcomes.
#pragma once

#include "core/result.h"

namespace audex {

enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,     // bad command line or configuration file
  kExitPolicy = 3,    // the request cannot become a valid policy
  kExitInternal = 70  // a bug in Audex (EX_SOFTWARE); please report it
};

inline int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return kExitUsage;
    case ErrorKind::kPolicy:
      return kExitPolicy;
  }
  return kExitInternal;
}

}  // namespace audex
