// This process's own environment block: taking a snapshot of it, and
// erasing variables from it for good.
#pragma once

#include <functional>
#include <string_view>

#include "core/base/env.h"

namespace audex {

// A snapshot of this process's environment, in order.
Environment CurrentEnvironment();

// Removes every variable for which `erase(name)` is true from `environ`,
// after overwriting its value where it lies: the kernel shows
// /proc/PID/environ from the block the process started with, which
// unsetenv alone leaves as it was. Not thread-safe (call it in main,
// before any thread starts). Returns how many were erased.
size_t EraseFromEnvironment(const std::function<bool(std::string_view name)>& erase);

}  // namespace audex
