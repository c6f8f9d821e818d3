// The offline intent parser's rules on top of the catalog: what each verb
// may grant and which action names it begins, the recipes for operations
// that need more than one action or an action the name alone does not give
// (an ECR push, a copy between buckets, a log group's tail), and the places
// where the ARN IAM policies are written with is not the catalog's format.
// Data only, each row with the AWS document it comes from; the assembly is
// offline_intent.cc.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "catalog/access_level.h"
#include "core/intent/offline_vocabulary.h"

namespace audex::offline_intent {

// Verbs as bits, so that the tables below are constant data.
class VerbSet {
 public:
  constexpr VerbSet(std::initializer_list<Verb> verbs) {  // NOLINT: written as {V::kRead, ...}
    for (Verb verb : verbs) bits_ |= uint32_t{1} << static_cast<int>(verb);
  }
  constexpr bool Contains(Verb verb) const {
    return (bits_ & (uint32_t{1} << static_cast<int>(verb))) != 0;
  }

 private:
  uint32_t bits_ = 0;
};
static_assert(static_cast<int>(Verb::kNamed) < 32);

// What a verb may grant: every access level of a chosen action must be in
// `levels` (least privilege: "read" never grants Write), and the action's
// name begins with one of `prefixes` (the empty ones unused), the first
// preferred.
struct VerbRule {
  Verb verb;
  AccessLevelSet levels;
  std::string_view prefixes[6];
};
const VerbRule& RuleFor(Verb verb);

// When a recipe applies, beside its service, verbs and type.
enum class When {
  kAlways,
  // The sentence is about what the resource holds: a word for its contents
  // ("objects", "items", "messages"), or the resource after "from", "in",
  // "to", ... ("read from the bucket"), not the resource itself ("delete the
  // bucket").
  kContent,
  // Contents picked by a property ("old objects", "everything"): they are
  // found by listing first.
  kSelection,
  // A name is a path the operation reads under ("under /app", "the path /app").
  kPath,
  // The type's plural without a name ("all my S3 buckets").
  kAllOfType,
  // Another resource of the clause is of type `extra` ("roles and their policies").
  kWithType,
  // The clause says the word `extra` ("update the code of ...").
  kWithWord,
};

// Which of a clause's named resources an action of a recipe is for.
enum class Role {
  kAny,
  kSource,       // the one after "from", else the first: what "copy" reads
  kDestination,  // the one after "to" / "into", else the last: what "copy" writes
};

struct RecipeAction {
  std::string_view action;  // "s3:GetObject"
  Role role = Role::kAny;
};

struct Recipe {
  std::string_view service;
  VerbSet verbs;
  When when = When::kAlways;
  std::string_view type;          // the resource type of the clause's object, "" for any
  std::string_view extra;         // kWithType: the other type; kWithWord: the word
  RecipeAction actions[7];        // in order; the empty ones at the end unused
  std::string_view phrase;        // "read objects from": the description, before the object
  std::string_view universal;     // the universal name GCP and Azure answer with, or ""
  std::string_view unnamed = {};  // the object when nothing is named, if not the service's things
  // Words for what the recipe acts on that are no resource type ("messages",
  // "records"), space-separated: a clause about another word ("the
  // attributes of the queue") is another operation.
  std::string_view words = {};
};
std::span<const Recipe> Recipes();

// An IAM Resource written differently from the catalog's ARN format for a
// type, once a name is given: `format` replaces it.
struct ArnQuirk {
  std::string_view service;
  std::string_view type;
  std::string_view format;
};
std::span<const ArnQuirk> ArnQuirks();

// What to say when a name of `type` cannot restrict an action of `service`
// because the action is authorised against another resource; {name} is the
// name, {action} the action.
struct NameNote {
  std::string_view service;
  std::string_view type;
  std::string_view note;
};
const NameNote* FindNameNote(std::string_view service, std::string_view type);

}  // namespace audex::offline_intent
