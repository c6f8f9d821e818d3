// Redacting secrets from text (secret.h).
#include "core/base/secret.h"

#include <algorithm>

namespace audex {

std::string RedactSecrets(std::string text, const std::vector<const SecretString*>& secrets,
                          bool cut_short) {
  constexpr std::string_view kMask = "****";
  constexpr size_t kShortestPrefix = 4;
  for (const SecretString* secret : secrets) {
    const std::string& value = secret->Reveal();
    if (value.empty()) continue;
    for (size_t at = text.find(value); at != std::string::npos;
         at = text.find(value, at + kMask.size())) {
      text.replace(at, value.size(), kMask);
    }
  }
  if (!cut_short) return text;
  for (const SecretString* secret : secrets) {
    const std::string& value = secret->Reveal();
    const size_t longest = std::min(value.size() - (value.empty() ? 0 : 1), text.size());
    for (size_t length = longest; length >= kShortestPrefix; --length) {
      if (text.compare(text.size() - length, length, value, 0, length) == 0) {
        text.replace(text.size() - length, length, kMask);
        break;
      }
    }
  }
  return text;
}

}  // namespace audex
