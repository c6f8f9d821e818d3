// Choosing the offline intent parser's action by its name: the catalog's
// action of the service whose name is one of the verb's beginnings ("Get",
// "Describe") followed by the words said for the object ("the events of
// the stack" -> DescribeStackEvents), at an access level the verb may
// grant. A name that holds words nobody said loses to one that does not;
// one that can be limited to a named resource wins among equals.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/access_level.h"
#include "catalog/action_catalog.h"
#include "catalog/intent/clause_targets.h"
#include "catalog/resource_formats.h"

namespace audex::offline_intent {

// What the sentence said for one object of a verb.
struct NameClues {
  std::vector<std::vector<std::string>> head;  // ways it was said: its words, its type's noun
  std::vector<std::string> context;            // words said for the clause's other resources
  std::vector<std::vector<std::string>> named_variables;  // of each named resource's type
  bool plural = false;
};

NameClues CluesFor(const std::vector<Target>& targets, size_t head,
                   const std::vector<size_t>& context, const ResourceFormats& formats);

// What a verb may be: the action names' beginnings, preferred first, and
// the access levels it may grant.
struct VerbAsked {
  std::vector<std::string_view> prefixes;
  AccessLevelSet levels;
};

// The action chosen, and another as good when the choice was a guess.
struct ActionChoice {
  ActionId id;
  std::optional<ActionId> also;
};

// The best action of `service`, or nullopt when no name fits.
std::optional<ActionChoice> ChooseAction(const ActionCatalog& catalog,
                                         const ResourceFormats& formats, std::string_view service,
                                         const VerbAsked& verb, const NameClues& clues);

// The same among the other services whose resource type of the same name
// has the same ARN format ("assume the role": sts:AssumeRole acts on IAM's
// roles).
std::optional<ActionChoice> ChooseActionElsewhere(const ActionCatalog& catalog,
                                                  const ResourceFormats& formats,
                                                  std::string_view service, std::string_view type,
                                                  const VerbAsked& verb, const NameClues& clues);

}  // namespace audex::offline_intent
