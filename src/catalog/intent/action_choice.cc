#include "catalog/intent/action_choice.h"

#include <algorithm>
#include <tuple>

#include "catalog/intent/intent_words.h"
#include "catalog/name_words.h"
#include "core/base/text.h"

namespace audex::offline_intent {
namespace {

std::optional<ActionChoice> ChooseIn(const ActionCatalog& catalog, const ResourceFormats& formats,
                                     const ServiceInfo& info, const VerbAsked& verb,
                                     const NameClues& words) {
  const std::vector<std::string_view>& prefixes = verb.prefixes;
  const bool plural = words.plural;
  if (prefixes.empty()) return std::nullopt;

  // Lower is better, in order: the head's words are in the name (as said
  // before as its type's noun), the verb's preferred prefix, fewer words
  // of the name were not said, the action takes a named resource, the
  // head ends the name, more words said for other resources are in it,
  // the head's number, the shorter name.
  using Score = std::tuple<int, int, size_t, size_t, int, int, int, int, size_t>;
  struct Scored {
    ActionId id;
    Score score;
    bool covers;
    bool bare;  // the name is the verb alone: "Decrypt", "Publish"
    bool applies;
  };
  std::vector<Scored> scored;
  for (ActionId id = info.first_action; id < info.end_action; ++id) {
    const Action action = catalog.Get(id);
    const std::string_view name = action.name();
    size_t prefix_index = prefixes.size();
    for (size_t p = 0; p < prefixes.size(); ++p) {
      const std::string_view prefix = prefixes[p];
      if (name.starts_with(prefix) &&
          (name.size() == prefix.size() ||
           (name[prefix.size()] >= 'A' && name[prefix.size()] <= 'Z'))) {
        prefix_index = p;
        break;
      }
    }
    if (prefix_index == prefixes.size()) continue;
    const AccessLevelSet levels = action.access_levels();
    if ((levels.bits() & ~verb.levels.bits()) != 0 || levels.empty()) continue;
    const std::vector<std::string> rest = NameWords(name.substr(prefixes[prefix_index].size()));

    // Where the head's words are in the rest of the name, letter by
    // letter so that "node groups" finds "Nodegroups": from the start of
    // a word to the end of one, allowing the other number.
    const std::string letters = NameLetters(Join(rest, ""));
    std::vector<size_t> starts;
    for (size_t i = 0, at = 0; i < rest.size(); at += rest[i].size(), ++i) starts.push_back(at);
    const auto boundary = [&](size_t at) {
      return at == letters.size() || std::find(starts.begin(), starts.end(), at) != starts.end();
    };
    bool covers = false;
    int covered_by = 1;
    bool head_last = false;
    bool plural_mismatch = false;
    size_t span_begin = 0, span_end = 0;
    for (size_t alternative = words.head.size(); alternative-- > 0;) {
      const std::string head = NameLetters(Join(words.head[alternative], ""));
      if (head.empty()) continue;
      for (const std::string& form : NumberForms(head)) {
        for (size_t at = letters.find(form); at != std::string::npos;
             at = letters.find(form, at + 1)) {
          if (!boundary(at) || !boundary(at + form.size())) continue;
          covers = true;
          covered_by = std::min(covered_by, alternative == 0 ? 0 : 1);
          span_begin = at;
          span_end = at + form.size();
          if (span_end == letters.size()) {
            head_last = true;
            plural_mismatch = IsPluralWord(rest.back()) != plural && form != head;
          }
        }
      }
    }
    size_t unexplained = 0;
    int context_matches = 0;
    for (size_t i = 0; i < rest.size(); ++i) {
      const bool in_head = covers && starts[i] >= span_begin && starts[i] < span_end;
      const bool in_other_head =
          std::any_of(words.head.begin(), words.head.end(), [&](const auto& head) {
            return std::any_of(head.begin(), head.end(),
                               [&](const std::string& w) { return SameWord(w, rest[i]); });
          });
      const bool in_context =
          std::any_of(words.context.begin(), words.context.end(),
                      [&](const std::string& w) { return SameWord(w, rest[i]); });
      if (in_context && !in_head) ++context_matches;
      if (!in_head && !in_other_head && !in_context) ++unexplained;
    }
    // Can the action be limited to a named resource: one of its types is
    // that resource's or lies inside it (a layer's versions)?
    bool applies = false;
    for (const ResourceType& type : action.resource_types()) {
      const auto format = formats.Find(info.prefix, type.name);
      if (!format) continue;
      const std::vector<std::string> variables = format->Variables();
      for (const std::vector<std::string>& named : words.named_variables) {
        if (!named.empty() && Includes(variables, named)) applies = true;
      }
    }
    scored.push_back(
        Scored{id,
               Score{covers ? 0 : 1, covered_by, prefix_index, unexplained, 0, head_last ? 0 : 1,
                     -context_matches, plural_mismatch ? 1 : 0, name.size()},
               covers, rest.empty(), applies});
  }
  const bool any_applies = std::any_of(scored.begin(), scored.end(),
                                       [](const Scored& s) { return s.covers && s.applies; });
  for (Scored& s : scored) std::get<4>(s.score) = any_applies && !s.applies ? 1 : 0;
  const Scored* best = nullptr;
  for (const Scored& s : scored) {
    if (!s.covers) continue;
    if (best == nullptr || s.score < best->score) best = &s;
  }
  // The verb alone as the whole name ("decrypt with the key" is
  // kms:Decrypt, "invalidate" is CreateInvalidation) when no name holds
  // the words without adding others.
  const Scored* bare = nullptr;
  for (const Scored& s : scored) {
    if (s.bare && (bare == nullptr || s.score < bare->score)) bare = &s;
  }
  if (bare != nullptr && (best == nullptr || std::get<3>(best->score) > 0)) best = bare;
  if (best == nullptr) return std::nullopt;
  ActionChoice choice{best->id, std::nullopt};
  // A name that adds words nobody said, as good as another that adds as
  // many: a guess between them ("update the function" as UpdateFunctionCode
  // or UpdateFunctionConfiguration).
  if (best->covers && std::get<3>(best->score) > 0) {
    const auto tied = [&](const Scored& s) {
      return &s != best && s.covers && std::get<0>(s.score) == std::get<0>(best->score) &&
             std::get<1>(s.score) == std::get<1>(best->score) &&
             std::get<2>(s.score) == std::get<2>(best->score) &&
             std::get<3>(s.score) == std::get<3>(best->score) &&
             std::get<4>(s.score) == std::get<4>(best->score);
    };
    for (const Scored& s : scored) {
      if (tied(s)) {
        choice.also = s.id;
        break;
      }
    }
  }
  return choice;
}

}  // namespace

NameClues CluesFor(const std::vector<Target>& targets, size_t head_index,
                   const std::vector<size_t>& context, const ResourceFormats& formats) {
  NameClues clues;
  const Target& head = targets[head_index];
  clues.plural = head.plural;
  if (!head.words.empty()) clues.head.push_back(head.words);
  if (!head.type_words.empty()) clues.head.push_back(head.type_words);
  if (!head.type.empty() && head.words.empty()) clues.head.push_back(NameWords(head.type));
  const auto named = [&](const Target& target) {
    if (!HasNames(target) || target.type.empty()) return;
    if (const auto format = formats.Find(target.service, target.type)) {
      clues.named_variables.push_back(format->Variables());
    }
  };
  named(head);
  for (size_t index : context) {
    const Target& other = targets[index];
    for (const std::string& word : other.words) clues.context.push_back(word);
    for (const std::string& word : other.type_words) clues.context.push_back(word);
    named(other);
  }
  return clues;
}

std::optional<ActionChoice> ChooseAction(const ActionCatalog& catalog,
                                         const ResourceFormats& formats, std::string_view service,
                                         const VerbAsked& verb, const NameClues& clues) {
  const auto info = catalog.FindService(service);
  if (!info) return std::nullopt;
  return ChooseIn(catalog, formats, *info, verb, clues);
}

std::optional<ActionChoice> ChooseActionElsewhere(const ActionCatalog& catalog,
                                                  const ResourceFormats& formats,
                                                  std::string_view service, std::string_view type,
                                                  const VerbAsked& verb, const NameClues& clues) {
  const auto own = formats.Find(service, type);
  if (!own) return std::nullopt;
  for (const ServiceInfo& other : catalog.Services()) {
    if (other.prefix == service) continue;
    const auto format = formats.Find(other.prefix, type);
    if (!format || format->format != own->format) continue;
    if (auto chosen = ChooseIn(catalog, formats, other, verb, clues)) return chosen;
  }
  return std::nullopt;
}

}  // namespace audex::offline_intent
