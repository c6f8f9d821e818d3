// Small text operations on ASCII strings that the policy language needs:
// IAM and Azure compare action names case-insensitively, and lists are
// comma-separated with spaces allowed around items.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace audex {

char AsciiLower(char c);
std::string ToLower(std::string_view text);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string_view Trim(std::string_view text);
std::string Join(const std::vector<std::string>& items, std::string_view separator);

// Splits "a, b ,c" into {"a","b","c"}. Empty items are kept (as "") so the
// caller can report where they were.
std::vector<std::string> SplitCommaList(std::string_view list);

// `text` cut at every `separator`, empty pieces kept; the pieces are views
// into `text`, which must outlive them.
std::vector<std::string_view> Split(std::string_view text, char separator);

// `text` with every occurrence of `from` (not empty) replaced by `to`, left
// to right; what `to` brings in is not searched again.
std::string ReplaceAll(std::string_view text, std::string_view from, std::string_view to);

// `text` with control characters (and DEL) written as \xHH, so that text
// quoted back in a message cannot move the cursor or fake a line.
std::string EscapeControl(std::string_view text);

// Levenshtein distance, case-insensitive.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `input` if it is close enough to be a likely typo.
std::string ClosestName(std::string_view input, const std::vector<std::string>& candidates);

// The deepest nesting of objects and lists in JSON text, looking past
// strings; callers bound it before parsing text from outside, whose depth
// would otherwise drive recursion when the value is written again.
int JsonNestingDepth(std::string_view text);

}  // namespace audex
