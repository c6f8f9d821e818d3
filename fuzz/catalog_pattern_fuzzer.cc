// Fuzzes pattern parsing and expansion in the AWS action catalog, with
// invariants: expansions are sorted sets, every member matches the pattern
// as IAM matches it, a known exact name expands to itself, and compressing an
// expansion gives patterns whose expansions add up to exactly that set.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/action_compression.h"
#include "core/policy/glob.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256) return 0;
  const std::string pattern(reinterpret_cast<const char*>(data), size);
  const audex::ActionCatalog& catalog = audex::ActionCatalog::Builtin();
  (void)catalog.Suggest(pattern);
  const auto expanded = catalog.Expand(pattern);
  if (!expanded) return 0;
  const std::vector<audex::ActionId>& ids = *expanded;
  if (!std::is_sorted(ids.begin(), ids.end()) ||
      std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
    __builtin_trap();
  }
  const bool selector = pattern.find('@') != std::string::npos;
  for (audex::ActionId id : ids) {
    if (id >= catalog.action_count()) __builtin_trap();
    if (!selector &&
        !audex::GlobMatches(pattern, catalog.Get(id).FullName(), audex::CaseRule::kInsensitive)) {
      __builtin_trap();
    }
  }
  if (const auto action = catalog.Lookup(pattern)) {
    if (ids.size() != 1 || ids.front() != action->id()) __builtin_trap();
  }
  if (ids.size() <= 2000) {
    std::vector<audex::ActionId> union_of_parts;
    for (const audex::PackedPattern& packed : audex::CompressActions(catalog, ids)) {
      const auto part = catalog.Expand(packed.text);
      if (!part || part->size() != packed.match_count) __builtin_trap();
      union_of_parts.insert(union_of_parts.end(), part->begin(), part->end());
    }
    std::sort(union_of_parts.begin(), union_of_parts.end());
    union_of_parts.erase(std::unique(union_of_parts.begin(), union_of_parts.end()),
                         union_of_parts.end());
    if (union_of_parts != ids) __builtin_trap();
  }
  return 0;
}
