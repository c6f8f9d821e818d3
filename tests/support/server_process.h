// Servers a test starts as child processes (moto_server, node scripts):
// stopped by their PID, every wait bounded.
#pragma once

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

namespace audex {

// Waits at most `limit` for `pid` to exit and reaps it: its wait status,
// or -1 when it is still running.
inline int WaitForExit(pid_t pid, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Ends the server `pid` (SIGTERM; SIGKILL when it is still there after 5 s),
// reaps it and sets `pid` to 0. Does nothing when `pid` is 0.
inline void StopServerProcess(pid_t& pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  if (WaitForExit(pid, std::chrono::seconds(5)) == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  pid = 0;
}

}  // namespace audex
