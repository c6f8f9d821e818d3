#include "core/wire/aws_config_edit.h"

#include <algorithm>

#include "core/base/text.h"

namespace audex {
namespace {

// The section a header line names, blanks collapsed, or "" for a line that
// is not a header.
std::string HeaderName(std::string_view line) {
  const std::string_view trimmed = Trim(line);
  if (trimmed.size() < 2 || trimmed.front() != '[' || trimmed.back() != ']') return "";
  std::string name;
  bool blank = false;
  for (char c : Trim(trimmed.substr(1, trimmed.size() - 2))) {
    if (c == ' ' || c == '\t') {
      blank = true;
      continue;
    }
    if (blank && !name.empty()) name += ' ';
    blank = false;
    name += c;
  }
  return name;
}

std::string Stanza(std::string_view section,
                   const std::vector<std::pair<std::string, std::string>>& values) {
  std::string text = "[" + std::string(section) + "]\n";
  for (const auto& [key, value] : values) text += key + " = " + value + "\n";
  return text;
}

}  // namespace

std::string ConfigSectionName(std::string_view profile) {
  return profile == "default" ? "default" : "profile " + std::string(profile);
}

std::string SetConfigSection(std::string_view text, std::string_view section,
                             const std::vector<std::pair<std::string, std::string>>& values) {
  const std::string wanted = HeaderName("[" + std::string(section) + "]");
  std::string out;
  bool replaced = false;
  bool skipping = false;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    const size_t next = end == std::string_view::npos ? text.size() : end + 1;
    const std::string_view line = text.substr(at, next - at);
    const std::string name = HeaderName(line.substr(0, line.find('\n')));
    if (!name.empty()) {
      // Keep a blank line between the replaced stanza and what follows.
      if (skipping && name != wanted && !out.ends_with("\n\n")) out += '\n';
      skipping = false;
      if (name == wanted && !replaced) {
        out += Stanza(section, values);
        replaced = true;
        skipping = true;
        at = next;
        continue;
      }
      if (name == wanted) skipping = true;  // a repeated header: drop it too
    }
    if (!skipping) out += line;
    at = next;
  }
  if (!replaced) {
    if (!out.empty() && !out.ends_with('\n')) out += '\n';
    if (!out.empty() && !out.ends_with("\n\n")) out += '\n';
    out += Stanza(section, values);
  }
  return out;
}

std::vector<std::string> KeysSetupProfileWouldLose(
    const std::vector<std::pair<std::string, std::string>>& values) {
  std::vector<std::string> lost;
  for (const auto& [key, value] : values) {
    if (key == "region") continue;
    // setup-profile writes "/abs/path/tryaudex credential-process ...".
    if (key == "credential_process" && value.find("tryaudex") != std::string::npos &&
        value.find(" credential-process") != std::string::npos) {
      continue;
    }
    if (std::find(lost.begin(), lost.end(), key) == lost.end()) lost.push_back(key);
  }
  return lost;
}

}  // namespace audex
