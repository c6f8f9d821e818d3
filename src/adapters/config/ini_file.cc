// A line-by-line reader for the AWS shared-file INI dialect.
#include "adapters/config/ini_file.h"

#include <fmt/format.h>

#include "core/base/text.h"

namespace audex {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string CollapseBlanks(std::string_view text) {
  std::string out;
  for (const char c : Trim(text)) {
    if (IsBlank(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> IniSection::Get(std::string_view key) const {
  const std::string wanted = ToLower(key);
  std::optional<std::string> found;
  for (const auto& [setting, value] : values) {
    if (setting == wanted) found = value;
  }
  return found;
}

const IniSection* IniFile::Find(std::string_view name) const {
  for (const IniSection& section : sections) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

Result<IniFile> ParseIni(std::string_view text, std::string_view file_name) {
  // A UTF-8 byte-order mark, as some Windows editors write.
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  IniFile file;
  IniSection* section = nullptr;
  std::string* continued = nullptr;  // the value an indented line extends
  int line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (line.ends_with('\r')) line.remove_suffix(1);
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#' || trimmed.front() == ';') continue;

    if (IsBlank(line.front()) && continued != nullptr) {
      if (!continued->empty()) continued->push_back('\n');
      *continued += trimmed;
      continue;
    }
    continued = nullptr;

    if (trimmed.front() == '[') {
      if (trimmed.back() != ']') {
        return UsageError(
            fmt::format("{}:{}: a section header must end with ']'", file_name, line_number));
      }
      const std::string name = CollapseBlanks(trimmed.substr(1, trimmed.size() - 2));
      section = nullptr;
      for (IniSection& existing : file.sections) {
        if (existing.name == name) section = &existing;
      }
      if (section == nullptr) {
        file.sections.push_back(IniSection{name, line_number, {}});
        section = &file.sections.back();
      }
      continue;
    }

    const size_t separator = trimmed.find_first_of("=:");
    if (separator == std::string_view::npos || separator == 0) {
      return UsageError(
          fmt::format("{}:{}: expected [section] or key = value", file_name, line_number));
    }
    if (section == nullptr) {
      return UsageError(
          fmt::format("{}:{}: a setting before the first [section]", file_name, line_number));
    }
    section->values.emplace_back(ToLower(Trim(trimmed.substr(0, separator))),
                                 std::string(Trim(trimmed.substr(separator + 1))));
    continued = &section->values.back().second;
  }
  return file;
}

}  // namespace audex
