#include "catalog/action_compression.h"

#include <algorithm>

#include "core/base/text.h"

namespace audex {
namespace {

// The best cover of one service's chosen actions. The service's names form a
// trie (sorted by lower-cased name, so every trie node is a contiguous id
// range); a "P*" wildcard is exactly the node whose names start with P, and
// may be used only where every name below it is chosen. The cheapest cover
// of a node is then either its wildcard or the covers of its children plus
// its own exact name: a dynamic programme over the trie, optimal for covers
// built from exact names and prefix wildcards.
class ServiceCompressor {
 public:
  ServiceCompressor(const ActionCatalog& catalog, const ServiceInfo& service,
                    std::span<const ActionId> chosen)
      : service_(service), overhead_(RenderedLength(service.prefix) + 1) {
    const size_t count = service.action_count();
    names_.reserve(count);
    for (ActionId id = service.first_action; id < service.end_action; ++id) {
      names_.push_back(catalog.Get(id).name());
    }
    chosen_before_.assign(count + 1, 0);
    std::vector<bool> chosen_flag(count, false);
    for (ActionId id : chosen) chosen_flag[id - service.first_action] = true;
    for (size_t i = 0; i < count; ++i) chosen_before_[i + 1] = chosen_before_[i] + chosen_flag[i];
  }

  std::vector<PackedPattern> Run() { return Solve(0, names_.size(), 0).patterns; }

 private:
  struct Cover {
    size_t cost = 0;
    std::vector<PackedPattern> patterns;
  };

  size_t ChosenIn(size_t lo, size_t hi) const { return chosen_before_[hi] - chosen_before_[lo]; }

  char LowerAt(size_t index, size_t position) const { return AsciiLower(names_[index][position]); }

  // Names [lo, hi) are exactly those starting with the first `depth`
  // characters of names_[lo] (case-insensitively).
  Cover Solve(size_t lo, size_t hi, size_t depth) const {
    Cover split;
    if (ChosenIn(lo, hi) == 0) return split;

    // Descend to where the names first differ: every prefix between `depth`
    // and there names the same set, and the shortest makes the cheapest
    // wildcard.
    size_t common = depth;
    const std::string_view first = names_[lo], last = names_[hi - 1];
    while (common < first.size() && common < last.size() &&
           AsciiLower(first[common]) == AsciiLower(last[common])) {
      ++common;
    }
    size_t i = lo;
    if (first.size() == common) {  // the node is itself an action; it sorts first
      if (ChosenIn(lo, lo + 1) == 1) {
        split.cost += overhead_ + first.size();
        split.patterns.push_back(PackedPattern{Render(first), 1});
      }
      ++i;
    }
    while (i < hi) {
      size_t j = i + 1;
      while (j < hi && LowerAt(j, common) == LowerAt(i, common)) ++j;
      Cover child = Solve(i, j, common + 1);
      split.cost += child.cost;
      std::move(child.patterns.begin(), child.patterns.end(), std::back_inserter(split.patterns));
      i = j;
    }

    if (ChosenIn(lo, hi) == hi - lo) {
      const size_t wildcard_cost = overhead_ + depth + 1;
      if (wildcard_cost < split.cost) {
        std::string text = Render(first.substr(0, depth));
        text += '*';
        return Cover{wildcard_cost, {PackedPattern{std::move(text), hi - lo}}};
      }
    }
    return split;
  }

  std::string Render(std::string_view name_part) const {
    std::string text(service_.prefix);
    text += ':';
    text += name_part;
    return text;
  }

  const ServiceInfo service_;
  const size_t overhead_;  // rendered length of "service:" with quotes and comma
  std::vector<std::string_view> names_;
  std::vector<size_t> chosen_before_;  // prefix sums of "is chosen"
};

}  // namespace

size_t RenderedLength(std::string_view pattern) { return pattern.size() + 3; }

std::vector<PackedPattern> CompressActions(const ActionCatalog& catalog,
                                           std::span<const ActionId> actions) {
  std::vector<ActionId> sorted(actions.begin(), actions.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());

  std::vector<PackedPattern> out;
  size_t begin = 0;
  while (begin < sorted.size()) {
    const Action first = catalog.Get(sorted[begin]);
    const ServiceInfo service = *catalog.FindService(first.service());
    size_t end = begin;
    while (end < sorted.size() && sorted[end] < service.end_action) ++end;
    ServiceCompressor compressor(catalog, service,
                                 std::span<const ActionId>(sorted.data() + begin, end - begin));
    std::vector<PackedPattern> patterns = compressor.Run();
    std::move(patterns.begin(), patterns.end(), std::back_inserter(out));
    begin = end;
  }
  return out;
}

}  // namespace audex
