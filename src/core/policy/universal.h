// The cloud-neutral names of the founding document ("storage:read") and the
// native actions each stands for on every provider.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/policy/provider.h"

namespace audex {

struct UniversalName {
  std::string_view name;  // "storage:read"
  std::string_view aws;   // comma lists, exactly as the founding document
  std::string_view gcp;
  std::string_view azure;
};

const std::vector<UniversalName>& UniversalNames();

// The entry for `name`, compared case-insensitively like IAM actions, or null.
const UniversalName* FindUniversalName(std::string_view name);

// The native actions `entry` stands for on `provider`, in the document's order.
std::vector<std::string> TranslateUniversal(const UniversalName& entry, Provider provider);

// True when `name` starts with a category of the universal table that is
// not also an AWS service prefix ("storage:", not "logs:"): such a name can
// only be a universal name, so an unknown verb is an error.
bool HasUniversalOnlyCategory(std::string_view name);

// For a name like "storage:reed" whose category is universal: the closest
// universal name of that category, else "". Used for "did you mean".
std::string SuggestUniversalName(std::string_view name);

}  // namespace audex
