// ScratchDirectory: a private (0700) directory under $TMPDIR, removed with
// everything in it when the object goes away — a child's CLOUDSDK_CONFIG or
// AZURE_CONFIG_DIR, so that it never sees the user's own login.
#pragma once

#include <filesystem>
#include <string>

#include "core/base/env.h"
#include "core/base/result.h"

namespace audex {

class ScratchDirectory {
 public:
  // kState when no directory can be made under TMPDIR (else /tmp).
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

}  // namespace audex
