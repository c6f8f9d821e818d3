// The predefined Cloud Storage roles a Credential Access Boundary may name
// ("inRole:roles/storage.*"), the storage permissions each holds, and the
// choice of the fewest-permission set of them that covers a request.
// GCP narrows a token per permission only through such roles
// (cloud-facts.md, GCP), so this choice is how exact a GCP session can be.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/result.h"

namespace audex {

struct StorageRole {
  std::string_view name;                      // "roles/storage.objectViewer"
  std::vector<std::string_view> permissions;  // storage.* only, sorted
};

// The table, from "IAM roles for Cloud Storage" (cloud.google.com/iam/docs/
// roles-permissions/storage). Only storage.* permissions are listed: an
// access boundary applies to Cloud Storage alone, so the roles' other
// permissions (resourcemanager.projects.get, ...) are neither granted nor
// narrowed by it.
const std::vector<StorageRole>& PredefinedStorageRoles();

// Every permission some role in the table grants, sorted.
std::vector<std::string> KnownStoragePermissions();

// True for a permission or pattern of the Cloud Storage service
// ("storage.objects.get", "storage.*.*"), the only service a Credential
// Access Boundary can narrow.
bool IsStoragePermission(std::string_view permission);

struct StorageRoleChoice {
  std::vector<std::string> roles;      // sorted role names
  std::vector<std::string> requested;  // the exact permissions asked for, patterns expanded
  // What the roles grant beyond `requested`: the boundary lets these
  // through too, and the plan says so.
  std::vector<std::string> beyond;
};

// Expands `patterns` against the table (minus the expansion of `denied`)
// and chooses the set of roles that covers them with the fewest extra
// permissions, then the fewest roles. Errors (kPolicy) name a permission
// no predefined storage role grants, or a pattern that matches none.
Result<StorageRoleChoice> ChooseStorageRoles(const std::vector<std::string>& patterns,
                                             const std::vector<std::string>& denied = {});

}  // namespace audex
