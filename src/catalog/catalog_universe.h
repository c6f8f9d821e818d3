// CatalogUniverse: the AWS action catalog seen through core's ActionUniverse
// seam, so the policy engine validates, expands and packs with it.
#pragma once

#include "catalog/action_catalog.h"
#include "core/policy/action_universe.h"

namespace audex {

class CatalogUniverse final : public ActionUniverse {
 public:
  explicit CatalogUniverse(const ActionCatalog& catalog) : catalog_(catalog) {}

  std::optional<std::string> Canonical(std::string_view action) const override;
  Result<std::vector<std::string>> Expand(std::string_view pattern) const override;
  std::vector<std::string> Suggest(std::string_view unknown) const override;
  std::vector<CountedPattern> Compress(const std::vector<std::string>& actions) const override;
  std::string Describe() const override;
  // Known for the built-in catalog only (catalog/tag_on_create.h).
  std::optional<ActionTagFacts> TagFacts(std::string_view action) const override;

 private:
  const ActionCatalog& catalog_;
};

// The built-in catalog as a universe (constant data; nothing to load).
const ActionUniverse& BuiltinAwsActions();

}  // namespace audex
