#pragma once

// The three things a retrying client does that tests must control: wait,
// draw jitter and read the clock. Options structs carry them as
// std::functions; a client's constructor fills the unset ones with the real
// ones here, so that each client does not build its own.
#include <chrono>
#include <functional>

namespace audex {

using SleepFunction = std::function<void(std::chrono::milliseconds)>;
using Random01Function = std::function<double()>;  // in [0, 1)
using ClockFunction = std::function<std::chrono::system_clock::time_point()>;

// Sets each empty hook to the real one: sleep_for, a generator seeded from
// std::random_device, system_clock::now. `clock` may be null for a client
// that signs nothing.
void FillUnsetRetryHooks(SleepFunction& sleep, Random01Function& random01,
                         ClockFunction* clock = nullptr);

}  // namespace audex
