#include "core/wire/profile_toml_edit.h"

#include <fmt/format.h>

#include "core/base/text.h"

namespace audex {
namespace {

std::string TomlString(std::string_view value) {
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      quoted += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

// A table header line reduced to "[a.b]": spaces and quotes removed, a
// trailing comment dropped. Empty when the line is not a [table] header.
std::string HeaderKey(std::string_view line) {
  const std::string_view trimmed = Trim(line);
  if (!trimmed.starts_with('[') || trimmed.starts_with("[[")) return "";
  const size_t close = trimmed.find(']');
  if (close == std::string_view::npos) return "";
  std::string key;
  for (char c : trimmed.substr(0, close + 1)) {
    if (c != ' ' && c != '\t' && c != '"' && c != '\'') key += c;
  }
  return key;
}

bool IsHeader(std::string_view line) {
  const std::string_view trimmed = Trim(line);
  return trimmed.starts_with('[');
}

bool IsBlankOrComment(std::string_view line) {
  const std::string_view trimmed = Trim(line);
  return trimmed.empty() || trimmed.starts_with('#');
}

}  // namespace

Result<void> ValidateSavedProfileName(std::string_view name) {
  if (name.empty() || name.size() > 64 ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
          std::string_view::npos) {
    return UsageError(
        fmt::format("--save-profile \"{}\": a profile name is 1 to 64 letters, digits, '-' or '_' "
                    "(e.g. --save-profile nightly-backup)",
                    name));
  }
  return {};
}

std::string RenderProfileTable(const SavedProfile& profile) {
  std::string table = fmt::format("[profiles.{}]\n", profile.name);
  table += fmt::format("description = {}\n", TomlString(profile.description));
  table += fmt::format("provider = {}\n", TomlString(profile.provider));
  table += fmt::format("actions = {}\n", TomlString(profile.actions));
  if (!profile.resources.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& resource : profile.resources) quoted.push_back(TomlString(resource));
    table += fmt::format("resources = [{}]\n", Join(quoted, ", "));
  }
  return table;
}

std::string UpsertProfileToml(std::string_view text, const SavedProfile& profile, bool* replaced) {
  // Lines with their newlines, so untouched lines are copied byte for byte.
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    const size_t next = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, next - start));
    start = next;
  }
  const std::string wanted = fmt::format("[profiles.{}]", profile.name);
  size_t header = lines.size();
  for (size_t i = 0; i < lines.size(); ++i) {
    if (HeaderKey(lines[i]) == wanted) {
      header = i;
      break;
    }
  }
  const std::string table = RenderProfileTable(profile);
  std::string result;
  if (header == lines.size()) {
    if (replaced != nullptr) *replaced = false;
    result = std::string(text);
    if (!result.empty() && result.back() != '\n') result += '\n';
    if (!result.empty()) result += '\n';
    return result + table;
  }
  if (replaced != nullptr) *replaced = true;
  size_t end = header + 1;
  while (end < lines.size() && !IsHeader(lines[end])) ++end;
  // Comments and blank lines just before the next header belong to it.
  size_t body_end = end;
  if (end < lines.size()) {
    while (body_end > header + 1 && IsBlankOrComment(lines[body_end - 1])) --body_end;
  }
  for (size_t i = 0; i < header; ++i) result += lines[i];
  result += table;
  for (size_t i = body_end; i < lines.size(); ++i) result += lines[i];
  return result;
}

}  // namespace audex
