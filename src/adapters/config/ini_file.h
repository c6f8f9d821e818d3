// The INI dialect of the AWS shared files (~/.aws/credentials,
// ~/.aws/config): [sections], "key = value" lines, full-line comments, and
// indented continuation lines for nested settings.
//
// Read by Audex itself rather than by a Debian INI library: libinih (55) is
// built with a 200-byte line limit and iniparser (4.1) with 1024, and an
// aws_session_token line is often longer; a truncated token would fail later
// with a confusing signature error.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/result.h"

namespace audex {

struct IniSection {
  std::string name;  // trimmed, inner runs of blanks collapsed: "profile dev"
  int line = 0;      // 1-based line of the header, for messages
  std::vector<std::pair<std::string, std::string>> values;  // keys lower-cased

  // The last value of `key` (keys are case-insensitive, as in botocore).
  std::optional<std::string> Get(std::string_view key) const;
};

struct IniFile {
  std::vector<IniSection> sections;
  // The section named `name`; a repeated header's keys are all in the first.
  const IniSection* Find(std::string_view name) const;
};

// Parses `text`. Keys are lower-cased; values are trimmed and kept as
// written (no inline comments, as botocore's configparser reads them). An
// indented line after "key =" continues that value (joined with '\n').
// Errors (kUsage) give `file_name` and the line number but never the line,
// which may hold a secret.
Result<IniFile> ParseIni(std::string_view text, std::string_view file_name);

}  // namespace audex
