// How the offline intent parser compares a sentence's words with the words
// of the catalog's names: singular and plural as one ("buckets", "bucket"),
// letters without spaces or case ("node groups", "Nodegroups"), and the
// variables of two ARN formats (is one resource inside the other?).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace audex::offline_intent {

// "buckets" matches "bucket", "policies" "policy", "addresses" "address";
// case-insensitive.
bool SameWord(std::string_view a, std::string_view b);

// "group" -> {"group", "groups", "groupes"}; "policies" -> {"policies",
// "policy", ...}: the letters a word may have in an action's name.
std::vector<std::string> NumberForms(const std::string& word);

bool IsPluralWord(std::string_view word);

// Lower-case words separated by single spaces.
std::vector<std::string> SplitSpaces(std::string_view text);

// Resource type names compare case-insensitively ("Secret", "secret").
bool SameType(std::string_view a, std::string_view b);

// Every variable of `inner` is one of `outer`'s.
bool Includes(const std::vector<std::string>& outer, const std::vector<std::string>& inner);

// `inner`'s variables are a proper subset of `outer`'s: `outer` is a
// resource inside `inner` (an object in a bucket, a table's index).
bool Descends(const std::vector<std::string>& outer, const std::vector<std::string>& inner);

}  // namespace audex::offline_intent
