// The offline intent parser's lexicon on the catalog: the services a
// phrase names (prefixes, titles) and the resource types it is the noun of
// (through the generated noun index of resource_formats.h), with the
// hand-written nouns that hold only under a service ("image" of ECR).
// Cheap to build (the services only); a lookup is a binary search.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/resource_formats.h"
#include "core/intent/offline_lexer.h"

namespace audex {

class CatalogLexicon final : public offline_intent::Lexicon {
 public:
  // Both must outlive the lexicon and every reading made with it.
  CatalogLexicon(const ActionCatalog& catalog, const ResourceFormats& formats);

  std::vector<offline_intent::CatalogWord> Find(std::string_view phrase) const override;
  size_t longest_phrase() const override { return longest_; }

 private:
  struct ServicePhrase {
    std::string phrase;
    offline_intent::CatalogWord word;
  };
  std::vector<ServicePhrase> services_;  // sorted by phrase
  const ResourceFormats& formats_;
  size_t longest_ = 3;
};

}  // namespace audex
