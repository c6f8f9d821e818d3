#include "core/policy/glob.h"

#include <vector>

#include "core/base/text.h"

namespace audex {
namespace {

bool SameChar(char a, char b, CaseRule rule) {
  return rule == CaseRule::kSensitive ? a == b : AsciiLower(a) == AsciiLower(b);
}

// Greedy matching with backtracking to the last '*': linear in practice and
// correct for patterns whose only variable-length token is '*'.
// `one_char` decides whether a non-'*' pattern character takes a text character.
template <typename OneChar>
bool StarMatch(std::string_view pattern, std::string_view text, OneChar one_char) {
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (p < pattern.size() && one_char(pattern[p], text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool HasWildcard(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

bool GlobMatches(std::string_view pattern, std::string_view text, CaseRule rule) {
  return StarMatch(pattern, text,
                   [rule](char p, char t) { return p == '?' || SameChar(p, t, rule); });
}

bool GlobCovers(std::string_view outer, std::string_view inner, CaseRule rule) {
  // Read `inner` as text: an outer '*' may swallow inner wildcards, an outer
  // '?' stands for one inner character that is not '*', and literals must
  // meet equal literals. Any match found this way holds for every expansion.
  return StarMatch(outer, inner, [rule](char o, char i) {
    if (o == '?') return i != '*';
    if (i == '*' || i == '?') return false;
    return SameChar(o, i, rule);
  });
}

bool GlobsOverlap(std::string_view a, std::string_view b, CaseRule rule) {
  // Search the product of the two patterns' positions for a path where both
  // reach their end together: a '*' may be skipped, or may produce a
  // character while staying put; anything else produces one character.
  const size_t width = b.size() + 1;
  std::vector<bool> seen((a.size() + 1) * width, false);
  std::vector<std::pair<size_t, size_t>> stack{{0, 0}};
  const auto push = [&](size_t i, size_t j) {
    if (!seen[i * width + j]) {
      seen[i * width + j] = true;
      stack.emplace_back(i, j);
    }
  };
  seen[0] = true;
  while (!stack.empty()) {
    const auto [i, j] = stack.back();
    stack.pop_back();
    if (i == a.size() && j == b.size()) return true;
    const bool a_star = i < a.size() && a[i] == '*';
    const bool b_star = j < b.size() && b[j] == '*';
    if (a_star) push(i + 1, j);
    if (b_star) push(i, j + 1);
    if (i == a.size() || j == b.size()) continue;
    if (a_star && b_star) continue;  // both staying put produces nothing new
    const char ca = a[i], cb = b[j];
    const bool compatible = a_star || b_star || ca == '?' || cb == '?' || SameChar(ca, cb, rule);
    if (compatible) push(a_star ? i : i + 1, b_star ? j : j + 1);
  }
  return false;
}

}  // namespace audex
