#include "catalog/access_level.h"

#include "core/base/text.h"

namespace audex {
namespace {

struct LevelWords {
  AccessLevel level;
  std::string_view name;
  std::string_view selector;
};

constexpr LevelWords kLevelWords[] = {
    {AccessLevel::kList, "List", "list"},
    {AccessLevel::kRead, "Read", "read"},
    {AccessLevel::kWrite, "Write", "write"},
    {AccessLevel::kTagging, "Tagging", "tagging"},
    {AccessLevel::kPermissionsManagement, "Permissions management", "permissions"},
};

const LevelWords& WordsOf(AccessLevel level) {
  for (const LevelWords& words : kLevelWords) {
    if (words.level == level) return words;
  }
  return kLevelWords[0];  // unreachable: every enumerator is in the table
}

}  // namespace

std::string_view AccessLevelName(AccessLevel level) { return WordsOf(level).name; }

std::string_view AccessLevelSelector(AccessLevel level) { return WordsOf(level).selector; }

std::string FormatAccessLevels(AccessLevelSet levels) {
  std::string out;
  for (AccessLevel level : kAllAccessLevels) {
    if (!levels.Contains(level)) continue;
    if (!out.empty()) out += ", ";
    out += AccessLevelName(level);
  }
  return out;
}

std::optional<AccessLevel> ParseAccessLevelName(std::string_view name) {
  for (const LevelWords& words : kLevelWords) {
    if (EqualsIgnoreCase(words.name, name)) return words.level;
  }
  return std::nullopt;
}

std::optional<AccessLevel> ParseAccessLevelSelector(std::string_view word) {
  for (const LevelWords& words : kLevelWords) {
    if (EqualsIgnoreCase(words.selector, word)) return words.level;
  }
  return std::nullopt;
}

}  // namespace audex
