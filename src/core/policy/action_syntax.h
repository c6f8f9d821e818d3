// The permission syntax of each provider, checked item by item:
//   AWS    service:Action                      s3:GetObject, lambda:Invoke*, *:*
//   GCP    service.resource.verb               storage.objects.get, storage.*.*
//   Azure  Namespace.Provider/type[/...]/op    Microsoft.Storage/storageAccounts/read
// Wildcards ('*', '?') are allowed wherever the cloud allows them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"
#include "core/policy/glob.h"
#include "core/policy/provider.h"

namespace audex {

// IAM and Azure RBAC compare action names case-insensitively; GCP
// permissions are case-sensitive (storage.managedFolders.get).
CaseRule ActionCaseRule(Provider provider);

// The form an action takes for `provider`, for error messages.
std::string_view ExpectedActionForm(Provider provider);

// Checks one item. `where` names its origin for the message ("--allow",
// "profile my-data in /path/profiles.toml"). Errors are kPolicy.
Result<void> CheckActionSyntax(Provider provider, std::string_view action, std::string_view where);

// Checks one item a user asked for that is not a universal name: an unknown
// universal name ("storage:reed") is an error with the closest real one;
// a syntax error names the provider whose syntax the item is in, if another.
Result<void> CheckRequestedAction(Provider provider, std::string_view action,
                                  std::string_view where);

// Which provider's syntax an action is written in, if any (for profiles
// without a provider key). Universal names are not native syntax.
std::optional<Provider> DetectActionSyntax(std::string_view action);

// True for patterns that grant every service ("*", "*:*", "*:Get*",
// "*.*.*", "*/read"): the user gets a loud warning.
bool IsAllServicesWildcard(Provider provider, std::string_view action);

}  // namespace audex
