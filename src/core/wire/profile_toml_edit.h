// Writing one profile into the text of profiles.toml (learn --save-profile):
// the [profiles.NAME] table is replaced in place, or appended, and every
// other byte of the file (comments, other profiles, their order) is kept.
// Pure: text in, text out; the caller reads, re-parses and writes the file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

struct SavedProfile {
  std::string name;  // [A-Za-z0-9_-]+, so it is a bare TOML key
  std::string description;
  std::string actions;  // comma list: "s3:GetObject,s3:ListBucket"
  std::vector<std::string> resources;
  std::string provider = "aws";
};

// kUsage when the name is not a bare key.
Result<void> ValidateSavedProfileName(std::string_view name);

// The [profiles.NAME] table for `profile`, ending in a newline.
std::string RenderProfileTable(const SavedProfile& profile);

// `text` with the table of `profile.name` replaced (from its header to the
// comments and blank lines before the next table header) or appended.
// `replaced` tells which. A profile written some other way (inline table,
// dotted keys under [profiles]) is not found here; re-parsing the result
// then reports a duplicate key, which the caller turns into advice.
std::string UpsertProfileToml(std::string_view text, const SavedProfile& profile, bool* replaced);

}  // namespace audex
