#include "catalog/name_words.h"

namespace audex {

std::vector<std::string> NameWords(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  const auto is_upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  const auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!is_upper(c) && !is_lower(c) && !(c >= '0' && c <= '9')) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
      continue;
    }
    const bool next_lower = i + 1 < name.size() && is_lower(name[i + 1]);
    const bool previous_upper = i > 0 && is_upper(name[i - 1]);
    if (is_upper(c) && !word.empty() && (!previous_upper || next_lower)) {
      words.push_back(std::move(word));
      word.clear();
    }
    word += is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

std::string NameLetters(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace audex
