#include "catalog/catalog_universe.h"

#include <fmt/format.h>

#include "catalog/action_compression.h"
#include "catalog/tag_on_create.h"

namespace audex {

std::optional<std::string> CatalogUniverse::Canonical(std::string_view action) const {
  const auto found = catalog_.Lookup(action);
  if (!found) return std::nullopt;
  return found->FullName();
}

Result<std::vector<std::string>> CatalogUniverse::Expand(std::string_view pattern) const {
  auto ids = catalog_.Expand(pattern);
  if (!ids) return tl::unexpected(ids.error());
  std::vector<std::string> names;
  names.reserve(ids->size());
  for (ActionId id : *ids) names.push_back(catalog_.Get(id).FullName());
  return names;
}

std::vector<std::string> CatalogUniverse::Suggest(std::string_view unknown) const {
  return catalog_.Suggest(unknown);
}

std::vector<CountedPattern> CatalogUniverse::Compress(
    const std::vector<std::string>& actions) const {
  std::vector<ActionId> ids;
  ids.reserve(actions.size());
  for (const std::string& action : actions) {
    if (const auto found = catalog_.Lookup(action)) ids.push_back(found->id());
  }
  std::vector<CountedPattern> patterns;
  for (PackedPattern& packed : CompressActions(catalog_, ids)) {
    patterns.emplace_back(std::move(packed.text), packed.match_count);
  }
  return patterns;
}

std::string CatalogUniverse::Describe() const {
  const auto& source = catalog_.source();
  return fmt::format("{} {} ({} actions, data of {})", source.package, source.version,
                     catalog_.action_count(), source.data_date.substr(0, 10));
}

std::optional<ActionTagFacts> CatalogUniverse::TagFacts(std::string_view action) const {
  if (&catalog_ != &ActionCatalog::Builtin()) return std::nullopt;
  const auto found = catalog_.Lookup(action);
  if (!found) return std::nullopt;
  return TagOnCreate::Builtin().Of(*found);
}

const ActionUniverse& BuiltinAwsActions() {
  static const CatalogUniverse universe(ActionCatalog::Builtin());
  return universe;
}

}  // namespace audex
