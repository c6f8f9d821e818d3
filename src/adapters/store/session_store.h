// SessionStore: one JSON file per session, <state_dir>/sessions/<id>.json,
// what `sessions list` and `sessions show` read. Files hold no secret
// (core/session_record.h) and are private to the user (0600 in a 0700
// directory).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/session_record.h"
#include "core/base/result.h"

namespace audex {

class SessionStore {
 public:
  explicit SessionStore(const std::filesystem::path& state_dir);

  const std::filesystem::path& Directory() const { return directory_; }
  std::filesystem::path FileFor(std::string_view id) const;

  // Creates or replaces the session's file atomically (temporary file and
  // rename): a reader sees the old record or the new one. Safe across
  // processes as long as each session is written by one process.
  Result<void> Save(const SessionRecord& record) const;

  // The session whose id is `id_or_prefix` or, failing that, the only one
  // that starts with it (case-insensitive). kUsage errors for no match,
  // several matches, or text that cannot be an id.
  Result<SessionRecord> Load(std::string_view id_or_prefix) const;

  struct Listing {
    std::vector<SessionRecord> sessions;  // newest first
    std::vector<std::string> warnings;    // files that could not be read
  };
  // Every session on disk. An unreadable file is a warning, not a failure,
  // so that one damaged file does not hide the rest.
  Result<Listing> List() const;

 private:
  Result<std::vector<std::string>> Ids() const;

  std::filesystem::path directory_;
};

}  // namespace audex
