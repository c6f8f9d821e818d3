// Resource restrictions: AWS ARNs, as --resource and profile `resources`
// give them.
#pragma once

#include <string_view>

#include "core/base/result.h"

namespace audex {

// Checks the shape arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (region and
// account may be empty or wildcards; the resource may hold ':' and '/'), or
// "*". The characters must be ones a session policy may carry.
Result<void> CheckArn(std::string_view arn, std::string_view where);

}  // namespace audex
