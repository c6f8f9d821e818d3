#include "catalog/tag_on_create.h"

#include "catalog/access_level.h"
#include "catalog/resource_formats.h"

namespace audex {

TagOnCreate::TagOnCreate(const catalog_data::CatalogTables& catalog,
                         const catalog_data::TagOnCreateTables& tables)
    : catalog_(catalog), tables_(tables) {}

const TagOnCreate& TagOnCreate::Builtin() {
  static const TagOnCreate facts(catalog_data::BuiltinCatalogTables(),
                                 catalog_data::BuiltinTagOnCreateTables());
  return facts;
}

ActionTagFacts TagOnCreate::Of(const Action& action) const {
  ActionTagFacts facts;
  // Tables generated with another package version than the catalog answer
  // nothing rather than mix actions up.
  if (tables_.flags.size() != catalog_.actions.size() || action.id() >= tables_.flags.size()) {
    return facts;
  }
  const uint8_t flags = tables_.flags[action.id()];
  facts.creates = (flags & catalog_data::kCreates) != 0;
  facts.tag_on_call = (flags & catalog_data::kTagOnCall) != 0;
  facts.changes_tags = action.access_levels().Contains(AccessLevel::kTagging);
  if ((flags & catalog_data::kCreateActionKey) != 0) {
    facts.create_action_key = std::string(action.service()) + ":CreateAction";
  }
  if (facts.tag_on_call) return facts;
  const catalog_data::ActionRow& row = catalog_.actions[action.id()];
  const std::vector<ResourceType> types = action.resource_types();
  for (size_t i = 0; i < types.size(); ++i) {
    const uint64_t ref = row.first_resource + i;
    if (ref / 64 >= tables_.resource_tag.size()) break;
    if ((tables_.resource_tag[ref / 64] >> (ref % 64) & 1) == 0) continue;
    // Every variable "*", the partition too: a Deny written for these
    // patterns must hold in every partition.
    if (const auto format = ResourceFormats::Builtin().Find(action.service(), types[i].name)) {
      facts.tagged_resources.push_back(ExpandArnFormat(format->format, {{"Partition", "*"}}));
    }
  }
  return facts;
}

}  // namespace audex
