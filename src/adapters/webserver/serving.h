// What a foreground server command needs from the operating system besides
// its socket: waiting for the signal that stops it, and handing a URL to the
// person's browser.
#pragma once

#include <signal.h>

#include <string>

#include "core/base/env.h"
#include "core/base/result.h"

namespace audex {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread from construction
// (threads started afterwards, such as a web server's, inherit the mask, so
// the signal reaches Wait and no thread is interrupted) and restores the
// previous mask on destruction.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Waits for one of them; returns its number.
  int Wait();

 private:
  sigset_t stop_{};
  sigset_t previous_{};
};

// Starts `browser` (a program name or path, as in the BROWSER convention of
// xdg-open and Python's webbrowser) with `url` as its one argument and
// `environment` less its secret variables, and does not wait for it (it is
// reaped when tryaudex exits). kUsage when it cannot be started, naming the
// fix.
Result<void> OpenInBrowser(const std::string& browser, const std::string& url,
                           const Environment& environment);

}  // namespace audex
