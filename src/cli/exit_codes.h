// The exit codes of tryaudex, documented in README.md ("Exit codes").
// A child's own exit code is passed through once `run` starts children;
// these are the codes for Audex's own outcomes.
#pragma once

#include "core/result.h"

namespace audex {

enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,        // a check found a problem: audit verify (chain broken), drift
  kExitUsage = 2,              // bad command line or configuration file
  kExitPolicy = 3,             // the request cannot become a valid policy
  kExitCredentials = 4,        // no base credentials, or the cloud refused (STS, IAM reads)
  kExitState = 5,              // the audit log or session store cannot be read or written
  kExitInternal = 70,          // a bug in Audex (EX_SOFTWARE); please report it
  kExitCannotExecute = 126,    // the command exists but cannot be run
  kExitCommandNotFound = 127,  // the command was not found
  // 128 + N: the child died of signal N. Otherwise the child's own exit code.
};

inline int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return kExitUsage;
    case ErrorKind::kPolicy:
      return kExitPolicy;
    case ErrorKind::kCredentials:
      return kExitCredentials;
    case ErrorKind::kState:
      return kExitState;
  }
  return kExitInternal;
}

}  // namespace audex
