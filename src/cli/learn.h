// `tryaudex learn`: the flags of a LearnRequest (session/learn.h), and the
// report printed as text or JSON.
#pragma once

#include "cli/cli_context.h"
#include "session/learn.h"

namespace audex {

struct LearnOptions {
  LearnRequest request;
  std::string source = "auto";  // --source auto|endpoint|csm|cloudtrail
  bool json = false;
  bool quiet = false;  // no progress line while CloudTrail is polled
};

Result<int> RunLearn(const LearnOptions& options, const CliContext& context);

}  // namespace audex
