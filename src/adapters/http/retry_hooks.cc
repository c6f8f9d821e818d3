#include "adapters/http/retry_hooks.h"

#include <random>
#include <thread>

namespace audex {

void FillUnsetRetryHooks(SleepFunction& sleep, Random01Function& random01, ClockFunction* clock) {
  if (!sleep) {
    sleep = [](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); };
  }
  if (!random01) {
    random01 = [generator = std::mt19937_64(std::random_device{}())]() mutable {
      return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
    };
  }
  if (clock != nullptr && !*clock) *clock = [] { return std::chrono::system_clock::now(); };
}

}  // namespace audex
