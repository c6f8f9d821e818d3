// Running a session's command for the token providers (GCP, Azure): a
// scratch directory the child may use as its cloud CLI's configuration, and
// the child run with its end recorded, optionally ended when the TTL runs out.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "adapters/store/session_recorder.h"
#include "cli/cli_context.h"
#include "core/child_env.h"

namespace audex {

// A private (0700) directory under $TMPDIR, removed with everything in it
// when this object goes away: the child's CLOUDSDK_CONFIG or
// AZURE_CONFIG_DIR, so that it never sees the user's own login.
class ScratchDirectory {
 public:
  static Result<ScratchDirectory> Create(const EnvLookup& env, const std::string& prefix);
  ~ScratchDirectory();
  ScratchDirectory(ScratchDirectory&& other) noexcept;
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ScratchDirectory(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Runs `command` with exactly `environment`, records session_ended and
// returns the shell status (child's code, 128+N for signal N, 127/126 when
// it cannot start). With `deadline`, a command still running after it gets
// SIGTERM, with a warning on stderr and a ttl_expired audit event first,
// and SIGKILL if it is still running 5 s later.
Result<int> RunRecordedChild(const CliContext& context, SessionRecorder& recorder,
                             const std::vector<std::string>& command,
                             const Environment& environment,
                             std::optional<std::chrono::seconds> deadline = std::nullopt);

}  // namespace audex
