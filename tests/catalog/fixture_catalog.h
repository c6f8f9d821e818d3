// A small hand-written catalog shaped like the real one (S3 names that share
// long prefixes, a service whose prefix extends another's, actions at
// several access levels), for tests that must not depend on the package.
#pragma once

#include "catalog/action_catalog.h"

namespace audex::testing {

const ActionCatalog& FixtureCatalog();

}  // namespace audex::testing
