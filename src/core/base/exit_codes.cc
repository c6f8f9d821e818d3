#include "core/base/exit_codes.h"

namespace audex {

std::span<const ExitCodeMeaning> ExitCodeMeanings() {
  static constexpr ExitCodeMeaning kMeanings[] = {
      {"0", "ok (or the command's own code)"},
      {"1",
       "check failed (audit verify; drift found; learn saw no AWS call; cleanup: a delete failed)"},
      {"2", "usage or configuration error"},
      {"3", "policy error"},
      {"4", "credentials or cloud error"},
      {"5", "audit log or session store error"},
      {"70", "a bug in Audex (please report it)"},
      {"126/127", "command not runnable/not found"},
      {"128+N", "command killed by signal N"},
  };
  return kMeanings;
}

}  // namespace audex
