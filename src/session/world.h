// World: everything a session touches outside memory, handed to the engine
// whole (style.md, "One seam for the OS"): the environment the command
// started with, Audex's directories, the clock, randomness, HTTP clients,
// child processes, and where notices for the user go. The CLI, the MCP
// server and the team server use the system one; tests build one with a
// scripted HTTP client, a fixed clock and a stand-in child.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/config/paths.h"
#include "adapters/http/curl_http_client.h"
#include "adapters/process/child_runner.h"
#include "adapters/store/audit_log.h"
#include "core/audit/session_record.h"
#include "core/base/env.h"
#include "core/base/result.h"

namespace audex {

// How a notice reads to the user: "tryaudex: warning: ...",
// "tryaudex: error: ..." (the command still goes on, or its status is
// kept), or "tryaudex: ..." (a plain statement). kProgress tells how a
// long wait goes: the CLI shows it as a progress line on a terminal and
// nowhere else (adapters/process/progress_line.h); other faces drop it.
// An empty kProgress message ends the wait (the line is erased).
enum class NoticeLevel { kWarning, kError, kInfo, kProgress };

using NoticeSink = std::function<void(NoticeLevel, const std::string&)>;

// The line a notice is shown as: "tryaudex: warning: MESSAGE" (a warning
// that begins with "WARNING" carries its own prefix), "tryaudex: error:
// MESSAGE", "tryaudex: MESSAGE".
std::string NoticeLine(NoticeLevel level, const std::string& message);
using HttpClientFactory = std::function<std::unique_ptr<HttpClient>(const CurlHttpOptions&)>;
using RandomSource = std::function<Result<std::string>(size_t count)>;

struct World {
  Environment environment;  // the snapshot the command started with; children inherit it
  EnvLookup env;            // lookups in `environment`
  AudexPaths paths;
  Clock clock;
  RandomSource random;
  HttpClientFactory http;
  ChildRunner* children = nullptr;
  NoticeSink notify;
  // The directory commands start in (the sandbox keeps it visible).
  std::string working_directory;
  // This process, named in the record of a session that runs a command;
  // unset: not recorded. `running` tells whether a recorded owner still
  // runs (unset: owners are not checked).
  std::optional<SessionOwner> self;
  OwnerRunning running;

  void Warn(const std::string& message) const { notify(NoticeLevel::kWarning, message); }
};

// The real one: `environment` and the paths it names, the system clock,
// OpenSSL's CSPRNG, libcurl, real children, this process as /proc shows it.
World SystemWorld(Environment environment, NoticeSink notify);

}  // namespace audex
