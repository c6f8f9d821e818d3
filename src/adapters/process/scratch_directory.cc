#include "adapters/process/scratch_directory.h"

#include <stdlib.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace audex {

Result<ScratchDirectory> ScratchDirectory::Create(const EnvLookup& env, const std::string& prefix) {
  std::string base = "/tmp";
  if (auto tmp = env("TMPDIR"); tmp && !tmp->empty() && tmp->front() == '/') base = *tmp;
  std::string pattern = fmt::format("{}/{}XXXXXX", base, prefix);
  if (mkdtemp(pattern.data()) == nullptr) {
    return StateError(fmt::format(
        "cannot create a private directory for the command's cloud CLI configuration under {}: "
        "{}; set TMPDIR to a writable directory",
        base, std::strerror(errno)));
  }
  return ScratchDirectory(std::filesystem::path(pattern));
}

ScratchDirectory::ScratchDirectory(ScratchDirectory&& other) noexcept
    : path_(std::move(other.path_)) {
  other.path_.clear();
}

ScratchDirectory::~ScratchDirectory() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace audex
