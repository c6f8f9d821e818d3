// The deny list: action patterns no session may ever grant, whatever the
// role allows (deny-list.toml, `[deny] actions = [...]`).
#pragma once

#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/policy/provider.h"

namespace audex {

struct DenyList {
  std::vector<std::string> patterns;  // as written: native actions or universal names
  std::string source;                 // the file they came from, for messages
};

// Checks every entry: a universal name, "*", or an action in some
// provider's syntax. Errors name the entry and `source`.
Result<DenyList> MakeDenyList(std::vector<std::string> patterns, std::string source);

// The entries that apply to `provider`, in its syntax: universal names are
// translated, other providers' actions are left out.
std::vector<std::string> DenyPatternsFor(const DenyList& deny, Provider provider);

}  // namespace audex
