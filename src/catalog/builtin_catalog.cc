// The embedded catalog, apart from action_catalog.cc so that a program using
// only fixture catalogs does not link the generated tables.
#include "catalog/action_catalog.h"

namespace audex {

const ActionCatalog& ActionCatalog::Builtin() {
  static const ActionCatalog catalog(catalog_data::BuiltinCatalogTables());
  return catalog;
}

}  // namespace audex
