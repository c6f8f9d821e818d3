// Profiles: named permission sets. The 17 built-in ones come from the
// founding document; custom ones come from profiles.toml and may shadow them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/base/result.h"
#include "core/policy/provider.h"

namespace audex {

inline constexpr std::string_view kBuiltinSource = "built-in";

struct Profile {
  std::string name;
  // Null for a custom profile written only in universal names: it serves
  // whichever provider the run asks for.
  std::optional<Provider> provider;
  std::vector<std::string> actions;
  std::vector<std::string> resources;
  std::string description;
  std::string source = std::string(kBuiltinSource);  // or the file it came from
  // AWS managed policies every session of the profile also gets as session
  // policies (profiles.toml `policy_arns`); checked by the loader.
  std::vector<std::string> policy_arns;
};

// The founding document's tables: 9 AWS, 4 GCP, 4 Azure profiles, in order.
const std::vector<Profile>& BuiltinProfiles();

// The fields of one [profiles.NAME] table of profiles.toml, with where each
// came from ("FILE:LINE") for messages.
struct CustomProfileFields {
  std::string name;
  std::optional<std::string> provider;
  std::string actions;  // comma list, as written
  std::vector<std::string> resources;
  std::string description;
  std::vector<std::string> policy_arns;
  std::string source;       // the file
  std::string table_at;     // where [profiles.NAME] is
  std::string provider_at;  // where each key is; empty: use table_at
  std::string actions_at;
  std::string resources_at;
};

// Builds a custom profile and checks it: every action a universal name or
// in its provider's syntax (the provider is inferred from the actions when
// `provider` is absent; mixing providers is an error), every resource an ARN.
Result<Profile> MakeCustomProfile(CustomProfileFields fields);

// Built-in and custom profiles; a custom profile with a built-in's name
// shadows it.
class ProfileCatalog {
 public:
  ProfileCatalog() = default;
  explicit ProfileCatalog(std::vector<Profile> custom);

  // The effective profile named `name`, or null.
  const Profile* Find(std::string_view name) const;
  // Find, or a kPolicy error naming the closest profile ("did you mean").
  Result<const Profile*> Require(std::string_view name) const;
  // Every effective profile: built-ins in document order (shadowed ones
  // replaced in place), then custom ones in file order.
  std::vector<const Profile*> All() const;
  // Is `name` a built-in that a custom profile replaces?
  bool IsShadowed(std::string_view name) const;
  std::vector<std::string> Names() const;

 private:
  std::vector<Profile> custom_;
};

}  // namespace audex
