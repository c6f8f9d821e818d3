#include "core/policy/gcp_storage_roles.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string_view>

#include "core/base/text.h"
#include "core/policy/glob.h"

namespace audex {
namespace {

using Group = std::vector<std::string_view>;

// The groups' union, sorted and without repeats (the views are of literals).
Group Union(std::initializer_list<Group> groups) {
  std::set<std::string_view> all;
  for (const Group& group : groups) all.insert(group.begin(), group.end());
  return {all.begin(), all.end()};
}

std::vector<StorageRole> BuildTable() {
  // Permission groups the roles share, as the roles page lists them.
  const Group multipart = {"storage.multipartUploads.abort", "storage.multipartUploads.create",
                           "storage.multipartUploads.list", "storage.multipartUploads.listParts"};
  const Group folders = {"storage.folders.create", "storage.folders.delete", "storage.folders.get",
                         "storage.folders.list", "storage.folders.rename"};
  const Group objects_user = {"storage.objects.create",  "storage.objects.delete",
                              "storage.objects.get",     "storage.objects.list",
                              "storage.objects.restore", "storage.objects.update"};
  const Group objects_admin_extra = {
      "storage.objects.getIamPolicy", "storage.objects.overrideUnlockedRetention",
      "storage.objects.setIamPolicy", "storage.objects.setRetention"};
  const Group managed_folders_admin = {
      "storage.managedFolders.create", "storage.managedFolders.delete",
      "storage.managedFolders.get",    "storage.managedFolders.getIamPolicy",
      "storage.managedFolders.list",   "storage.managedFolders.setIamPolicy"};
  const Group buckets_all = {"storage.buckets.create",
                             "storage.buckets.createTagBinding",
                             "storage.buckets.delete",
                             "storage.buckets.deleteTagBinding",
                             "storage.buckets.enableObjectRetention",
                             "storage.buckets.get",
                             "storage.buckets.getIamPolicy",
                             "storage.buckets.getObjectInsights",
                             "storage.buckets.list",
                             "storage.buckets.listEffectiveTags",
                             "storage.buckets.listTagBindings",
                             "storage.buckets.restore",
                             "storage.buckets.setIamPolicy",
                             "storage.buckets.update"};
  return {
      {"roles/storage.admin", Union({buckets_all, folders, managed_folders_admin, multipart,
                                     objects_user, objects_admin_extra})},
      {"roles/storage.bucketViewer", Union({{"storage.buckets.get", "storage.buckets.list"}})},
      {"roles/storage.legacyBucketOwner",
       Union({{"storage.buckets.get", "storage.buckets.getIamPolicy",
               "storage.buckets.setIamPolicy", "storage.buckets.update", "storage.objects.create",
               "storage.objects.delete", "storage.objects.list", "storage.objects.restore"},
              multipart})},
      {"roles/storage.legacyBucketReader",
       Union({{"storage.buckets.get", "storage.multipartUploads.list", "storage.objects.list"}})},
      {"roles/storage.legacyBucketWriter",
       Union({{"storage.buckets.get", "storage.objects.create", "storage.objects.delete",
               "storage.objects.list", "storage.objects.restore"},
              multipart})},
      {"roles/storage.legacyObjectOwner",
       Union({{"storage.objects.get", "storage.objects.getIamPolicy",
               "storage.objects.setIamPolicy", "storage.objects.update"}})},
      {"roles/storage.legacyObjectReader", Union({{"storage.objects.get"}})},
      {"roles/storage.objectAdmin",
       Union({folders, managed_folders_admin, multipart, objects_user, objects_admin_extra})},
      {"roles/storage.objectCreator",
       Union({{"storage.folders.create", "storage.managedFolders.create",
               "storage.multipartUploads.abort", "storage.multipartUploads.create",
               "storage.multipartUploads.listParts", "storage.objects.create"}})},
      {"roles/storage.objectUser",
       Union({folders,
              {"storage.managedFolders.create", "storage.managedFolders.delete",
               "storage.managedFolders.get", "storage.managedFolders.list"},
              multipart,
              objects_user})},
      {"roles/storage.objectViewer",
       Union({{"storage.folders.get", "storage.folders.list", "storage.managedFolders.get",
               "storage.managedFolders.list", "storage.objects.get", "storage.objects.list"}})},
  };
}

// Expands one pattern against the known permissions.
std::vector<std::string> Expand(const std::string& pattern, const std::vector<std::string>& known) {
  std::vector<std::string> members;
  for (const std::string& permission : known) {
    if (GlobMatches(pattern, permission, CaseRule::kSensitive)) members.push_back(permission);
  }
  return members;
}

}  // namespace

const std::vector<StorageRole>& PredefinedStorageRoles() {
  static const std::vector<StorageRole> table = BuildTable();
  return table;
}

std::vector<std::string> KnownStoragePermissions() {
  std::set<std::string> all;
  for (const StorageRole& role : PredefinedStorageRoles()) {
    all.insert(role.permissions.begin(), role.permissions.end());
  }
  return {all.begin(), all.end()};
}

bool IsStoragePermission(std::string_view permission) {
  return permission.rfind("storage.", 0) == 0;
}

Result<StorageRoleChoice> ChooseStorageRoles(const std::vector<std::string>& patterns,
                                             const std::vector<std::string>& denied) {
  const std::vector<std::string> known = KnownStoragePermissions();
  std::set<std::string> wanted;
  for (const std::string& pattern : patterns) {
    if (!IsStoragePermission(pattern)) {
      return PolicyError(
          fmt::format("{} is not a Cloud Storage permission; a Credential Access Boundary narrows "
                      "storage.* permissions only",
                      pattern));
    }
    if (!HasWildcard(pattern)) {
      if (!std::binary_search(known.begin(), known.end(), pattern)) {
        const std::string close = ClosestName(pattern, known);
        return PolicyError(fmt::format(
            "no predefined Cloud Storage role grants {}, so a Credential Access Boundary cannot "
            "allow it{}; check the spelling (permissions are case-sensitive)",
            pattern, close.empty() ? "" : fmt::format(" (did you mean {}?)", close)));
      }
      wanted.insert(pattern);
      continue;
    }
    const std::vector<std::string> members = Expand(pattern, known);
    if (members.empty()) {
      return PolicyError(fmt::format(
          "{} matches no permission of the predefined Cloud Storage roles; use a pattern such "
          "as storage.objects.*",
          pattern));
    }
    wanted.insert(members.begin(), members.end());
  }
  for (const std::string& pattern : denied) {
    for (const std::string& member : Expand(pattern, known)) wanted.erase(member);
  }
  if (wanted.empty()) {
    return PolicyError(
        "every requested Cloud Storage permission is denied by the deny list; ask for other "
        "permissions or edit the deny list");
  }

  // Eleven roles: all 2,047 non-empty subsets are few enough to try each.
  const std::vector<StorageRole>& roles = PredefinedStorageRoles();
  size_t best_mask = 0, best_extra = SIZE_MAX, best_count = SIZE_MAX;
  for (size_t mask = 1; mask < (size_t{1} << roles.size()); ++mask) {
    std::set<std::string_view> granted;
    size_t count = 0;
    for (size_t i = 0; i < roles.size(); ++i) {
      if ((mask & (size_t{1} << i)) == 0) continue;
      ++count;
      granted.insert(roles[i].permissions.begin(), roles[i].permissions.end());
    }
    const bool covers = std::all_of(wanted.begin(), wanted.end(),
                                    [&](const std::string& p) { return granted.count(p) > 0; });
    if (!covers) continue;
    const size_t extra = granted.size() - wanted.size();
    if (extra < best_extra || (extra == best_extra && count < best_count)) {
      best_mask = mask;
      best_extra = extra;
      best_count = count;
    }
  }
  // Every known permission is in some role, so a cover always exists.
  StorageRoleChoice choice;
  std::set<std::string> granted;
  for (size_t i = 0; i < roles.size(); ++i) {
    if ((best_mask & (size_t{1} << i)) == 0) continue;
    choice.roles.emplace_back(roles[i].name);
    granted.insert(roles[i].permissions.begin(), roles[i].permissions.end());
  }
  choice.requested.assign(wanted.begin(), wanted.end());
  std::set_difference(granted.begin(), granted.end(), wanted.begin(), wanted.end(),
                      std::back_inserter(choice.beyond));
  return choice;
}

}  // namespace audex
