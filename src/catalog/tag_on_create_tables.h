// The table format the tag-on-create facts are stored in (tag_on_create.h):
// one flags byte per action and one bit per resource reference, both in
// catalog order, constant-initialised by the build-time generator
// (gen/catalog_gen.cc).
#pragma once

#include <cstdint>
#include <span>

namespace audex::catalog_data {

// Bits of TagOnCreateTables::flags.
inline constexpr uint8_t kCreates = 1 << 0;    // the action makes a new resource
inline constexpr uint8_t kTagOnCall = 1 << 1;  // aws:RequestTag on the action itself
// A tagging action whose condition keys include SERVICE:CreateAction, which
// tells the tagging a create call does from tagging an existing resource
// (ec2:CreateTags with ec2:CreateAction = RunInstances).
inline constexpr uint8_t kCreateActionKey = 1 << 2;

struct TagOnCreateTables {
  std::span<const uint8_t> flags;  // one per action, in catalog order
  // One bit per resource reference (CatalogTables::resource_refs, in that
  // order, 64 to a word): aws:RequestTag is among that resource type's keys.
  std::span<const uint64_t> resource_tag;
};

// Defined in the generated builtin_tag_on_create_data.cc.
const TagOnCreateTables& BuiltinTagOnCreateTables();

}  // namespace audex::catalog_data
