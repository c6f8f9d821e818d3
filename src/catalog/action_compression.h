// Compression (policy packing): rewriting a set of catalog actions as a short
// list of patterns, exact names and "Prefix*" wildcards per service, whose
// expansion in the catalog is exactly that set, never one action more.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "catalog/action_catalog.h"

namespace audex {

struct PackedPattern {
  std::string text;    // "s3:Get*" or "s3:PutObject"
  size_t match_count;  // actions it matches in the catalog today
  bool is_wildcard() const { return !text.empty() && text.back() == '*'; }
};

// The characters a pattern adds to a minified policy document: the pattern,
// its two quotes and the comma after it.
size_t RenderedLength(std::string_view pattern);

// Patterns whose expansion in `catalog` is exactly `actions` (ids of that
// catalog, in any order; duplicates are ignored), with the least total
// RenderedLength among covers made of exact names and prefix wildcards; on a
// tie, exact names win. Output is in catalog order. A wildcard matches only
// what the catalog lists today: AWS may add actions it will then match.
std::vector<PackedPattern> CompressActions(const ActionCatalog& catalog,
                                           std::span<const ActionId> actions);

}  // namespace audex
