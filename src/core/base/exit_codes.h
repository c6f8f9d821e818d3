// The exit codes of tryaudex, listed once: the enum the code returns, and
// the table the help text and the README are written from. A child's own
// exit code is passed through; these are the codes of Audex's own outcomes.
#pragma once

#include <span>

#include "core/base/result.h"

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

struct ExitCodeMeaning {
  const char* code;  // "0", "128+N"
  const char* meaning;
};

// Every code with what it means, in order (tryaudex --help, README "Exit codes").
std::span<const ExitCodeMeaning> ExitCodeMeanings();

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
