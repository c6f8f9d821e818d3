#include "catalog/intent/offline_lexicon.h"

#include <algorithm>

#include "catalog/intent/intent_words.h"
#include "core/base/text.h"
#include "core/intent/offline_vocabulary.h"

namespace audex {
namespace {

using offline_intent::CatalogWord;
using offline_intent::NounSense;

// "Amazon Simple Queue Service (SQS)" -> "simple queue service".
std::string TitlePhrase(std::string_view title) {
  std::string phrase = ToLower(title);
  if (const size_t paren = phrase.find(" ("); paren != std::string::npos) phrase.resize(paren);
  for (std::string_view head : {"amazon ", "aws "}) {
    if (phrase.starts_with(head)) phrase.erase(0, head.size());
  }
  return phrase;
}

}  // namespace

CatalogLexicon::CatalogLexicon(const ActionCatalog& catalog, const ResourceFormats& formats)
    : formats_(formats) {
  const auto add = [this](std::string phrase, const CatalogWord& word) {
    const size_t words = static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' ')) + 1;
    longest_ = std::max(longest_, words);
    services_.push_back(ServicePhrase{std::move(phrase), word});
  };
  // The prefix and the title ("simple queue service"); a prefix that is
  // also an everyday word needs a capital ("Batch") to count.
  for (const ServiceInfo& service : catalog.Services()) {
    CatalogWord word;
    word.is_service = true;
    word.service = service.prefix;
    word.needs_capital = offline_intent::IsEverydayWordPrefix(service.prefix);
    if (!offline_intent::IsOtherWordPrefix(service.prefix)) add(std::string(service.prefix), word);
    word.needs_capital = false;
    add("aws " + std::string(service.prefix), word);
    add("amazon " + std::string(service.prefix), word);
    if (service.title.empty()) continue;
    std::string phrase = TitlePhrase(service.title);
    const size_t words = static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' ')) + 1;
    if (phrase.empty() || words > 4) continue;
    word.needs_capital = offline_intent::IsEverydayWordPrefix(phrase);
    add(std::move(phrase), word);
    word.needs_capital = false;
    add(ToLower(service.title), word);
  }
  std::stable_sort(
      services_.begin(), services_.end(),
      [](const ServicePhrase& a, const ServicePhrase& b) { return a.phrase < b.phrase; });
}

std::vector<CatalogWord> CatalogLexicon::Find(std::string_view phrase) const {
  std::vector<CatalogWord> words;
  auto it = std::partition_point(services_.begin(), services_.end(),
                                 [&](const ServicePhrase& entry) { return entry.phrase < phrase; });
  for (; it != services_.end() && it->phrase == phrase; ++it) words.push_back(it->word);
  // A noun of several words that only one service has names that service
  // by itself ("hosted zone"); one word is too often another service's too.
  const std::vector<ResourceFormats::TypeRef> types = formats_.FindByNoun(phrase);
  const bool one_service = std::all_of(
      types.begin(), types.end(),
      [&](const ResourceFormats::TypeRef& type) { return type.service == types.front().service; });
  const bool implies = one_service && phrase.find(' ') != std::string_view::npos;
  for (const ResourceFormats::TypeRef& type : types) {
    CatalogWord word;
    word.noun = NounSense{type.service, type.name, implies, false, false};
    words.push_back(word);
  }
  for (const offline_intent::ServiceNoun& noun : offline_intent::ServiceNouns()) {
    if (noun.word != phrase) continue;
    CatalogWord word;
    word.noun = NounSense{noun.service, noun.type, false, false, false};
    words.push_back(word);
  }
  return words;
}

}  // namespace audex
