// The environment a child process receives. This issue only names the
// variables; computing their values and scrubbing the parent's credentials
// arrives with the credential flow.
#pragma once

#include <string>
#include <vector>

#include "core/provider.h"

namespace audex {

// Variables Audex sets for the child, per provider (README, "Child environment").
std::vector<std::string> InjectedVariableNames(Provider provider);

}  // namespace audex
