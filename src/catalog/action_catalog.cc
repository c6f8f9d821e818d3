#include "catalog/action_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>

#include "core/base/text.h"
#include "core/policy/glob.h"

namespace audex {
namespace {

using catalog_data::ActionRow;
using catalog_data::CatalogTables;
using catalog_data::ResourceTypeRow;
using catalog_data::ServiceRow;

// Inline rather than core's AsciiLower: these comparisons are the inner
// loop of every lookup and expansion.
inline unsigned char LowerByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'A' && u <= 'Z') ? static_cast<unsigned char>(u + ('a' - 'A')) : u;
}

// The order the tables are sorted in: lower-cased bytes, unsigned. The
// generator sorts with the same rule; the integration tests check it.
int CompareLower(std::string_view a, std::string_view b) {
  const size_t common = std::min(a.size(), b.size());
  for (size_t i = 0; i < common; ++i) {
    const unsigned char ca = LowerByte(a[i]), cb = LowerByte(b[i]);
    if (ca != cb) return ca < cb ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// A query lower-cased once, so that searches lower only the table's side.
// Nothing in a catalog is longer than kMaxNameLength, so a longer query
// matches nothing and is truncated harmlessly (fits() says so).
class LowerKey {
 public:
  explicit LowerKey(std::string_view text) : size_(std::min(text.size(), sizeof buffer_)) {
    for (size_t i = 0; i < size_; ++i) buffer_[i] = static_cast<char>(LowerByte(text[i]));
    fits_ = text.size() <= catalog_data::kMaxNameLength;
  }
  std::string_view view() const { return {buffer_, size_}; }
  bool fits() const { return fits_; }

 private:
  char buffer_[catalog_data::kMaxNameLength + 1];
  size_t size_;
  bool fits_;
};

// CompareLower(name, key) for a key that is already lower case.
int CompareToKey(std::string_view name, std::string_view key) {
  const size_t common = std::min(name.size(), key.size());
  for (size_t i = 0; i < common; ++i) {
    const unsigned char cn = LowerByte(name[i]), ck = static_cast<unsigned char>(key[i]);
    if (cn != ck) return cn < ck ? -1 : 1;
  }
  if (name.size() == key.size()) return 0;
  return name.size() < key.size() ? -1 : 1;
}

bool StartsWithKey(std::string_view text, std::string_view key) {
  if (text.size() < key.size()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    if (LowerByte(text[i]) != static_cast<unsigned char>(key[i])) return false;
  }
  return true;
}

// The part of a glob before its first wildcard: every match starts with it,
// which lets a sorted table skip straight to the candidates.
std::string_view LiteralPrefix(std::string_view pattern) {
  // A plain loop: find_first_of with a set runs memchr per character.
  size_t length = 0;
  while (length < pattern.size() && pattern[length] != '*' && pattern[length] != '?') ++length;
  return pattern.substr(0, length);
}

std::string_view TextAt(const CatalogTables& tables, uint64_t offset, uint64_t length) {
  return tables.text.substr(offset, length);
}

std::string_view ServicePrefix(const CatalogTables& tables, uint32_t service) {
  const ServiceRow& row = tables.services[service];
  return TextAt(tables, row.prefix_offset, row.prefix_length);
}

std::string_view NameOf(const CatalogTables& tables, ActionId id) {
  const ActionRow& row = tables.actions[id];
  return TextAt(tables, row.name_offset, row.name_length);
}

// The first id in [first, end) whose name is not below `key`.
ActionId LowerBound(const CatalogTables& tables, ActionId first, ActionId end,
                    std::string_view key) {
  while (first < end) {
    const ActionId mid = first + (end - first) / 2;
    if (CompareToKey(NameOf(tables, mid), key) < 0) {
      first = mid + 1;
    } else {
      end = mid;
    }
  }
  return first;
}

// The ids in [first, end) whose name starts with `prefix`.
std::pair<ActionId, ActionId> PrefixRange(const CatalogTables& tables, ActionId first, ActionId end,
                                          std::string_view prefix) {
  if (prefix.empty()) return {first, end};
  const LowerKey key(prefix);
  if (!key.fits()) return {first, first};
  const ActionId lo = LowerBound(tables, first, end, key.view());
  // Names with the prefix are contiguous from `lo`; the first one past them
  // compares greater and does not start with it.
  ActionId stop_lo = lo, stop_hi = end;
  while (stop_lo < stop_hi) {
    const ActionId mid = stop_lo + (stop_hi - stop_lo) / 2;
    if (StartsWithKey(NameOf(tables, mid), key.view())) {
      stop_lo = mid + 1;
    } else {
      stop_hi = mid;
    }
  }
  return {lo, stop_lo};
}

struct SplitPattern {
  std::string_view service;
  std::string_view action;
};

std::optional<SplitPattern> SplitAtColon(std::string_view pattern) {
  const size_t colon = pattern.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return SplitPattern{pattern.substr(0, colon), pattern.substr(colon + 1)};
}

bool AllStars(std::string_view pattern) {
  return !pattern.empty() && pattern.find_first_not_of('*') == std::string_view::npos;
}

std::string SelectorList() {
  std::string out;
  for (AccessLevel level : kAllAccessLevels) {
    if (!out.empty()) out += ", ";
    out += "@";
    out += AccessLevelSelector(level);
  }
  return out;
}

// A typo is a few edits: a third of the name, at least 2 (as ClosestName).
size_t TypoLimit(std::string_view input) { return std::max<size_t>(2, input.size() / 3); }

}  // namespace

// ---------------------------------------------------------------- Action

std::string_view Action::service() const { return ServicePrefix(*tables_, service_); }

std::string_view Action::name() const { return NameOf(*tables_, id_); }

std::string Action::FullName() const {
  std::string out(service());
  out += ':';
  out += name();
  return out;
}

AccessLevelSet Action::access_levels() const {
  return AccessLevelSet::FromBits(static_cast<uint8_t>(tables_->actions[id_].access_levels));
}

std::vector<ResourceType> Action::resource_types() const {
  const ActionRow& row = tables_->actions[id_];
  std::vector<ResourceType> types;
  types.reserve(row.resource_count);
  for (uint64_t i = 0; i < row.resource_count; ++i) {
    const uint16_t ref = tables_->resource_refs[row.first_resource + i];
    const ResourceTypeRow& type =
        tables_->resource_types[ref & ~catalog_data::kRequiredResourceBit];
    types.push_back(ResourceType{TextAt(*tables_, type.name_offset, type.name_length),
                                 (ref & catalog_data::kRequiredResourceBit) != 0});
  }
  return types;
}

// ---------------------------------------------------------------- fixtures

struct ActionCatalog::OwnedTables {
  std::string text;
  std::vector<ServiceRow> services;
  std::vector<ActionRow> actions;
  std::vector<ResourceTypeRow> resource_types;
  std::vector<uint16_t> resource_refs;
};

ActionCatalog::ActionCatalog(const catalog_data::CatalogTables& tables) : tables_(tables) {}

ActionCatalog::ActionCatalog(const std::vector<CatalogEntry>& entries)
    : owned_(std::make_unique<OwnedTables>()) {
  struct Parsed {
    std::string service;  // lower case
    std::string_view name;
    const CatalogEntry* entry;
  };
  std::vector<Parsed> parsed;
  for (const CatalogEntry& entry : entries) {
    const auto split = SplitAtColon(entry.action);
    if (!split || split->service.empty() || split->action.empty() ||
        split->service.size() > catalog_data::kMaxNameLength ||
        split->action.size() > catalog_data::kMaxNameLength) {
      continue;
    }
    parsed.push_back(Parsed{ToLower(split->service), split->action, &entry});
  }
  // Stable, so that of two entries with one name the earlier one survives.
  std::stable_sort(parsed.begin(), parsed.end(), [](const Parsed& a, const Parsed& b) {
    if (a.service != b.service) return a.service < b.service;
    return CompareLower(a.name, b.name) < 0;
  });
  parsed.erase(std::unique(parsed.begin(), parsed.end(),
                           [](const Parsed& a, const Parsed& b) {
                             return a.service == b.service && CompareLower(a.name, b.name) == 0;
                           }),
               parsed.end());

  OwnedTables& owned = *owned_;
  const auto add_text = [&owned](std::string_view text) {
    const auto offset = static_cast<uint32_t>(owned.text.size());
    owned.text += text;
    return offset;
  };
  std::map<std::string, uint16_t, std::less<>> type_index;
  for (const Parsed& item : parsed) {
    const bool new_service = owned.services.empty() ||
                             std::string_view(owned.text)
                                     .substr(owned.services.back().prefix_offset,
                                             owned.services.back().prefix_length) != item.service;
    if (new_service) {
      const auto first = static_cast<uint32_t>(owned.actions.size());
      owned.services.push_back(ServiceRow{add_text(item.service), 0, first, 0,
                                          static_cast<uint16_t>(item.service.size()), 0});
    }
    ++owned.services.back().action_count;
    ActionRow row{};
    row.name_offset = add_text(item.name);
    row.name_length = item.name.size();
    row.access_levels = item.entry->access_levels.bits();
    row.first_resource = owned.resource_refs.size();
    row.resource_count = item.entry->resource_types.size();
    for (const ResourceTypeEntry& type : item.entry->resource_types) {
      auto found = type_index.find(type.name);
      if (found == type_index.end()) {
        const auto index = static_cast<uint16_t>(owned.resource_types.size());
        owned.resource_types.push_back(
            ResourceTypeRow{add_text(type.name), static_cast<uint32_t>(type.name.size())});
        found = type_index.emplace(type.name, index).first;
      }
      owned.resource_refs.push_back(found->second |
                                    (type.required ? catalog_data::kRequiredResourceBit : 0));
    }
    owned.actions.push_back(row);
  }
  tables_ =
      CatalogTables{owned.text,           owned.services,      owned.actions,
                    owned.resource_types, owned.resource_refs, {"fixture", "fixture", "", ""}};
}

ActionCatalog::ActionCatalog(ActionCatalog&&) noexcept = default;
ActionCatalog& ActionCatalog::operator=(ActionCatalog&&) noexcept = default;
ActionCatalog::~ActionCatalog() = default;

// ---------------------------------------------------------------- lookup

std::optional<uint32_t> ActionCatalog::FindServiceIndex(std::string_view prefix) const {
  const LowerKey key(prefix);
  if (!key.fits()) return std::nullopt;
  const auto services = tables_.services;
  const auto it =
      std::partition_point(services.begin(), services.end(), [this, &key](const ServiceRow& row) {
        return CompareToKey(TextAt(tables_, row.prefix_offset, row.prefix_length), key.view()) < 0;
      });
  if (it == services.end()) return std::nullopt;
  const auto index = static_cast<uint32_t>(it - services.begin());
  if (CompareToKey(ServicePrefix(tables_, index), key.view()) != 0) return std::nullopt;
  return index;
}

std::optional<ActionId> ActionCatalog::FindAction(uint32_t service, std::string_view name) const {
  const LowerKey key(name);
  if (!key.fits()) return std::nullopt;
  const ServiceRow& row = tables_.services[service];
  const ActionId end = row.first_action + row.action_count;
  const ActionId id = LowerBound(tables_, row.first_action, end, key.view());
  if (id < end && CompareToKey(NameOf(tables_, id), key.view()) == 0) return id;
  return std::nullopt;
}

ServiceInfo ActionCatalog::InfoOf(uint32_t service) const {
  const ServiceRow& row = tables_.services[service];
  return ServiceInfo{ServicePrefix(tables_, service),
                     TextAt(tables_, row.title_offset, row.title_length), row.first_action,
                     row.first_action + row.action_count};
}

uint32_t ActionCatalog::ServiceOf(ActionId id) const {
  const auto services = tables_.services;
  const auto it =
      std::partition_point(services.begin(), services.end(),
                           [id](const ServiceRow& row) { return row.first_action <= id; });
  return static_cast<uint32_t>(it - services.begin()) - 1;
}

std::string_view ActionCatalog::ActionName(ActionId id) const { return NameOf(tables_, id); }

std::optional<Action> ActionCatalog::Lookup(std::string_view action) const {
  const auto split = SplitAtColon(action);
  if (!split || LiteralPrefix(action).size() != action.size()) return std::nullopt;
  const auto service = FindServiceIndex(split->service);
  if (!service || split->action.empty()) return std::nullopt;
  const auto id = FindAction(*service, split->action);
  if (!id) return std::nullopt;
  return Action(&tables_, *id, *service);
}

Action ActionCatalog::Get(ActionId id) const { return Action(&tables_, id, ServiceOf(id)); }

bool ActionCatalog::HasService(std::string_view prefix) const {
  return FindServiceIndex(prefix).has_value();
}

std::optional<ServiceInfo> ActionCatalog::FindService(std::string_view prefix) const {
  const auto service = FindServiceIndex(prefix);
  if (!service) return std::nullopt;
  return InfoOf(*service);
}

std::vector<ServiceInfo> ActionCatalog::Services() const {
  std::vector<ServiceInfo> all;
  all.reserve(tables_.services.size());
  for (uint32_t i = 0; i < tables_.services.size(); ++i) all.push_back(InfoOf(i));
  return all;
}

// ---------------------------------------------------------------- expansion

bool ActionCatalog::IsSelector(std::string_view pattern) {
  const auto split = SplitAtColon(pattern);
  return split && !split->action.empty() && split->action.front() == '@';
}

std::vector<uint32_t> ActionCatalog::MatchingServices(std::string_view service_pattern) const {
  std::vector<uint32_t> matches;
  if (LiteralPrefix(service_pattern).size() == service_pattern.size()) {
    if (const auto service = FindServiceIndex(service_pattern)) matches.push_back(*service);
    return matches;
  }
  if (AllStars(service_pattern)) {
    matches.resize(tables_.services.size());
    std::iota(matches.begin(), matches.end(), uint32_t{0});
    return matches;
  }
  // Service prefixes are few (~456): a scan from the literal prefix is plenty.
  const LowerKey literal(LiteralPrefix(service_pattern));
  if (!literal.fits()) return matches;
  for (uint32_t i = 0; i < tables_.services.size(); ++i) {
    const std::string_view prefix = ServicePrefix(tables_, i);
    if (!StartsWithKey(prefix, literal.view())) continue;
    if (GlobMatches(service_pattern, prefix, CaseRule::kInsensitive)) matches.push_back(i);
  }
  return matches;
}

Result<std::vector<ActionId>> ActionCatalog::Expand(std::string_view pattern) const {
  std::vector<ActionId> ids;
  const auto split = SplitAtColon(pattern);
  if (!split) {
    // IAM's one colon-free action: "*" grants everything.
    if (AllStars(pattern)) {
      ids.resize(tables_.actions.size());
      std::iota(ids.begin(), ids.end(), ActionId{0});
      return ids;
    }
    if (!pattern.empty() && pattern.front() == '@') {
      return PolicyError(fmt::format("\"{}\" needs a service: write it as SERVICE:{}, e.g. s3:{}",
                                     pattern, pattern, pattern));
    }
    return PolicyError(
        fmt::format("\"{}\" is not an AWS action pattern: it has no ':' between "
                    "service and action (e.g. s3:GetObject, s3:Get*)",
                    pattern));
  }
  if (split->action.find(':') != std::string_view::npos) {
    return PolicyError(
        fmt::format("\"{}\" is not an AWS action pattern: it has more than one ':'", pattern));
  }
  if (split->service.empty() || split->action.empty()) {
    return PolicyError(
        fmt::format("\"{}\" is not an AWS action pattern: the {} is empty", pattern,
                    split->service.empty() ? "service before ':'" : "action after ':'"));
  }

  if (split->action.front() == '@') {
    const auto level = ParseAccessLevelSelector(split->action.substr(1));
    if (!level) {
      return PolicyError(fmt::format("\"{}\" is not an access-level selector; use one of {}",
                                     pattern, SelectorList()));
    }
    for (uint32_t service : MatchingServices(split->service)) {
      const ServiceInfo info = InfoOf(service);
      for (ActionId id = info.first_action; id < info.end_action; ++id) {
        if (AccessLevelSet::FromBits(static_cast<uint8_t>(tables_.actions[id].access_levels))
                .Contains(*level)) {
          ids.push_back(id);
        }
      }
    }
    return ids;
  }

  const std::string_view literal = LiteralPrefix(split->action);
  const bool exact = literal.size() == split->action.size();
  // "Literal*" (s3:Get*, s3:*) matches exactly the names in its prefix
  // range: no glob needed, the common case stays a pair of binary searches.
  const bool prefix_only = !exact && AllStars(split->action.substr(literal.size()));
  for (uint32_t service : MatchingServices(split->service)) {
    if (exact) {
      if (const auto id = FindAction(service, split->action)) ids.push_back(*id);
      continue;
    }
    const ServiceInfo info = InfoOf(service);
    const auto [lo, hi] = PrefixRange(tables_, info.first_action, info.end_action, literal);
    if (prefix_only) {
      for (ActionId id = lo; id < hi; ++id) ids.push_back(id);
      continue;
    }
    for (ActionId id = lo; id < hi; ++id) {
      if (GlobMatches(split->action, ActionName(id), CaseRule::kInsensitive)) ids.push_back(id);
    }
  }
  return ids;
}

// ---------------------------------------------------------------- suggestions

std::vector<std::string> ActionCatalog::Suggest(std::string_view unknown, size_t limit) const {
  std::vector<std::string> out;
  const auto add = [&out, limit](std::string name) {
    if (out.size() >= limit) return;
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
  };
  const auto split = SplitAtColon(unknown);
  const std::string_view service_part = split ? split->service : std::string_view();
  const std::string_view action_part = split ? split->action : unknown;
  const bool selector = !action_part.empty() && action_part.front() == '@';
  const bool literal_action = !selector && !action_part.empty() && !HasWildcard(action_part);

  // The actions of `service` closest to `action_part`, best first.
  const auto closest_in = [&](uint32_t service) {
    std::vector<std::pair<size_t, ActionId>> ranked;
    if (!literal_action) return ranked;
    const ServiceInfo info = InfoOf(service);
    const size_t cutoff = TypoLimit(action_part);
    for (ActionId id = info.first_action; id < info.end_action; ++id) {
      const std::string_view name = ActionName(id);
      // Lengths differing by more than the cutoff cannot be within it.
      const size_t gap = name.size() > action_part.size() ? name.size() - action_part.size()
                                                          : action_part.size() - name.size();
      if (gap > cutoff) continue;
      const size_t distance = EditDistance(action_part, name);
      if (distance <= cutoff) ranked.emplace_back(distance, id);
    }
    std::sort(ranked.begin(), ranked.end());
    return ranked;
  };
  // The same action name under other services: "s3:DescribeInstances".
  const auto same_name_elsewhere = [&]() {
    if (!literal_action) return;
    for (uint32_t service = 0; service < tables_.services.size(); ++service) {
      if (const auto id = FindAction(service, action_part)) add(Get(*id).FullName());
    }
  };

  if (!split) {
    same_name_elsewhere();
    return out;
  }

  if (const auto service = FindServiceIndex(service_part)) {
    const std::string prefix(ServicePrefix(tables_, *service));
    if (selector) {
      std::vector<std::string> selectors;
      for (AccessLevel level : kAllAccessLevels) {
        selectors.push_back(std::string(AccessLevelSelector(level)));
      }
      const std::string closest = ClosestName(action_part.substr(1), selectors);
      if (!closest.empty()) add(prefix + ":@" + closest);
      return out;
    }
    // Only the closest: "s3:GetObjekt" is one letter from s3:GetObject, and
    // s3:PutObject, three letters away, is no answer to that typo.
    const auto ranked = closest_in(*service);
    for (const auto& [distance, id] : ranked) {
      if (distance == ranked.front().first) add(Get(id).FullName());
    }
    if (out.empty()) same_name_elsewhere();
    return out;
  }

  // Unknown service: the close service prefixes, each with the action name
  // as that service spells it (or its closest action, or the pattern as is).
  std::vector<std::pair<size_t, uint32_t>> services;
  const size_t cutoff = TypoLimit(service_part);
  for (uint32_t service = 0; service < tables_.services.size(); ++service) {
    const size_t distance = EditDistance(service_part, ServicePrefix(tables_, service));
    if (distance <= cutoff) services.emplace_back(distance, service);
  }
  std::sort(services.begin(), services.end());
  for (const auto& [distance, service] : services) {
    const std::string prefix(ServicePrefix(tables_, service));
    if (!literal_action) {
      add(prefix + ":" + std::string(action_part));
      continue;
    }
    const auto ranked = closest_in(service);
    if (!ranked.empty()) add(Get(ranked.front().second).FullName());
  }
  same_name_elsewhere();
  return out;
}

}  // namespace audex
