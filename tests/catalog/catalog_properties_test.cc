// Properties of expansion and compression, on the fixture and on the
// embedded catalog: expansion agrees with a naive scan through GlobMatches,
// and expanding a compressed set gives back exactly that set.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "catalog/action_catalog.h"
#include "catalog/action_compression.h"
#include "core/policy/glob.h"
#include "fixture_catalog.h"

namespace audex {
namespace {

std::vector<ActionId> NaiveExpand(const ActionCatalog& catalog, std::string_view pattern) {
  std::vector<ActionId> ids;
  for (ActionId id = 0; id < catalog.action_count(); ++id) {
    if (GlobMatches(pattern, catalog.Get(id).FullName(), CaseRule::kInsensitive)) {
      ids.push_back(id);
    }
  }
  return ids;
}

// A part of a real name bent into a pattern: kept, wildcarded at a random
// place, given a '?', re-cased, or extended so that it may match nothing.
std::string BendPart(const std::string& part) {
  std::string out = part;
  const int how = *rc::gen::inRange(0, 7);
  const size_t at = *rc::gen::inRange<size_t>(0, part.size() + 1);
  switch (how) {
    case 0:
      break;
    case 1:
      out = part.substr(0, at) + "*";
      break;
    case 2: {
      const size_t stop = *rc::gen::inRange<size_t>(at, part.size() + 1);
      out = part.substr(0, at) + "*" + part.substr(stop);
      break;
    }
    case 3:
      if (at < part.size()) out[at] = '?';
      break;
    case 4:
      out = "*" + part.substr(at);
      break;
    case 5:
      out += *rc::gen::element<std::string>("x", "s", "*", "?", "Acl", "*s");
      break;
    case 6:
      out = "*";
      break;
  }
  for (char& c : out) {
    if (*rc::gen::inRange(0, 4) == 0) c = static_cast<char>(std::toupper(c));
  }
  return out;
}

std::string BentPattern(const ActionCatalog& catalog) {
  const ActionId id = *rc::gen::inRange<ActionId>(0, static_cast<ActionId>(catalog.action_count()));
  const Action action = catalog.Get(id);
  return BendPart(std::string(action.service())) + ":" + BendPart(std::string(action.name()));
}

void CheckExpandAgreesWithNaiveScan(const ActionCatalog& catalog) {
  const std::string pattern = BentPattern(catalog);
  RC_TAG(pattern.find('*') != std::string::npos ? "wildcard" : "no star");
  const auto expanded = catalog.Expand(pattern);
  RC_ASSERT(expanded.has_value());
  RC_ASSERT(*expanded == NaiveExpand(catalog, pattern));
}

RC_GTEST_PROP(CatalogProperties, FixtureExpandAgreesWithNaiveScan, ()) {
  CheckExpandAgreesWithNaiveScan(testing::FixtureCatalog());
}

RC_GTEST_PROP(CatalogProperties, BuiltinExpandAgreesWithNaiveScan, ()) {
  CheckExpandAgreesWithNaiveScan(ActionCatalog::Builtin());
}

// Expanding each packed pattern and uniting gives the set back; no pattern
// claims a wrong count; and packing never costs more than listing names.
void CheckCompressRoundTrip(const ActionCatalog& catalog, const std::vector<ActionId>& set) {
  const std::vector<PackedPattern> packed = CompressActions(catalog, set);
  std::vector<ActionId> united;
  size_t packed_length = 0;
  for (const PackedPattern& pattern : packed) {
    const auto ids = catalog.Expand(pattern.text);
    RC_ASSERT(ids.has_value());
    RC_ASSERT(ids->size() == pattern.match_count);
    RC_ASSERT(pattern.is_wildcard() || ids->size() == 1u);
    united.insert(united.end(), ids->begin(), ids->end());
    packed_length += RenderedLength(pattern.text);
  }
  std::sort(united.begin(), united.end());
  RC_ASSERT(std::adjacent_find(united.begin(), united.end()) == united.end());  // no overlap
  RC_ASSERT(united == set);
  size_t plain_length = 0;
  for (ActionId id : set) plain_length += RenderedLength(catalog.Get(id).FullName());
  RC_ASSERT(packed_length <= plain_length);
}

// A random subset of one service, at a random density so that both sparse
// sets (mostly exact names) and dense ones (mostly wildcards) come up.
// Most services are small; `min_actions` asks for the big ones (s3, ec2,
// iam...) whose long shared prefixes make the packing interesting.
std::vector<ActionId> RandomServiceSubset(const ActionCatalog& catalog, size_t min_actions = 0) {
  std::vector<ServiceInfo> services = catalog.Services();
  std::erase_if(services,
                [min_actions](const ServiceInfo& s) { return s.action_count() < min_actions; });
  const ServiceInfo service = *rc::gen::elementOf(services);
  const int density = *rc::gen::inRange(0, 101);
  const auto draws =
      *rc::gen::container<std::vector<int>>(service.action_count(), rc::gen::inRange(0, 100));
  std::vector<ActionId> set;
  for (size_t i = 0; i < draws.size(); ++i) {
    if (draws[i] < density) set.push_back(service.first_action + static_cast<ActionId>(i));
  }
  RC_TAG(set.empty() ? "empty" : set.size() == service.action_count() ? "whole" : "part");
  return set;
}

RC_GTEST_PROP(CatalogProperties, FixtureExpandOfCompressIsTheSet, ()) {
  const ActionCatalog& catalog = testing::FixtureCatalog();
  CheckCompressRoundTrip(catalog, RandomServiceSubset(catalog));
}

RC_GTEST_PROP(CatalogProperties, BuiltinExpandOfCompressIsTheSet, ()) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  CheckCompressRoundTrip(catalog, RandomServiceSubset(catalog));
}

RC_GTEST_PROP(CatalogProperties, BuiltinExpandOfCompressIsTheSetInLargeServices, ()) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  CheckCompressRoundTrip(catalog, RandomServiceSubset(catalog, 150));
}

RC_GTEST_PROP(CatalogProperties, BuiltinExpandOfCompressIsTheSetAcrossServices, ()) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  auto ids = *rc::gen::container<std::vector<ActionId>>(
      rc::gen::inRange<ActionId>(0, static_cast<ActionId>(catalog.action_count())));
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  CheckCompressRoundTrip(catalog, ids);
}

// A wildcard the packer introduces must be a real gain: the same set named
// by the expansion of a pattern the user wrote compresses to no more.
RC_GTEST_PROP(CatalogProperties, BuiltinCompressOfAnExpansionIsNoLongerThanThePattern, ()) {
  const ActionCatalog& catalog = ActionCatalog::Builtin();
  const ActionId id = *rc::gen::inRange<ActionId>(0, static_cast<ActionId>(catalog.action_count()));
  const Action action = catalog.Get(id);
  const size_t cut = *rc::gen::inRange<size_t>(0, action.name().size());
  const std::string pattern =
      std::string(action.service()) + ":" + std::string(action.name().substr(0, cut)) + "*";
  const auto ids = catalog.Expand(pattern).value();
  size_t packed_length = 0;
  for (const PackedPattern& packed : CompressActions(catalog, ids)) {
    packed_length += RenderedLength(packed.text);
  }
  RC_ASSERT(packed_length <= RenderedLength(pattern));
}

}  // namespace
}  // namespace audex
