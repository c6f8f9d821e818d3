#include "core/policy/gcp_storage_roles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace audex {
namespace {

using Strings = std::vector<std::string>;

std::set<std::string> Granted(const Strings& roles) {
  std::set<std::string> granted;
  for (const StorageRole& role : PredefinedStorageRoles()) {
    if (std::find(roles.begin(), roles.end(), role.name) == roles.end()) continue;
    granted.insert(role.permissions.begin(), role.permissions.end());
  }
  return granted;
}

TEST(PredefinedStorageRoles, HoldOnlyStoragePermissionsSortedAndUnique) {
  for (const StorageRole& role : PredefinedStorageRoles()) {
    EXPECT_EQ(role.name.rfind("roles/storage.", 0), 0u) << role.name;
    EXPECT_TRUE(std::is_sorted(role.permissions.begin(), role.permissions.end())) << role.name;
    EXPECT_EQ(std::adjacent_find(role.permissions.begin(), role.permissions.end()),
              role.permissions.end())
        << role.name;
    for (std::string_view permission : role.permissions) {
      EXPECT_TRUE(IsStoragePermission(permission)) << permission;
    }
  }
}

TEST(ChooseStorageRoles, ObjectGetAloneTakesTheLegacyObjectReader) {
  auto choice = ChooseStorageRoles({"storage.objects.get"});
  ASSERT_TRUE(choice) << choice.error().message;
  EXPECT_EQ(choice->roles, Strings{"roles/storage.legacyObjectReader"});
  EXPECT_TRUE(choice->beyond.empty());
}

TEST(ChooseStorageRoles, GetAndListReportsWhatTheRolesAddBeyondTheRequest) {
  auto choice = ChooseStorageRoles({"storage.objects.get", "storage.objects.list"});
  ASSERT_TRUE(choice) << choice.error().message;
  const std::set<std::string> granted = Granted(choice->roles);
  EXPECT_TRUE(granted.count("storage.objects.get") && granted.count("storage.objects.list"));
  // Every extra the boundary lets through is reported, and nothing else.
  std::set<std::string> extra(granted);
  extra.erase("storage.objects.get");
  extra.erase("storage.objects.list");
  EXPECT_EQ(std::set<std::string>(choice->beyond.begin(), choice->beyond.end()), extra);
  // objectViewer alone would add four folder permissions; the choice adds fewer.
  EXPECT_LT(choice->beyond.size(), 4u);
}

TEST(ChooseStorageRoles, NoCoverHasFewerExtraPermissions) {
  // Exhaustive check of the optimality claim for a handful of requests.
  const std::vector<Strings> requests = {
      {"storage.objects.create"},
      {"storage.objects.get", "storage.objects.create", "storage.objects.delete"},
      {"storage.buckets.list"},
      {"storage.objects.*"},
      {"storage.buckets.get", "storage.objects.getIamPolicy"}};
  const auto& roles = PredefinedStorageRoles();
  for (const Strings& request : requests) {
    auto choice = ChooseStorageRoles(request);
    ASSERT_TRUE(choice) << choice.error().message;
    for (size_t mask = 1; mask < (size_t{1} << roles.size()); ++mask) {
      std::set<std::string_view> granted;
      for (size_t i = 0; i < roles.size(); ++i) {
        if (mask & (size_t{1} << i))
          granted.insert(roles[i].permissions.begin(), roles[i].permissions.end());
      }
      const bool covers = std::all_of(choice->requested.begin(), choice->requested.end(),
                                      [&](const std::string& p) { return granted.count(p) > 0; });
      if (covers) {
        EXPECT_GE(granted.size() - choice->requested.size(), choice->beyond.size());
      }
    }
  }
}

TEST(ChooseStorageRoles, WildcardExpandsAgainstTheTable) {
  auto choice = ChooseStorageRoles({"storage.objects.*"});
  ASSERT_TRUE(choice) << choice.error().message;
  EXPECT_TRUE(std::find(choice->requested.begin(), choice->requested.end(),
                        "storage.objects.setIamPolicy") != choice->requested.end());
  const std::set<std::string> granted = Granted(choice->roles);
  for (const std::string& permission : choice->requested) EXPECT_TRUE(granted.count(permission));
}

TEST(ChooseStorageRoles, DeniedPermissionsAreNotRequested) {
  auto choice = ChooseStorageRoles({"storage.objects.*"}, {"storage.objects.delete"});
  ASSERT_TRUE(choice) << choice.error().message;
  EXPECT_EQ(
      std::count(choice->requested.begin(), choice->requested.end(), "storage.objects.delete"), 0);
}

TEST(ChooseStorageRoles, RejectsUnknownAndNonStoragePermissions) {
  auto unknown = ChooseStorageRoles({"storage.objects.gett"});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::kPolicy);
  EXPECT_NE(unknown.error().message.find("did you mean storage.objects.get"), std::string::npos)
      << unknown.error().message;
  EXPECT_FALSE(ChooseStorageRoles({"compute.instances.list"}));
  EXPECT_FALSE(ChooseStorageRoles({"storage.nothing.*"}));
  EXPECT_FALSE(ChooseStorageRoles({"storage.objects.get"}, {"storage.*"}));
}

}  // namespace
}  // namespace audex
