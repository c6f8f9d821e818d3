// ResourceFormats: the resource types of every AWS service in the catalog,
// each with its ARN format as the Service Authorization Reference writes it
// ("arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}") and
// the noun people call it by ("table", "state machine"), generated from the
// same npm package as the action catalog; and the ARN a policy names once
// the format's variables have values.
//
// The tables are constant data in the binary (builtin_resource_formats_data.cc,
// written by gen/catalog_gen.cc) and are read only when asked, so they cost
// nothing at start-up. Immutable; safe to use from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_tables.h"

namespace audex {
namespace catalog_data {

// How a format is stored: without the "arn:${Partition}:" every format
// starts with, with an empty service field where it is the service's own
// prefix, and with ${Region} and ${Account} as one byte each.
inline constexpr char kRegionCode = '\x01';
inline constexpr char kAccountCode = '\x02';
// The bit widths of ResourceFormatRow; the generator refuses data beyond them.
inline constexpr uint64_t kMaxFormatField = (1 << 10) - 1;
inline constexpr uint64_t kMaxFormatText = uint64_t{1} << 22;
inline constexpr uint64_t kMaxFormatRows = uint64_t{1} << 16;

struct ResourceFormatRow {
  uint32_t format_offset : 22;  // the stored format
  uint32_t format_length : 10;
  uint32_t name_offset : 22;  // "stateMachine": as the service's actions spell the type
  uint32_t name_length : 10;
  uint32_t noun_offset : 22;  // "state machine"; empty when it is the name's words
  uint32_t noun_length : 10;
};
static_assert(sizeof(ResourceFormatRow) == 12);

struct ResourceFormatTables {
  std::string_view text;
  // One entry per service of the catalog (in its order), then the total:
  // service i's types are formats[first_format[i], first_format[i + 1]),
  // sorted by the package's key for the type.
  std::span<const uint16_t> first_format;
  std::span<const ResourceFormatRow> formats;
  // Every row once, ordered by its noun's letters ("loggroup"), then row.
  std::span<const uint16_t> by_noun;
};

// Defined in the generated builtin_resource_formats_data.cc.
const ResourceFormatTables& BuiltinResourceFormatTables();

}  // namespace catalog_data

struct ResourceFormat {
  std::string_view service;  // "dynamodb"
  std::string_view name;     // "table": matches Action::resource_types() case-insensitively
  std::string noun;          // "table", "log group", "state machine"
  std::string format;        // "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"

  // The format's variables other than Partition, Region and Account, in
  // order: {"TableName"}; {"DatabaseName", "TableName"} for a Glue table.
  std::vector<std::string> Variables() const;
};

class ResourceFormats {
 public:
  // The formats generated with the embedded action catalog.
  static const ResourceFormats& Builtin();

  // `catalog` lists the services `tables` is in the order of.
  ResourceFormats(const catalog_data::CatalogTables& catalog,
                  const catalog_data::ResourceFormatTables& tables);

  // The resource types of the service `prefix` (lower case), in key order;
  // empty for an unknown service or one without resource types.
  std::vector<ResourceFormat> OfService(std::string_view prefix) const;
  // The types whose noun is `phrase`, compared by letters alone ("state
  // machine", "stateMachine" and "state-machine" are one), in catalog
  // order: (service, name as the actions spell it).
  struct TypeRef {
    std::string_view service;
    std::string_view name;
  };
  std::vector<TypeRef> FindByNoun(std::string_view phrase) const;

  // The type `name` of `prefix`, compared case-insensitively.
  std::optional<ResourceFormat> Find(std::string_view prefix, std::string_view name) const;
  size_t size() const { return tables_.formats.size(); }

 private:
  std::optional<uint32_t> ServiceIndex(std::string_view prefix) const;
  ResourceFormat At(uint32_t service, size_t row) const;

  const catalog_data::CatalogTables& catalog_;
  const catalog_data::ResourceFormatTables& tables_;
};

// Values for a format's variables, by variable name ("TableName", "Region").
using ArnValues = std::map<std::string, std::string, std::less<>>;

// The ARN `format` names with `values`: ${Partition} is "aws", and a
// variable without a value is "*" (any), so that a format with nothing known
// names every resource of its type: arn:aws:dynamodb:*:*:table/*.
std::string ExpandArnFormat(std::string_view format, const ArnValues& values);

}  // namespace audex
