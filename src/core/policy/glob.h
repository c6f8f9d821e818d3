// Wildcard patterns as IAM and Azure RBAC use them: '*' matches any run of
// characters (including none), '?' matches exactly one. Everything else is
// literal. The three questions the policy engine asks of patterns live here.
#pragma once

#include <string_view>

namespace audex {

enum class CaseRule { kSensitive, kInsensitive };

bool HasWildcard(std::string_view pattern);

// Does `pattern` match the literal string `text`?
bool GlobMatches(std::string_view pattern, std::string_view text, CaseRule rule);

// Is every string that `inner` matches also matched by `outer`?
// Sound but not complete: true means certainly covered; false may rarely
// miss an exotic cover such as "?*" covering "*?". Callers only use a true
// answer to drop or subtract, so a miss costs a few characters, never access.
bool GlobCovers(std::string_view outer, std::string_view inner, CaseRule rule);

// Is there at least one string that both patterns match? Exact.
bool GlobsOverlap(std::string_view a, std::string_view b, CaseRule rule);

}  // namespace audex
