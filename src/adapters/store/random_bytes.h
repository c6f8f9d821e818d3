// Randomness for the state directory: the audit key and session ids. Core
// has no randomness of its own; it is handed these bytes.
#pragma once

#include <cstddef>
#include <string>

#include "core/base/result.h"

namespace audex {

// `count` bytes from the kernel's CSPRNG (getrandom(2)); a kState
// error if it cannot deliver, never weaker bytes.
Result<std::string> RandomBytes(size_t count);

// A fresh session id (core/session_id.h) from those bytes.
Result<std::string> NewSessionId();

}  // namespace audex
