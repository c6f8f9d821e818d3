// The offline intent parser's reading of a sentence, before any catalog
// question: words to items (verbs, services, resource nouns, names, ARNs,
// s3:// URLs, regions and account ids), items to clauses ("read from
// my-bucket" | "and invoke a Lambda function": a new clause starts when a
// verb follows a clause that already has a verb and a target), and each
// clause's targets to phrases ("the events" | "of the CloudFormation stack
// web"). Pure and deterministic; the catalog's service names and resource
// nouns come in through a Lexicon.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/intent/offline_vocabulary.h"
#include "core/policy/provider.h"

namespace audex::offline_intent {

// A resource type a noun may mean. The views point into the vocabulary or
// the catalog the lexicon was built from, which outlive every reading.
struct NounSense {
  std::string_view service;  // catalog prefix
  std::string_view type;     // resource type, "" for a noun without one ("metric")
  // The noun names its service even when none is said: the hand-written
  // defaults ("table" is DynamoDB's) and nouns only one service has ("state
  // machine").
  bool implies_service = false;
  bool weak = false;     // a guess, said as such: "database" as DynamoDB
  bool builtin = false;  // from the hand-written vocabulary ("bucket", "queue")
};

// A phrase the catalog knows: a service's prefix or name, or a resource
// type's noun. Phrases are lower case with single spaces.
struct CatalogWord {
  bool is_service = false;
  std::string_view service;
  NounSense noun;              // when !is_service
  bool needs_capital = false;  // a service prefix that is also an everyday word
};

// What the reader asks of the catalog: the services and resource nouns a
// phrase (lower case, single spaces) may be. An interface so that core
// stays apart from the catalog, which implements it
// (catalog/intent/offline_lexicon.h).
class Lexicon {
 public:
  virtual ~Lexicon() = default;
  virtual std::vector<CatalogWord> Find(std::string_view phrase) const = 0;
  // The most words a phrase it knows has.
  virtual size_t longest_phrase() const = 0;
};

enum class ItemKind {
  kVerb,
  kService,
  kNoun,
  kName,     // a resource name: "my-bucket", "reports" in "bucket reports"
  kArn,      // "arn:aws:s3:::b/*"
  kS3Url,    // "s3://bucket/prefix"
  kLiteral,  // a native action or universal name written out: "s3:GetObject"
  kConnector,
  kOr,
  kNegation,
  kNameMarker,
  kPreposition,
  kPossessive,
  kSelection,
  kAccountMarker,
  kStop,
  kRegion,   // "us-east-1"
  kAccount,  // a 12-digit account id
  kWord,     // anything else: maybe part of an operation's name ("configuration")
};

struct Item {
  ItemKind kind = ItemKind::kWord;
  Verb verb = Verb::kRead;
  std::string named_prefix;  // kVerb with Verb::kNamed: "Rotate"
  std::string text;          // as written (names, ARNs, literals, words)
  std::string lower;
  std::string service;            // kService; kArn and kS3Url: the service they name
  std::vector<NounSense> senses;  // kNoun
  bool plural = false;
  bool weak = false;
  bool ends_clause = false;  // followed by ',' ';' or '.'
  std::string s3_prefix;     // kS3Url: the key prefix after the bucket
};

// A noun phrase of a clause: what one resource (or one part of an
// operation's name) is said with.
struct Phrase {
  std::string preposition;    // the one before it: "from", "to", "of", "under", ...
  bool possessive = false;    // after "their" / "its"
  bool joined = false;        // after "and" / "or": another object of the same verbs
  std::vector<size_t> items;  // the phrase's services, nouns, names, ARNs, URLs and words
};

struct Clause {
  std::vector<size_t> verbs;  // indexes of the verb items that apply (negated ones left out)
  std::vector<Phrase> phrases;
  bool selection = false;  // "old objects", "everything": a subset to find first
  // A clause without targets of its own acts on the previous clause's
  // ("read from my-bucket and write to it").
  bool inherited = false;
};

struct Reading {
  std::vector<Item> items;
  std::vector<Clause> clauses;
  std::optional<std::string> region;   // "us-west-2" said in the sentence
  std::optional<std::string> account;  // a 12-digit id said in the sentence
  std::vector<std::string> warnings;   // guesses and ignored words, one line each
  bool guessed = false;
};

// Reads `sentence`. Never fails: what it does not understand is said in
// `warnings` (unknown words are left to the caller, which may find them in
// an action's name).
Reading ReadSentence(std::string_view sentence, Provider provider, const Lexicon& lexicon);

// Characters AWS resource names are made of (bucket, table, queue, topic,
// function, secret and parameter names, with '/' for paths and prefixes). A
// name with anything else (',', '*', quotes) would change an ARN's meaning
// or break the comma-separated resource list.
bool IsResourceNameText(std::string_view name);

}  // namespace audex::offline_intent
