// The targets of a clause of the offline intent parser: each phrase read
// as a resource (a service, a resource type of the catalog, the names said
// for it), or as words that may be part of an operation's name
// ("configuration", "events"); names said without a service bound to one.
#pragma once

#include <string>
#include <vector>

#include "catalog/intent/intent_wording.h"
#include "catalog/resource_formats.h"
#include "core/intent/offline_lexer.h"

namespace audex::offline_intent {

// What the parser says about its own reading: each guess (which lowers its
// confidence) and each limitation, once.
struct Notes {
  std::vector<std::string> warnings;
  bool guessed = false;

  void Guess(std::string message);
  void Note(std::string message);
};

struct Url {
  std::string bucket;
  std::string prefix;
};

// One resource (or one part of an operation's name) a clause speaks about.
struct Target {
  std::string service;                  // catalog prefix; "" for words only
  std::string type;                     // resource type; "" when the noun has none
  std::vector<std::string> words;       // what was said for it, lower case words in order
  std::vector<std::string> type_words;  // the type's noun, when not what was said
  std::vector<std::string> names;
  std::vector<std::string> arns;
  std::vector<Url> urls;
  std::vector<size_t> word_items;  // kWord items, used when an action's name takes them
  std::string preposition;
  bool possessive = false;
  bool joined = false;
  bool plural = false;
  bool path = false;          // names are paths to read under
  bool service_only = false;  // "in S3": the service and nothing else
};

bool HasNames(const Target& target);

// The clause's phrases as targets, in order. A noun takes the resource type
// of the service said with it, else of a service the clause points to, else
// the one it names by itself; otherwise it stays words. Names said alone
// take the service after them ("my-bucket in S3"), the noun before them for
// a path ("the parameters under /app"), the clause's one service, a hint in
// the name ("my-bucket", a guess) or the sentence's one service; else they
// are not used (a guess).
std::vector<Target> ClauseTargets(const Reading& reading, const Clause& clause,
                                  const ResourceFormats& formats, const ServiceWording& wording,
                                  Notes& notes);

}  // namespace audex::offline_intent
