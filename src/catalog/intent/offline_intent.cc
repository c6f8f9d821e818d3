// The offline intent parser's assembly: the sentence's clauses (read by
// core/intent/offline_lexer) become targets (a service, a resource type,
// names), each verb and target become actions (a recipe, else the catalog's
// action whose name is the verb's and the target's words), and the names
// become ARNs through the catalog's formats.
#include "catalog/intent/offline_intent.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "catalog/intent/offline_rules.h"
#include "catalog/name_words.h"
#include "core/glob.h"
#include "core/text.h"
#include "core/universal.h"

namespace audex {
namespace {

using offline_intent::CatalogWord;
using offline_intent::Clause;
using offline_intent::Item;
using offline_intent::ItemKind;
using offline_intent::Lexicon;
using offline_intent::NounSense;
using offline_intent::Phrase;
using offline_intent::Reading;
using offline_intent::Recipe;
using offline_intent::Role;
using offline_intent::Verb;
using offline_intent::When;

// --- Words ---------------------------------------------------------------

// "buckets" matches "bucket", "policies" "policy", "addresses" "address".
bool SameWord(std::string_view a, std::string_view b) {
  if (EqualsIgnoreCase(a, b)) return true;
  const auto plural_of = [](std::string_view singular, std::string_view plural) {
    if (plural.size() == singular.size() + 1 && plural.back() == 's') {
      return EqualsIgnoreCase(plural.substr(0, singular.size()), singular);
    }
    if (plural.size() == singular.size() + 2 && plural.ends_with("es")) {
      return EqualsIgnoreCase(plural.substr(0, singular.size()), singular);
    }
    if (plural.size() == singular.size() + 2 && plural.ends_with("ies") && !singular.empty() &&
        (singular.back() == 'y' || singular.back() == 'Y')) {
      return EqualsIgnoreCase(plural.substr(0, singular.size() - 1),
                              singular.substr(0, singular.size() - 1));
    }
    return false;
  };
  return plural_of(a, b) || plural_of(b, a);
}

// "group" -> {"group", "groups", "groupes"}; "policies" -> {"policies",
// "policy", ...}: the letters a word may have in an action's name.
std::vector<std::string> NumberForms(const std::string& word) {
  std::vector<std::string> forms = {word};
  const auto add = [&](std::string form) {
    if (!form.empty() && std::find(forms.begin(), forms.end(), form) == forms.end()) {
      forms.push_back(std::move(form));
    }
  };
  if (word.ends_with("ies")) add(word.substr(0, word.size() - 3) + "y");
  if (word.ends_with("es")) add(word.substr(0, word.size() - 2));
  if (word.ends_with("s")) add(word.substr(0, word.size() - 1));
  if (word.ends_with("y")) add(word.substr(0, word.size() - 1) + "ies");
  add(word + "s");
  add(word + "es");
  return forms;
}

bool IsPluralWord(std::string_view word) {
  return word.size() > 2 && word.back() == 's' && !word.ends_with("ss");
}

std::vector<std::string> SplitSpaces(std::string_view text) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.push_back(ToLower(text.substr(start, end - start)));
    start = end + 1;
  }
  return words;
}

// "Amazon Simple Queue Service (SQS)" -> "simple queue service".
std::string TitlePhrase(std::string_view title) {
  std::string phrase = ToLower(title);
  if (const size_t paren = phrase.find(" ("); paren != std::string::npos) phrase.resize(paren);
  for (std::string_view head : {"amazon ", "aws "}) {
    if (phrase.starts_with(head)) phrase.erase(0, head.size());
  }
  return phrase;
}

// --- Formats -------------------------------------------------------------

bool SameType(std::string_view a, std::string_view b) { return EqualsIgnoreCase(a, b); }

bool Includes(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  return std::all_of(inner.begin(), inner.end(), [&](const std::string& variable) {
    return std::find(outer.begin(), outer.end(), variable) != outer.end();
  });
}

// `inner`'s variables are a proper subset of `outer`'s: `outer` is a
// resource inside `inner` (an object in a bucket, a table's index).
bool Descends(const std::vector<std::string>& outer, const std::vector<std::string>& inner) {
  return outer.size() > inner.size() && Includes(outer, inner);
}

std::string Letters(std::string_view text) {
  std::string out;
  for (char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += c;
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The variable a name of this type fills: the one spelt like the type
// ("TableName" of a table), else the last one ending in "Name"
// ("GroupFriendlyName" of an Auto Scaling group), else the last.
std::string OwnVariable(const ResourceFormat& format) {
  const std::vector<std::string> variables = format.Variables();
  if (variables.empty()) return {};
  const std::string noun = Letters(format.noun);
  const std::string name = Letters(format.name);
  for (const std::string& variable : variables) {
    for (std::string_view suffix :
         {"NameWithPath", "Name", "Id", "Identifier", "Arn", "WithoutLeadingSlash"}) {
      if (variable.size() > suffix.size() && variable.ends_with(suffix)) {
        const std::string stem = Letters(variable.substr(0, variable.size() - suffix.size()));
        if (stem == noun || stem == name) return variable;
      }
    }
    if (Letters(variable) == noun || Letters(variable) == name) return variable;
  }
  for (auto it = variables.rbegin(); it != variables.rend(); ++it) {
    if (it->ends_with("Name")) return *it;
  }
  return variables.back();
}

// "arn:aws:batch:*:*:job-definition/*:*" -> ".../job-definition/*": a run
// of wildcards at the end of a resource part that has a literal start.
std::string CollapseTrailingWildcards(std::string arn) {
  size_t part = 0;
  for (int colons = 0; colons < 5 && part != std::string::npos; ++colons) {
    part = arn.find(':', part == 0 ? 0 : part + 1);
  }
  if (part == std::string::npos) return arn;
  while (arn.size() >= part + 4 && arn.ends_with("*") &&
         (arn[arn.size() - 2] == ':' || arn[arn.size() - 2] == '/') && arn[arn.size() - 3] == '*' &&
         arn.find_first_not_of("*:/", part + 1) < arn.size() - 3) {
    arn.resize(arn.size() - 2);
  }
  return arn;
}

// Does the ARN written in a sentence fit `format` (variables as wildcards)?
bool ArnFits(std::string_view arn, const ResourceFormat& format) {
  std::string pattern;
  for (size_t at = 0; at < format.format.size();) {
    const size_t open = format.format.find("${", at);
    if (open == std::string::npos) {
      pattern += format.format.substr(at);
      break;
    }
    pattern += format.format.substr(at, open - at);
    pattern += '*';
    const size_t close = format.format.find('}', open);
    at = close == std::string::npos ? format.format.size() : close + 1;
  }
  std::string literal(arn);
  std::replace(literal.begin(), literal.end(), '*', 'x');
  std::replace(literal.begin(), literal.end(), '?', 'x');
  return GlobMatches(pattern, literal, CaseRule::kSensitive);
}

// The most resource types the reference marks required for one action that
// are all needed together (a Glue table's catalog, database and table);
// beyond it they are alternatives.
constexpr size_t kMostRequiredTogether = 3;

// --- Clause targets --------------------------------------------------------

struct Url {
  std::string bucket;
  std::string prefix;
};

// One resource (or one part of an operation's name) a clause speaks about.
struct Target {
  std::string service;                  // catalog prefix; "" for words only
  std::string type;                     // resource type; "" when the noun has none
  std::vector<std::string> words;       // what was said for it, lower case words
  std::vector<std::string> type_words;  // the type's noun, when not what was said
  std::vector<std::string> names;
  std::vector<std::string> arns;
  std::vector<Url> urls;
  std::vector<size_t> word_items;  // kWord items, marked used when an action name takes them
  std::string preposition;
  bool possessive = false;
  bool joined = false;
  bool plural = false;
  bool path = false;          // names are paths to read under
  bool service_only = false;  // "in S3": the service and nothing else
  bool weak = false;          // the service is a guess ("database")
  std::string said;           // the noun or service as written, for messages
};

bool HasNames(const Target& target) {
  return !target.names.empty() || !target.arns.empty() || !target.urls.empty();
}

// A resource name given for a type, as variable values; `role` from its
// preposition.
struct BindingSet {
  ArnValues values;
  std::vector<std::string> said;  // the names as written, for the warning when none applies
  std::vector<std::pair<std::string, std::string>> named;  // (type, service) named exactly
  Role role = Role::kAny;
  std::vector<std::string> literal_arns;
};

struct Grant {
  std::string action;
  std::vector<std::string> resources;  // empty: Resource "*"
};

class Assembly {
 public:
  Assembly(Provider provider, const ActionCatalog& catalog, const ResourceFormats& formats,
           Reading reading)
      : provider_(provider), catalog_(catalog), formats_(formats), reading_(std::move(reading)) {
    guessed_ = reading_.guessed;
    warnings_ = std::move(reading_.warnings);
  }

  Result<OfflineIntent> Run(std::string_view sentence) {
    for (const Item& item : reading_.items) {
      if (item.kind == ItemKind::kVerb) any_verb_ = true;
      if (item.kind == ItemKind::kLiteral) AddLiteral(item);
    }
    for (const Clause& clause : reading_.clauses) DoClause(clause);
    for (size_t i = 0; i < reading_.items.size(); ++i) {
      const Item& item = reading_.items[i];
      if (item.kind == ItemKind::kWord && !used_words_.count(i)) {
        Guess(fmt::format("\"{}\" was not understood and is ignored", item.text));
      }
    }
    if (grants_.empty()) return Failure(sentence);
    return Finish();
  }

 private:
  void Guess(std::string message) {
    guessed_ = true;
    if (std::find(warnings_.begin(), warnings_.end(), message) == warnings_.end()) {
      warnings_.push_back(std::move(message));
    }
  }
  void Note(std::string message) {
    if (std::find(warnings_.begin(), warnings_.end(), message) == warnings_.end()) {
      warnings_.push_back(std::move(message));
    }
  }

  void AddGrant(const std::string& action, std::vector<std::string> resources) {
    for (Grant& grant : grants_) {
      if (grant.action != action) continue;
      // A second use with another resource list: the union, unless either
      // is Resource "*", which already grants everything.
      if (grant.resources.empty()) return;
      if (resources.empty()) {
        grant.resources.clear();
        return;
      }
      for (std::string& resource : resources) {
        if (std::find(grant.resources.begin(), grant.resources.end(), resource) ==
            grant.resources.end()) {
          grant.resources.push_back(std::move(resource));
        }
      }
      return;
    }
    grants_.push_back(Grant{action, std::move(resources)});
  }

  void AddPhrase(std::string phrase) {
    if (std::find(phrases_.begin(), phrases_.end(), phrase) == phrases_.end()) {
      phrases_.push_back(std::move(phrase));
    }
  }

  void AddLiteral(const Item& item) {
    if (const UniversalName* universal = FindUniversalName(item.text)) {
      for (std::string& action : TranslateUniversal(*universal, provider_)) {
        AddGrant(action, {});
      }
      AddPhrase(fmt::format("use {}", universal->name));
    } else {
      AddGrant(item.text, {});
      AddPhrase(fmt::format("use {}", item.text));
    }
  }

  // --- targets ---

  std::vector<Target> Targets(const Clause& clause) {
    std::vector<std::string> said;  // services said in the clause, in order
    for (const Phrase& phrase : clause.phrases) {
      for (size_t index : phrase.items) {
        const Item& item = reading_.items[index];
        if ((item.kind == ItemKind::kService || item.kind == ItemKind::kArn ||
             item.kind == ItemKind::kS3Url) &&
            !item.service.empty() &&
            std::find(said.begin(), said.end(), item.service) == said.end()) {
          said.push_back(item.service);
        }
      }
    }
    // Services the clause points to: said, or implied by a built-in noun
    // ("the orders queue" is SQS's).
    std::vector<std::string> context = said;
    for (const Phrase& phrase : clause.phrases) {
      for (size_t index : phrase.items) {
        for (const NounSense& sense : reading_.items[index].senses) {
          if (sense.builtin &&
              std::find(context.begin(), context.end(), sense.service) == context.end()) {
            context.push_back(sense.service);
          }
        }
      }
    }
    std::vector<Target> targets;
    for (const Phrase& phrase : clause.phrases) {
      Target target;
      target.preposition = phrase.preposition;
      target.possessive = phrase.possessive;
      target.joined = phrase.joined;
      target.path = phrase.preposition == "under";
      const Item* noun = nullptr;
      for (size_t index : phrase.items) {
        const Item& item = reading_.items[index];
        switch (item.kind) {
          case ItemKind::kService:
            target.service = item.service;
            target.said = item.text;
            break;
          case ItemKind::kNoun:
            // The last noun of a phrase is its resource; the words of all
            // stay in the order said ("stack resources").
            noun = &item;
            for (std::string& word : SplitSpaces(item.lower)) target.words.push_back(word);
            break;
          case ItemKind::kName:
            target.names.push_back(item.text);
            break;
          case ItemKind::kArn:
            target.arns.push_back(item.text);
            if (target.service.empty()) target.service = item.service;
            break;
          case ItemKind::kS3Url:
            target.urls.push_back(Url{item.text, item.s3_prefix});
            target.service = "s3";
            break;
          case ItemKind::kWord:
            for (std::string& word : SplitSpaces(item.lower)) target.words.push_back(word);
            target.word_items.push_back(index);
            break;
          default:
            break;
        }
      }
      if (noun != nullptr) ResolveNoun(*noun, said, context, target);
      // "stack resources": the number of the last word said.
      if (!target.words.empty() &&
          (noun == nullptr || noun != &reading_.items[phrase.items.back()])) {
        const Item& last = reading_.items[phrase.items.back()];
        if (last.kind == ItemKind::kWord) target.plural = IsPluralWord(target.words.back());
      }
      if (std::find(target.words.begin(), target.words.end(), "path") != target.words.end() ||
          std::find(target.words.begin(), target.words.end(), "prefix") != target.words.end()) {
        target.path = true;
      }
      target.service_only = !target.service.empty() && target.type.empty() && noun == nullptr &&
                            !HasNames(target) && target.words.empty();
      targets.push_back(std::move(target));
    }
    BindNames(targets, said, context);
    return targets;
  }

  // Which resource type a noun means here: the one of the service said
  // with it, else of a service said in the clause, else the one it points
  // to by itself; otherwise it is only words for an action's name.
  void ResolveNoun(const Item& noun, const std::vector<std::string>& said,
                   const std::vector<std::string>& context, Target& target) {
    const std::vector<std::string> words = SplitSpaces(noun.lower);
    const auto take = [&](const NounSense& sense) {
      target.service = sense.service;
      target.type = sense.type;
      target.plural = noun.plural;
      target.weak = sense.weak;
      if (sense.weak) {
        Guess(fmt::format("\"{}\" is taken as {}", noun.text, Things(sense.service, "")));
      }
      target.said = target.said.empty() ? noun.text : target.said + " " + noun.text;
      if (!sense.type.empty()) {
        if (auto format = formats_.Find(sense.service, sense.type)) {
          std::vector<std::string> noun_words = SplitSpaces(format->noun);
          if (noun_words != words) target.type_words = std::move(noun_words);
        }
      }
    };
    const auto find = [&](std::string_view service) -> const NounSense* {
      for (const NounSense& sense : noun.senses) {
        if (sense.service == service) return &sense;
      }
      return nullptr;
    };
    const auto implied = [&]() -> const NounSense* {
      for (const NounSense& sense : noun.senses) {
        if (sense.implies_service) return &sense;
      }
      return nullptr;
    };
    if (!target.service.empty()) {
      if (const NounSense* sense = find(target.service)) return take(*sense);
      // "CloudWatch log groups": a family name before a noun of its own.
      if (const NounSense* sense = implied(); sense != nullptr && !sense->weak) {
        return take(*sense);
      }
    } else {
      for (const std::string& service : context) {
        if (const NounSense* sense = find(service)) return take(*sense);
      }
      if (said.empty()) {
        if (const NounSense* sense = implied()) return take(*sense);
      }
    }
    // A word for the operation's name ("labels", "users"), not a resource.
    target.plural = target.plural || noun.plural;
  }

  // Names said without a noun or service of their own: "my-bucket in S3"
  // (the service after), "the parameters under /app" (the noun before, for
  // a path), a hint in the name itself ("my-bucket"), else the sentence's
  // only service.
  void BindNames(std::vector<Target>& targets, const std::vector<std::string>& said,
                 const std::vector<std::string>& context) {
    for (size_t i = 0; i < targets.size(); ++i) {
      Target& target = targets[i];
      if (!target.service.empty() || target.names.empty()) continue;
      if (i + 1 < targets.size() && targets[i + 1].service_only) {
        target.service = targets[i + 1].service;
        target.said = targets[i + 1].said;
        targets[i + 1].service_only = false;
        targets[i + 1].service.clear();
        continue;
      }
      if (target.path && i > 0 && !targets[i - 1].service.empty() && !targets[i - 1].type.empty() &&
          !HasNames(targets[i - 1])) {
        Target& before = targets[i - 1];
        before.names = target.names;
        before.path = before.path || target.path;
        if (before.preposition.empty()) before.preposition = target.preposition;
        target.names.clear();
        continue;
      }
      if (context.size() == 1) {
        target.service = context.front();
        continue;
      }
      static const std::vector<std::pair<std::string_view, std::string_view>> kHints = {
          {"bucket", "s3"},
          {"table", "dynamodb"},
          {"queue", "sqs"},
          {"topic", "sns"},
          {"lambda", "lambda"},
          {"function", "lambda"},
          {"secret", "secretsmanager"},
          {"stream", "kinesis"},
          {"repo", "ecr"}};
      for (const auto& [hint, service] : kHints) {
        if (std::any_of(target.names.begin(), target.names.end(), [&](const std::string& name) {
              return ToLower(name).find(hint) != std::string::npos;
            })) {
          target.service = std::string(service);
          Guess(fmt::format("\"{}\" is taken as {} name (no service was said for it)",
                            target.names.front(),
                            NamedOne(target.service, DefaultTypeOf(service))));
          break;
        }
      }
      if (target.service.empty() && said.empty()) {
        std::set<std::string> sentence_services;
        for (const Item& item : reading_.items) {
          if (item.kind == ItemKind::kService) sentence_services.insert(item.service);
          if (item.kind == ItemKind::kNoun) {
            for (const NounSense& sense : item.senses) {
              if (sense.implies_service) {
                sentence_services.insert(sense.service);
                break;
              }
            }
          }
        }
        if (sentence_services.size() == 1) target.service = *sentence_services.begin();
      } else if (target.service.empty() && said.size() == 1) {
        target.service = said.front();
      }
      if (target.service.empty()) {
        for (const std::string& name : target.names) {
          Guess(fmt::format(
              "\"{}\" looks like a resource name but no service was said for it; it is not used",
              name));
        }
        target.names.clear();
      }
    }
    for (Target& target : targets) {
      if (!target.service.empty() && target.type.empty() && HasNames(target) &&
          target.words.empty()) {
        target.type = DefaultTypeOf(target.service);
      }
    }
  }

  std::string DefaultTypeOf(std::string_view service) const {
    if (std::string_view type = offline_intent::DefaultType(service); !type.empty()) {
      return std::string(type);
    }
    const std::vector<ResourceFormat> formats = formats_.OfService(service);
    return formats.size() == 1 ? std::string(formats.front().name) : std::string();
  }

  // --- descriptions ---

  std::string ShortName(std::string_view service) const {
    if (std::string_view name = offline_intent::ShortServiceName(service); !name.empty()) {
      return std::string(name);
    }
    if (const auto info = catalog_.FindService(service); info && !info->title.empty()) {
      std::string title(info->title);
      if (const size_t paren = title.find(" ("); paren != std::string::npos) title.resize(paren);
      for (std::string_view head : {"Amazon ", "AWS "}) {
        if (title.starts_with(head)) title.erase(0, head.size());
      }
      return title;
    }
    return std::string(service);
  }

  std::string NounOf(std::string_view service, std::string_view type) const {
    if (type.empty()) return {};
    if (const auto format = formats_.Find(service, type)) return format->noun;
    return std::string(type);
  }

  // "DynamoDB tables", "S3": the service's things, unnamed.
  std::string Things(std::string_view service, std::string_view type) const {
    const offline_intent::ServicePhrases* phrases = offline_intent::FindServicePhrases(service);
    if (provider_ == Provider::kGcp && phrases != nullptr) return std::string(phrases->gcp);
    if (provider_ == Provider::kAzure && phrases != nullptr) return std::string(phrases->azure);
    if (phrases != nullptr && (type.empty() || SameType(type, DefaultTypeOf(service)))) {
      return std::string(phrases->aws);
    }
    const std::string noun = NounOf(service, type.empty() ? DefaultTypeOf(service) : type);
    if (noun.empty()) return ShortName(service);
    return fmt::format("{} {}{}", ShortName(service), noun,
                       noun.ends_with("s") ? "es" : (noun.ends_with("y") ? "" : "s"));
  }

  std::string NamedOne(std::string_view service, std::string_view type) const {
    const offline_intent::ServicePhrases* phrases = offline_intent::FindServicePhrases(service);
    if (phrases != nullptr && (type.empty() || SameType(type, DefaultTypeOf(service)))) {
      return std::string(phrases->named_one);
    }
    return fmt::format("a specific {} {}", ShortName(service),
                       NounOf(service, type.empty() ? DefaultTypeOf(service) : type));
  }

  std::string NamedMany(std::string_view service, std::string_view type) const {
    const offline_intent::ServicePhrases* phrases = offline_intent::FindServicePhrases(service);
    if (phrases != nullptr && (type.empty() || SameType(type, DefaultTypeOf(service)))) {
      return std::string(phrases->named_many);
    }
    return fmt::format("specific {} {}s", ShortName(service),
                       NounOf(service, type.empty() ? DefaultTypeOf(service) : type));
  }

  // --- clauses ---

  void DoClause(const Clause& clause) {
    std::vector<Target> targets = Targets(clause);
    std::vector<std::string> services;
    for (const Target& target : targets) {
      if (!target.service.empty() &&
          std::find(services.begin(), services.end(), target.service) == services.end()) {
        services.push_back(target.service);
      }
    }
    if (!services.empty()) any_service_ = true;
    const size_t granted_before = grants_.size();
    for (size_t verb_index : clause.verbs) {
      const Item& verb = reading_.items[verb_index];
      std::vector<Verb> verbs = {verb.verb};
      if (verb.verb == Verb::kManage) {
        verbs = {Verb::kRead, Verb::kList, Verb::kWrite, Verb::kDelete};
      }
      for (Verb one : verbs) {
        for (const std::string& service : services) {
          DoService(clause, targets, service, verb, one, verb.verb == Verb::kManage);
        }
      }
    }
    if (provider_ == Provider::kAws && grants_.size() > granted_before) {
      WarnUnusedNames(targets, granted_before);
    }
  }

  // A name that limits none of the actions granted for its service: said,
  // with the reason where AWS documents one (a KMS alias).
  void WarnUnusedNames(const std::vector<Target>& targets, size_t granted_before) {
    for (const Target& target : targets) {
      std::vector<std::string> said = target.names;
      said.insert(said.end(), target.arns.begin(), target.arns.end());
      for (const std::string& name : said) {
        if (used_names_.count(name) || !offline_intent::IsResourceNameText(name)) continue;
        std::vector<std::string> actions;
        for (size_t g = granted_before; g < grants_.size(); ++g) {
          if (grants_[g].action.starts_with(target.service + ":")) {
            actions.push_back(grants_[g].action);
          }
        }
        if (actions.empty()) continue;
        if (const offline_intent::NameNote* note =
                offline_intent::FindNameNote(target.service, target.type)) {
          Guess(fmt::format(fmt::runtime(note->note), fmt::arg("name", name),
                            fmt::arg("action", Join(actions, ", "))));
        } else {
          Guess(
              fmt::format("{} cannot be limited to \"{}\" (no resource type of {} holds it); "
                          "the name is not used",
                          Join(actions, ", "), name, actions.size() == 1 ? "it" : "them"));
        }
      }
    }
  }

  // The targets of `service` (and the words said without a service), and
  // which of them are objects of the verb: the first, and those joined to
  // it by "and" or a possessive ("roles and their policies").
  void DoService(const Clause& clause, std::vector<Target>& targets, const std::string& service,
                 const Item& verb, Verb one, bool content) {
    std::vector<size_t> mine;
    for (size_t i = 0; i < targets.size(); ++i) {
      if (targets[i].service == service || (targets[i].service.empty() && !HasNames(targets[i]))) {
        if (targets[i].service.empty() && targets[i].words.empty()) continue;
        mine.push_back(i);
      }
    }
    if (mine.empty()) return;
    std::vector<size_t> heads = {mine.front()};
    for (size_t k = 1; k < mine.size(); ++k) {
      const Target& target = targets[mine[k]];
      if ((target.joined || target.possessive) && target.service == service &&
          !target.type.empty()) {
        heads.push_back(mine[k]);
      }
    }
    for (size_t head : heads) {
      std::vector<size_t> context;
      for (size_t index : mine) {
        if (std::find(heads.begin(), heads.end(), index) == heads.end()) context.push_back(index);
      }
      // "their policies": the resource before belongs to this one.
      if (targets[head].possessive) {
        for (size_t other : heads) {
          if (other < head) context.push_back(other);
        }
      }
      DoObject(clause, targets, service, verb, one, content, head, context);
    }
  }

  bool RecipeHolds(const Recipe& recipe, const Clause& clause, const std::vector<Target>& targets,
                   const std::string& service, const Target& head,
                   const std::vector<size_t>& context, bool content) const {
    if (!recipe.type.empty() && !SameType(recipe.type, head.type)) return false;
    // Another resource type of the service than its main one, or one in
    // or around it, is another operation ("the CloudWatch dashboard" is not
    // its metrics).
    if (recipe.type.empty() && !head.type.empty() && !Related(service, head.type)) return false;
    // A word of its own ("the attributes of the queue") is another
    // operation than the recipe's, unless it is one of the recipe's words.
    if (head.type.empty() && !head.words.empty()) {
      const std::vector<std::string> mine = SplitSpaces(recipe.words);
      const bool ours =
          std::any_of(head.words.begin(), head.words.end(), [&](const std::string& w) {
            return std::any_of(mine.begin(), mine.end(),
                               [&](const std::string& m) { return SameWord(m, w); });
          });
      if (!ours) return false;
    }
    const auto any_target = [&](auto predicate) {
      if (predicate(head)) return true;
      return std::any_of(context.begin(), context.end(),
                         [&](size_t index) { return predicate(targets[index]); });
    };
    switch (recipe.when) {
      case When::kAlways:
        return true;
      case When::kContent:
        return content || IsAboutContent(head, service);
      case When::kSelection:
        return clause.selection && (content || IsAboutContent(head, service));
      case When::kPath:
        return any_target([](const Target& target) { return target.path && HasNames(target); });
      case When::kAllOfType:
        return head.plural && !HasNames(head);
      case When::kWithType:
        return std::any_of(context.begin(), context.end(), [&](size_t index) {
          return SameType(targets[index].type, recipe.extra);
        });
      case When::kWithWord:
        return any_target([&](const Target& target) {
          return std::any_of(target.words.begin(), target.words.end(),
                             [&](const std::string& word) { return SameWord(word, recipe.extra); });
        });
    }
    return false;
  }

  // The service's main type, or a type inside or around it (S3's objects
  // in its buckets, a log group's streams).
  bool Related(const std::string& service, const std::string& type) const {
    const std::string main = DefaultTypeOf(service);
    if (main.empty() || SameType(main, type)) return true;
    const auto main_format = formats_.Find(service, main);
    const auto format = formats_.Find(service, type);
    if (!main_format || !format) return true;
    const std::vector<std::string> a = main_format->Variables();
    const std::vector<std::string> b = format->Variables();
    return Includes(a, b) || Includes(b, a);
  }

  // About what a resource holds rather than the resource itself: said with
  // a word for its contents ("objects", "items", "messages"), as another
  // type than the service's main one, or after "from", "in", "to", ...
  bool IsAboutContent(const Target& head, const std::string& service) const {
    static const std::set<std::string_view> kInside = {"from", "in",     "into",   "to",
                                                       "onto", "inside", "within", "on"};
    if (kInside.count(head.preposition)) return true;
    if (head.type.empty()) return true;  // "messages", "records": words for contents
    if (!SameType(head.type, DefaultTypeOf(service))) return true;  // S3's objects
    // The service's main type said with another word: a table's "items".
    return !head.type_words.empty();
  }

  void DoObject(const Clause& clause, std::vector<Target>& targets, const std::string& service,
                const Item& verb, Verb one, bool content, size_t head_index,
                const std::vector<size_t>& context) {
    // The object said first; when it is only a word that neither a recipe
    // nor an action name takes ("a new version of the service"), each other
    // thing said in turn.
    std::vector<size_t> order = {head_index};
    if (targets[head_index].type.empty()) order.insert(order.end(), context.begin(), context.end());
    for (size_t head : order) {
      std::vector<size_t> rest;
      for (size_t index : order.size() == 1 ? context : order) {
        if (index != head) rest.push_back(index);
      }
      if (order.size() > 1 && head != head_index) rest.push_back(head_index);
      if (TryRecipe(clause, targets, service, one, content, head, rest)) return;
      if (provider_ != Provider::kAws) continue;
      // Else the catalog's action whose name is the verb and the words said.
      if (auto chosen = Choose(service, verb, one, targets, head, rest)) {
        GrantChosen(verb, one, catalog_.Get(*chosen), targets, service, head, rest);
        return;
      }
    }
    if (provider_ != Provider::kAws) {
      Guess(fmt::format("\"{} {}\" has no {} equivalent offline; left out", VerbText(verb, one),
                        Things(service, targets[head_index].type), ProviderName(provider_)));
      return;
    }
    if (!targets[head_index].type.empty()) {
      if (auto chosen = ChooseElsewhere(service, verb, one, targets, head_index, context)) {
        GrantChosen(verb, one, catalog_.Get(*chosen), targets, service, head_index, context);
        return;
      }
    }
    Guess(
        fmt::format("\"{}\" is not something the offline parser knows how to do with {}; left out",
                    VerbText(verb, one), HeadText(targets[head_index], service)));
  }

  // A recipe: the operations whose actions the AWS documents list.
  bool TryRecipe(const Clause& clause, std::vector<Target>& targets, const std::string& service,
                 Verb one, bool content, size_t head, const std::vector<size_t>& context) {
    if (one == Verb::kNamed) return false;
    for (const Recipe& recipe : offline_intent::Recipes()) {
      if (recipe.service != service ||
          std::find(recipe.verbs.begin(), recipe.verbs.end(), one) == recipe.verbs.end()) {
        continue;
      }
      if (!RecipeHolds(recipe, clause, targets, service, targets[head], context, content)) continue;
      UseRecipe(recipe, targets, service, head, context);
      return true;
    }
    return false;
  }

  void GrantChosen(const Item& verb, Verb one, const Action& action,
                   const std::vector<Target>& targets, const std::string& service, size_t head,
                   const std::vector<size_t>& context) {
    MarkUsedWords(action.name(), targets, head, context);
    std::vector<std::string> resources =
        Resources(action, targets, service, head, context, Role::kAny);
    const bool named = !resources.empty();
    AddGrant(action.FullName(), std::move(resources));
    AddPhrase(GenericPhrase(verb, one, targets, service, head, context, named));
  }

  std::string VerbText(const Item& verb, Verb one) const {
    if (one == Verb::kNamed || one == verb.verb) return ToLower(verb.text);
    return std::string(offline_intent::VerbWord(one));
  }

  std::string HeadText(const Target& head, const std::string& service) const {
    if (!head.type.empty()) return Things(service, head.type);
    if (!head.words.empty())
      return fmt::format("\"{}\" in {}", Join(head.words, " "), ShortName(service));
    return ShortName(service);
  }

  void UseRecipe(const Recipe& recipe, std::vector<Target>& targets, const std::string& service,
                 size_t head_index, const std::vector<size_t>& context) {
    const Target& head = targets[head_index];
    // The recipe speaks for the clause: its other words are understood.
    for (size_t index : head.word_items) used_words_.insert(index);
    for (size_t other : context) {
      for (size_t index : targets[other].word_items) used_words_.insert(index);
    }
    if (provider_ != Provider::kAws) {
      const UniversalName* universal =
          recipe.universal.empty() ? nullptr : FindUniversalName(recipe.universal);
      const std::string object = Things(service, "");
      if (universal == nullptr || object.empty()) {
        Guess(fmt::format("\"{} {}\" has no {} equivalent offline; left out", recipe.phrase,
                          offline_intent::FindServicePhrases(service) != nullptr
                              ? std::string(offline_intent::FindServicePhrases(service)->aws)
                              : ShortName(service),
                          ProviderName(provider_)));
        return;
      }
      for (std::string& action : TranslateUniversal(*universal, provider_)) {
        AddGrant(action, {});
      }
      const bool named =
          HasNames(head) || std::any_of(context.begin(), context.end(),
                                        [&](size_t i) { return HasNames(targets[i]); });
      if (named) {
        Guess(fmt::format(
            "resource names are not restrictions on {}; the permissions apply to every {}",
            ProviderName(provider_), object));
      }
      AddPhrase(fmt::format("{} {}", recipe.phrase, object));
      return;
    }
    bool named = false;
    size_t count = 0;
    for (const offline_intent::RecipeAction& step : recipe.actions) {
      const auto action = catalog_.Lookup(step.action);
      if (!action) continue;  // the recipes' test holds every action to the catalog
      std::vector<std::string> resources =
          Resources(*action, targets, service, head_index, context, step.role);
      named = named || !resources.empty();
      count = std::max(count, resources.size());
      AddGrant(action->FullName(), std::move(resources));
    }
    size_t named_targets = HasNames(head) ? 1 : 0;
    for (size_t index : context) {
      if (targets[index].service == service && HasNames(targets[index])) ++named_targets;
    }
    std::string object;
    if (!named) {
      object = recipe.unnamed.empty() ? Things(service, "") : std::string(recipe.unnamed);
    } else {
      const std::string type = NamedType(targets, service, head_index, context);
      object = count > 1 || named_targets > 1 ? NamedMany(service, type) : NamedOne(service, type);
    }
    AddPhrase(fmt::format("{} {}", recipe.phrase, object));
  }

  // The type of the first named target, for descriptions.
  std::string NamedType(const std::vector<Target>& targets, const std::string& service,
                        size_t head_index, const std::vector<size_t>& context) const {
    if (HasNames(targets[head_index])) return targets[head_index].type;
    for (size_t index : context) {
      if (targets[index].service == service && HasNames(targets[index])) return targets[index].type;
    }
    return targets[head_index].type;
  }

  std::string GenericPhrase(const Item& verb, Verb one, const std::vector<Target>& targets,
                            const std::string& service, size_t head_index,
                            const std::vector<size_t>& context, bool named) const {
    const Target& head = targets[head_index];
    const std::string verb_text = VerbText(verb, one);
    std::string object;
    if (!head.type.empty()) {
      object = named && HasNames(head) ? NamedOne(service, head.type) : Things(service, head.type);
    } else {
      object = Join(head.words, " ");
    }
    for (size_t index : context) {
      const Target& other = targets[index];
      if (other.service != service || other.type.empty()) continue;
      if (head.type.empty() || !HasNames(head)) {
        object += fmt::format(
            " {} {}", head.type.empty() ? "of" : "in",
            HasNames(other) ? NamedOne(service, other.type) : Things(service, other.type));
        break;
      }
    }
    if (object.empty()) object = ShortName(service);
    return fmt::format("{} {}", verb_text, Trim(object));
  }

  // --- choosing an action by its name ---

  struct Words {
    std::vector<std::vector<std::string>> head;  // ways the head was said: its words, its type's
    std::vector<std::string> context;
    std::vector<std::vector<std::string>> named_variables;  // of each named resource's type
  };

  Words WordsOf(const std::vector<Target>& targets, size_t head_index,
                const std::vector<size_t>& context) const {
    Words words;
    const Target& head = targets[head_index];
    if (!head.words.empty()) words.head.push_back(head.words);
    if (!head.type_words.empty()) words.head.push_back(head.type_words);
    if (!head.type.empty() && head.words.empty()) {
      words.head.push_back(NameWords(head.type));
    }
    const auto named = [&](const Target& target) {
      if (!HasNames(target) || target.type.empty()) return;
      if (const auto format = formats_.Find(target.service, target.type)) {
        words.named_variables.push_back(format->Variables());
      }
    };
    named(head);
    for (size_t index : context) {
      const Target& other = targets[index];
      for (const std::string& word : other.words) words.context.push_back(word);
      for (const std::string& word : other.type_words) words.context.push_back(word);
      named(other);
    }
    return words;
  }

  std::optional<ActionId> Choose(const std::string& service, const Item& verb, Verb one,
                                 const std::vector<Target>& targets, size_t head_index,
                                 const std::vector<size_t>& context) const {
    const auto info = catalog_.FindService(service);
    if (!info) return std::nullopt;
    return ChooseIn(*info, verb, one, WordsOf(targets, head_index, context),
                    targets[head_index].plural);
  }

  // The head's resource type under another service that has it too
  // ("assume the role": sts:AssumeRole acts on IAM's roles).
  std::optional<ActionId> ChooseElsewhere(const std::string& service, const Item& verb, Verb one,
                                          const std::vector<Target>& targets, size_t head_index,
                                          const std::vector<size_t>& context) const {
    const Target& head = targets[head_index];
    const auto own = formats_.Find(service, head.type);
    if (!own) return std::nullopt;
    const Words words = WordsOf(targets, head_index, context);
    for (const ServiceInfo& other : catalog_.Services()) {
      if (other.prefix == service) continue;
      const auto format = formats_.Find(other.prefix, head.type);
      if (!format || format->format != own->format) continue;
      if (auto chosen = ChooseIn(other, verb, one, words, head.plural)) return chosen;
    }
    return std::nullopt;
  }

  std::optional<ActionId> ChooseIn(const ServiceInfo& info, const Item& verb, Verb one,
                                   const Words& words, bool plural) const {
    const offline_intent::VerbRule& rule = offline_intent::RuleFor(one);
    std::vector<std::string_view> prefixes = rule.prefixes;
    if (one == Verb::kNamed) prefixes = {verb.named_prefix};
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
      const Action action = catalog_.Get(id);
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
      if ((levels.bits() & ~rule.levels.bits()) != 0 || levels.empty()) continue;
      const std::vector<std::string> rest = NameWords(name.substr(prefixes[prefix_index].size()));

      // Where the head's words are in the rest of the name, letter by
      // letter so that "node groups" finds "Nodegroups": from the start of
      // a word to the end of one, allowing the other number.
      const std::string letters = Letters(Join(rest, ""));
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
        const std::string head = Letters(Join(words.head[alternative], ""));
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
        const auto format = formats_.Find(info.prefix, type.name);
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
    return best->id;
  }

  void MarkUsedWords(std::string_view action_name, const std::vector<Target>& targets,
                     size_t head_index, const std::vector<size_t>& context) {
    const std::vector<std::string> words = NameWords(action_name);
    const auto mark = [&](const Target& target) {
      for (size_t index : target.word_items) {
        const std::vector<std::string> said = SplitSpaces(reading_.items[index].lower);
        if (std::any_of(said.begin(), said.end(), [&](const std::string& word) {
              return std::any_of(words.begin(), words.end(),
                                 [&](const std::string& w) { return SameWord(w, word); });
            })) {
          used_words_.insert(index);
        }
      }
    };
    mark(targets[head_index]);
    for (size_t index : context) mark(targets[index]);
  }

  // --- resources ---

  // The names of the clause's targets of `service` as variable values, one
  // set per resource (two buckets make two sets), with the role their
  // preposition gives them.
  std::vector<BindingSet> Bindings(const std::vector<Target>& targets, const std::string& service,
                                   size_t head_index, const std::vector<size_t>& context) {
    std::vector<size_t> order = {head_index};
    order.insert(order.end(), context.begin(), context.end());
    std::sort(order.begin(), order.end());
    std::vector<BindingSet> sets;
    const auto role_of = [](const Target& target) {
      if (target.preposition == "from") return Role::kSource;
      if (target.preposition == "to" || target.preposition == "into" ||
          target.preposition == "onto") {
        return Role::kDestination;
      }
      return Role::kAny;
    };
    const auto place = [&](const std::string& variable, const std::string& value, Role role,
                           const std::string& type, const std::string& said) {
      for (BindingSet& set : sets) {
        if (set.values.count(variable) == 0 &&
            (set.role == role || role == Role::kAny || set.role == Role::kAny)) {
          set.values[variable] = value;
          if (set.role == Role::kAny) set.role = role;
          set.named.emplace_back(type, service);
          set.said.push_back(said);
          return;
        }
      }
      BindingSet set;
      set.said.push_back(said);
      set.values[variable] = value;
      set.role = role;
      set.named.emplace_back(type, service);
      sets.push_back(std::move(set));
    };
    for (size_t index : order) {
      const Target& target = targets[index];
      if (target.service != service) continue;
      const Role role = role_of(target);
      for (const Url& url : target.urls) {
        BindingSet set;
        set.said.push_back("s3://" + url.bucket + (url.prefix.empty() ? "" : "/" + url.prefix));
        set.values["BucketName"] = url.bucket;
        if (!url.prefix.empty()) set.values["ObjectName"] = url.prefix + "*";
        set.role = role;
        set.named.emplace_back("bucket", service);
        sets.push_back(std::move(set));
      }
      for (const std::string& arn : target.arns) {
        BindingSet set;
        set.said.push_back(arn);
        set.literal_arns.push_back(arn);
        set.role = role;
        sets.push_back(std::move(set));
      }
      if (target.names.empty() || target.type.empty()) continue;
      const auto format = formats_.Find(service, target.type);
      if (!format) continue;
      const std::string variable = OwnVariable(*format);
      if (variable.empty()) continue;
      for (const std::string& name : target.names) {
        if (!offline_intent::IsResourceNameText(name)) {
          Guess(fmt::format(
              "\"{}\" cannot be a {} name (letters, digits, '.', '-', '_', '/' only); it is not "
              "used",
              name, NounOf(service, target.type)));
          continue;
        }
        if (service == "s3" && SameType(target.type, "bucket") &&
            name.find('/') != std::string::npos) {
          // "my-bucket/logs": the bucket, and the objects under the prefix.
          BindingSet set;
          set.said.push_back(name);
          set.values["BucketName"] = name.substr(0, name.find('/'));
          set.values["ObjectName"] = name.substr(name.find('/') + 1) + "*";
          set.role = role;
          set.named.emplace_back("bucket", service);
          sets.push_back(std::move(set));
          continue;
        }
        place(variable, ValueFor(*format, variable, name), role, std::string(format->name), name);
      }
    }
    // A value given once holds for every set that names a resource under it
    // ("tables a and b in database d"), not for one beside it (a second
    // bucket does not take the first one's key prefix).
    std::map<std::string, std::set<std::string>> values;
    for (const BindingSet& set : sets) {
      for (const auto& [variable, value] : set.values) values[variable].insert(value);
    }
    for (BindingSet& set : sets) {
      std::vector<std::string> parents;
      for (const auto& [type, type_service] : set.named) {
        if (const auto format = formats_.Find(type_service, type)) {
          for (std::string& variable : format->Variables()) parents.push_back(std::move(variable));
        }
      }
      for (const auto& [variable, seen] : values) {
        if (seen.size() == 1 && set.values.count(variable) == 0 &&
            std::find(parents.begin(), parents.end(), variable) != parents.end()) {
          set.values[variable] = *seen.begin();
        }
      }
    }
    return sets;
  }

  // A name as the format's variable holds it: without a leading '/' where
  // the variable says so (SSM parameter names), without the literal the
  // format already writes before it ("alias/app" in ".../alias/${Alias}").
  static std::string ValueFor(const ResourceFormat& format, const std::string& variable,
                              std::string name) {
    if (variable.ends_with("WithoutLeadingSlash") && name.starts_with('/')) name.erase(0, 1);
    const size_t at = format.format.find("${" + variable + "}");
    if (at != std::string::npos) {
      const size_t start = format.format.find_last_of(':', at) + 1;
      const std::string literal = format.format.substr(start, at - start);
      if (!literal.empty() && literal.find('$') == std::string::npos && name.starts_with(literal) &&
          name.size() > literal.size()) {
        name.erase(0, literal.size());
      }
    }
    return name;
  }

  std::string Arn(const ResourceFormat& format, const ArnValues& values, bool named) const {
    std::string pattern = format.format;
    if (named) {
      for (const offline_intent::ArnQuirk& quirk : offline_intent::ArnQuirks()) {
        if (quirk.service == format.service && SameType(quirk.type, format.name)) {
          pattern = std::string(quirk.format);
        }
      }
    }
    ArnValues with_place = values;
    if (reading_.region) with_place["Region"] = *reading_.region;
    if (reading_.account) with_place["Account"] = *reading_.account;
    return CollapseTrailingWildcards(ExpandArnFormat(pattern, with_place));
  }

  // The ARNs `action` is limited to by the clause's names; empty when
  // nothing said applies to it (Resource "*").
  std::vector<std::string> Resources(const Action& action, const std::vector<Target>& targets,
                                     const std::string& service, size_t head_index,
                                     const std::vector<size_t>& context, Role role) {
    std::vector<BindingSet> sets = Bindings(targets, service, head_index, context);
    if (role != Role::kAny && !sets.empty()) {
      // "copy a to b": the source is the one after "from" (else the first),
      // the destination the one after "to" (else the last).
      std::vector<BindingSet> chosen;
      for (BindingSet& set : sets) {
        if (set.role == role) chosen.push_back(set);
      }
      if (chosen.empty()) {
        chosen.push_back(role == Role::kSource ? sets.front() : sets.back());
      }
      sets = std::move(chosen);
    }
    struct Typed {
      ResourceType type;
      std::optional<ResourceFormat> format;
      std::vector<std::string> variables;
    };
    std::vector<Typed> types;
    for (const ResourceType& type : action.resource_types()) {
      auto format = formats_.Find(action.service(), type.name);
      std::vector<std::string> variables;
      if (format) variables = format->Variables();
      types.push_back(Typed{type, std::move(format), std::move(variables)});
    }
    const std::string head_type = targets[head_index].type;
    std::vector<std::string> resources;
    const auto add = [&](std::string arn) {
      if (std::find(resources.begin(), resources.end(), arn) == resources.end()) {
        resources.push_back(std::move(arn));
      }
    };
    for (const BindingSet& set : sets) {
      for (const std::string& arn : set.literal_arns) {
        if (std::any_of(types.begin(), types.end(), [&](const Typed& typed) {
              return typed.format && ArnFits(arn, *typed.format);
            })) {
          add(arn);
          used_names_.insert(arn);
        }
      }
      // Named exactly: a type of the action the sentence named; inside
      // one: a type whose ARN holds a named one's (the objects of a named
      // bucket) unless the action also takes the named type itself.
      std::vector<const Typed*> exact;
      std::vector<const Typed*> inside;
      std::vector<std::vector<std::string>> named_variables;
      for (const auto& [type, type_service] : set.named) {
        if (auto format = formats_.Find(type_service, type)) {
          named_variables.push_back(format->Variables());
        }
      }
      for (const Typed& typed : types) {
        if (!typed.format) continue;
        const bool is_named =
            std::any_of(set.named.begin(), set.named.end(), [&](const auto& named) {
              const auto format = formats_.Find(named.second, named.first);
              return format && SameType(named.first, typed.type.name) &&
                     format->Variables() == typed.variables;
            });
        if (is_named) {
          exact.push_back(&typed);
        } else if (std::any_of(named_variables.begin(), named_variables.end(),
                               [&](const auto& variables) {
                                 return Descends(typed.variables, variables);
                               })) {
          inside.push_back(&typed);
        }
      }
      std::vector<const Typed*> bound = exact;
      for (const Typed* typed : inside) {
        const bool below_exact = std::any_of(exact.begin(), exact.end(), [&](const Typed* e) {
          return Descends(typed->variables, e->variables);
        });
        if (!below_exact) bound.push_back(typed);
      }
      if (bound.empty()) continue;
      used_names_.insert(set.said.begin(), set.said.end());
      for (const Typed* typed : bound) add(Arn(*typed->format, set.values, true));
      // A required type nothing named: what contains a named one (a Glue
      // table's database and catalog), or the thing the sentence is about
      // ("create a snapshot of the instance"); not what lies inside a named
      // one (a state machine's map runs are another way to name it).
      // Many required types are ways to name one thing (bedrock:InvokeModel
      // takes a foundation model or any of eleven others): then none is
      // added for being required.
      const size_t required = static_cast<size_t>(std::count_if(
          types.begin(), types.end(), [](const Typed& typed) { return typed.type.required; }));
      for (const Typed& typed : types) {
        if (!typed.format || !typed.type.required || required > kMostRequiredTogether) continue;
        if (std::find(bound.begin(), bound.end(), &typed) != bound.end()) continue;
        const bool below = std::any_of(bound.begin(), bound.end(), [&](const Typed* b) {
          return Descends(typed.variables, b->variables);
        });
        if (below) continue;
        const bool above = std::any_of(bound.begin(), bound.end(), [&](const Typed* b) {
          return typed.variables.empty() || Descends(b->variables, typed.variables);
        });
        if (above || SameType(typed.type.name, head_type))
          add(Arn(*typed.format, set.values, false));
      }
    }
    return resources;
  }

  // --- the answer ---

  Result<OfflineIntent> Failure(std::string_view sentence) {
    const std::string hint =
        "; give the actions yourself (tryaudex run --allow s3:GetObject ...), or set "
        "ANTHROPIC_API_KEY to ask Claude";
    if (!any_verb_) {
      return PolicyError(fmt::format(
          "the offline parser found no action verb in \"{}\" (read, list, write, delete, "
          "invoke, send, publish, decrypt, ...){}",
          Trim(sentence), hint));
    }
    if (!any_service_) {
      return PolicyError(fmt::format(
          "the offline parser found no cloud service in \"{}\" (S3, bucket, DynamoDB, table, "
          "Lambda, function, queue, topic, secret, ...){}",
          Trim(sentence), hint));
    }
    return PolicyError(fmt::format("the offline parser could not turn \"{}\" into actions ({}){}",
                                   Trim(sentence), Join(warnings_, "; "), hint));
  }

  Result<OfflineIntent> Finish() {
    OfflineIntent result;
    IntentPolicy& policy = result.policy;
    // One statement per resource list, in the order first granted.
    for (const Grant& grant : grants_) {
      policy.actions.push_back(grant.action);
      auto it = std::find_if(
          policy.statements.begin(), policy.statements.end(),
          [&](const IntentStatement& statement) { return statement.resources == grant.resources; });
      if (it == policy.statements.end()) {
        policy.statements.push_back(IntentStatement{{}, grant.resources});
        it = policy.statements.end() - 1;
      }
      it->actions.push_back(grant.action);
      for (const std::string& resource : grant.resources) {
        if (std::find(policy.resources.begin(), policy.resources.end(), resource) ==
            policy.resources.end()) {
          policy.resources.push_back(resource);
        }
      }
    }
    // The union as one statement (the founding document's shape): once
    // anything is restricted, an unnamed action needs its own "any" ARN or
    // the list would deny it.
    if (!policy.resources.empty() && provider_ == Provider::kAws) {
      std::vector<std::string> unnamed;
      for (const Grant& grant : grants_) {
        if (!grant.resources.empty()) continue;
        const auto action = catalog_.Lookup(grant.action);
        if (!action) continue;
        for (std::string& arn : AnyArns(*action)) {
          if (std::find(policy.resources.begin(), policy.resources.end(), arn) ==
              policy.resources.end()) {
            policy.resources.push_back(std::move(arn));
          }
        }
        unnamed.push_back(grant.action);
      }
      if (!unnamed.empty()) {
        warnings_.push_back(
            fmt::format("no name was given for {}, so {} unrestricted in the resource list",
                        Join(unnamed, ", "), unnamed.size() == 1 ? "it stays" : "they stay"));
      }
    }
    if (provider_ != Provider::kAws) {
      policy.statements.clear();
      policy.resources.clear();
    }
    if (reading_.region && !UsedInArns(policy, *reading_.region)) {
      Guess(fmt::format("\"{}\" is not used: no ARN here holds a region", *reading_.region));
    }
    if (reading_.account && !UsedInArns(policy, *reading_.account)) {
      Guess(fmt::format("\"{}\" is not used: no ARN here holds an account", *reading_.account));
    }
    policy.description = JoinPhrases(phrases_);
    result.warnings = std::move(warnings_);
    result.confidence = guessed_ ? IntentConfidence::kLow : IntentConfidence::kHigh;
    return result;
  }

  static bool UsedInArns(const IntentPolicy& policy, const std::string& value) {
    return std::any_of(
        policy.resources.begin(), policy.resources.end(),
        [&](const std::string& arn) { return arn.find(value) != std::string::npos; });
  }

  // The ARNs that mean "every resource" for an action that has resource
  // types: its required ones, else all.
  std::vector<std::string> AnyArns(const Action& action) const {
    std::vector<std::string> arns;
    const std::vector<ResourceType> types = action.resource_types();
    const bool any_required = std::any_of(types.begin(), types.end(),
                                          [](const ResourceType& type) { return type.required; });
    for (const ResourceType& type : types) {
      if (any_required && !type.required) continue;
      // Access points are another way in to the same objects; the plain
      // resource is what "every" means here.
      if (type.name.starts_with("accesspoint")) continue;
      if (const auto format = formats_.Find(action.service(), type.name)) {
        std::string arn = ExpandArnFormat(format->format, {});
        if (std::find(arns.begin(), arns.end(), arn) == arns.end()) arns.push_back(std::move(arn));
      }
    }
    return arns;
  }

  static std::string JoinPhrases(const std::vector<std::string>& phrases) {
    std::string out;
    for (size_t i = 0; i < phrases.size(); ++i) {
      if (i > 0) out += (i + 1 == phrases.size()) ? " and " : ", ";
      out += phrases[i];
    }
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
    return out;
  }

  Provider provider_;
  const ActionCatalog& catalog_;
  const ResourceFormats& formats_;
  Reading reading_;
  std::vector<std::string> warnings_;
  bool guessed_ = false;
  bool any_verb_ = false;
  bool any_service_ = false;
  std::vector<Grant> grants_;
  std::vector<std::string> phrases_;
  std::set<size_t> used_words_;
  std::set<std::string> used_names_;
};

}  // namespace

offline_intent::Lexicon BuildOfflineLexicon(const ActionCatalog& catalog,
                                            const ResourceFormats& formats) {
  Lexicon lexicon;
  // Services: the prefix and the title ("simple queue service"); a prefix
  // that is also an everyday word needs a capital ("Batch") to count.
  for (const ServiceInfo& service : catalog.Services()) {
    CatalogWord word;
    word.is_service = true;
    word.service = std::string(service.prefix);
    word.needs_capital = offline_intent::IsEverydayWordPrefix(service.prefix);
    if (!offline_intent::IsOtherWordPrefix(service.prefix)) {
      lexicon.Add(std::string(service.prefix), word);
    }
    word.needs_capital = false;
    lexicon.Add("aws " + std::string(service.prefix), word);
    lexicon.Add("amazon " + std::string(service.prefix), word);
    if (!service.title.empty()) {
      const std::string phrase = TitlePhrase(service.title);
      const size_t words = static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' ')) + 1;
      if (words <= 4 && !phrase.empty()) {
        word.needs_capital = offline_intent::IsEverydayWordPrefix(phrase);
        lexicon.Add(phrase, word);
        word.needs_capital = false;
        lexicon.Add(ToLower(service.title), word);
      }
    }
  }
  // Resource nouns: "state machine", "statemachine", "log-group". A noun
  // of several words that only one service has names that service by
  // itself ("hosted zone"); one word is too often another service's too.
  std::map<std::string, std::vector<NounSense>> nouns;
  for (const ServiceInfo& service : catalog.Services()) {
    for (const ResourceFormat& format : formats.OfService(service.prefix)) {
      const NounSense sense{std::string(service.prefix), std::string(format.name), false, false,
                            false};
      for (const std::string& phrase : {format.noun, Letters(format.noun), ToLower(format.name)}) {
        if (phrase.empty()) continue;
        std::vector<NounSense>& senses = nouns[phrase];
        if (std::none_of(senses.begin(), senses.end(), [&](const NounSense& known) {
              return known.service == sense.service && SameType(known.type, sense.type);
            })) {
          senses.push_back(sense);
        }
      }
    }
  }
  for (auto& [phrase, senses] : nouns) {
    std::set<std::string> services;
    for (const NounSense& sense : senses) services.insert(sense.service);
    const bool distinctive = phrase.find(' ') != std::string::npos;
    for (NounSense& sense : senses) {
      sense.implies_service = services.size() == 1 && distinctive;
      CatalogWord word;
      word.noun = sense;
      lexicon.Add(phrase, std::move(word));
    }
  }
  for (const offline_intent::ServiceNoun& noun : offline_intent::ServiceNouns()) {
    CatalogWord word;
    word.noun = NounSense{std::string(noun.service), std::string(noun.type), false, false, false};
    lexicon.Add(std::string(noun.word), std::move(word));
  }
  return lexicon;
}

Result<OfflineIntent> ParseIntentOffline(std::string_view sentence, Provider provider,
                                         const ActionCatalog& catalog,
                                         const ResourceFormats& formats,
                                         const offline_intent::Lexicon& lexicon) {
  if (Trim(sentence).empty()) {
    return UsageError(
        "no sentence given: say what the command needs, e.g. tryaudex intent \"Read only from "
        "my-bucket in S3\"");
  }
  return Assembly(provider, catalog, formats, ReadSentence(sentence, provider, lexicon))
      .Run(sentence);
}

Result<OfflineIntent> ParseIntentOffline(std::string_view sentence, Provider provider) {
  // Built on the first call: intent is the only command that needs it.
  static const offline_intent::Lexicon lexicon =
      BuildOfflineLexicon(ActionCatalog::Builtin(), ResourceFormats::Builtin());
  return ParseIntentOffline(sentence, provider, ActionCatalog::Builtin(),
                            ResourceFormats::Builtin(), lexicon);
}

std::vector<std::string> OfflineIntentRecipeActions() {
  std::vector<std::string> actions;
  for (const Recipe& recipe : offline_intent::Recipes()) {
    for (const offline_intent::RecipeAction& step : recipe.actions) {
      if (std::find(actions.begin(), actions.end(), step.action) == actions.end()) {
        actions.emplace_back(step.action);
      }
    }
  }
  return actions;
}

}  // namespace audex
