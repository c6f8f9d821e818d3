#include "catalog/intent/intent_words.h"

#include <algorithm>

#include "core/base/text.h"

namespace audex::offline_intent {

bool SameWord(std::string_view a, std::string_view b) {
  if (EqualsIgnoreCase(a, b)) return true;
  const auto plural_of = [](std::string_view singular, std::string_view plural) {
    if (plural.size() == singular.size() + 1 && plural.back() == 's') {
      return EqualsIgnoreCase(plural.substr(0, singular.size()), singular);
    }
    if (plural.size() == singular.size() + 2 && plural.ends_with("es")) {
      return EqualsIgnoreCase(plural.substr(0, singular.size()), singular);
    }
    if (plural.size() == singular.size() + 2 && plural.ends_with("ies") && !singular.empty() &&
        (singular.back() == 'y' || singular.back() == 'Y')) {
      return EqualsIgnoreCase(plural.substr(0, singular.size() - 1),
                              singular.substr(0, singular.size() - 1));
    }
    return false;
  };
  return plural_of(a, b) || plural_of(b, a);
}

std::vector<std::string> NumberForms(const std::string& word) {
  std::vector<std::string> forms = {word};
  const auto add = [&](std::string form) {
    if (!form.empty() && std::find(forms.begin(), forms.end(), form) == forms.end()) {
      forms.push_back(std::move(form));
    }
  };
  if (word.ends_with("ies")) add(word.substr(0, word.size() - 3) + "y");
  if (word.ends_with("es")) add(word.substr(0, word.size() - 2));
  if (word.ends_with("s")) add(word.substr(0, word.size() - 1));
  if (word.ends_with("y")) add(word.substr(0, word.size() - 1) + "ies");
  add(word + "s");
  add(word + "es");
  return forms;
}

bool IsPluralWord(std::string_view word) {
  return word.size() > 2 && word.back() == 's' && !word.ends_with("ss");
}

std::vector<std::string> SplitSpaces(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.push_back(ToLower(text.substr(start, end - start)));
    start = end + 1;
  }
  return words;
}

bool SameType(std::string_view a, std::string_view b) { return EqualsIgnoreCase(a, b); }

bool Includes(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  return std::all_of(inner.begin(), inner.end(), [&](const std::string& variable) {
    return std::find(outer.begin(), outer.end(), variable) != outer.end();
  });
}

bool Descends(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  return outer.size() > inner.size() && Includes(outer, inner);
}

}  // namespace audex::offline_intent
