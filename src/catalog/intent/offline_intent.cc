// The offline intent parser's assembly: the sentence's clauses (read by
// core/intent/offline_lexer) become targets (a service, a resource type,
// names), each verb and target become actions (a recipe, else the catalog's
// action whose name is the verb's and the target's words), and the names
// become ARNs through the catalog's formats.
#include "catalog/intent/offline_intent.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "catalog/intent/action_choice.h"
#include "catalog/intent/clause_targets.h"
#include "catalog/intent/intent_wording.h"
#include "catalog/intent/intent_words.h"
#include "catalog/intent/offline_lexicon.h"
#include "catalog/intent/offline_rules.h"
#include "catalog/intent/resource_binding.h"
#include "catalog/name_words.h"
#include "core/base/text.h"
#include "core/policy/universal.h"

namespace audex {
namespace {

using offline_intent::Clause;
using offline_intent::HasNames;
using offline_intent::Includes;
using offline_intent::Item;
using offline_intent::ItemKind;
using offline_intent::Reading;
using offline_intent::Recipe;
using offline_intent::Role;
using offline_intent::SameType;
using offline_intent::SameWord;
using offline_intent::SplitSpaces;
using offline_intent::Target;
using offline_intent::Verb;
using offline_intent::When;

struct Grant {
  std::string action;
  std::vector<std::string> resources;  // empty: Resource "*"
};

class Assembly {
 public:
  Assembly(Provider provider, const ActionCatalog& catalog, const ResourceFormats& formats,
           Reading reading)
      : provider_(provider),
        catalog_(catalog),
        formats_(formats),
        wording_(provider, catalog, formats),
        reading_(std::move(reading)) {
    notes_.guessed = reading_.guessed;
    notes_.warnings = std::move(reading_.warnings);
    place_ = offline_intent::Place{reading_.region, reading_.account};
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
  void Guess(std::string message) { notes_.Guess(std::move(message)); }

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

  // --- clauses ---

  void DoClause(const Clause& clause) {
    std::vector<Target> targets =
        offline_intent::ClauseTargets(reading_, clause, formats_, wording_, notes_);
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
    const std::string main = wording_.DefaultType(service);
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
    if (!SameType(head.type, wording_.DefaultType(service))) return true;  // S3's objects
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
      if (auto chosen = offline_intent::ChooseAction(
              catalog_, formats_, service, Asked(verb, one),
              offline_intent::CluesFor(targets, head, rest, formats_))) {
        GrantChosen(verb, one, *chosen, targets, service, head, rest);
        return;
      }
    }
    if (provider_ != Provider::kAws) {
      Guess(fmt::format("\"{} {}\" has no {} equivalent offline; left out", VerbText(verb, one),
                        wording_.Things(service, targets[head_index].type),
                        ProviderName(provider_)));
      return;
    }
    if (!targets[head_index].type.empty()) {
      if (auto chosen = offline_intent::ChooseActionElsewhere(
              catalog_, formats_, service, targets[head_index].type, Asked(verb, one),
              offline_intent::CluesFor(targets, head_index, context, formats_))) {
        GrantChosen(verb, one, *chosen, targets, service, head_index, context);
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
      if (recipe.service != service || !recipe.verbs.Contains(one)) {
        continue;
      }
      if (!RecipeHolds(recipe, clause, targets, service, targets[head], context, content)) continue;
      UseRecipe(recipe, targets, service, head, context);
      return true;
    }
    return false;
  }

  void GrantChosen(const Item& verb, Verb one, const offline_intent::ActionChoice& choice,
                   const std::vector<Target>& targets, const std::string& service, size_t head,
                   const std::vector<size_t>& context) {
    const Action action = catalog_.Get(choice.id);
    if (choice.also) {
      Guess(fmt::format(
          "\"{}\" on {} is taken as {}; {} would fit the words as well: name the operation if "
          "it is that one",
          VerbText(verb, one), HeadText(targets[head], service), action.FullName(),
          catalog_.Get(*choice.also).FullName()));
    }
    MarkUsedWords(action.name(), targets, head, context);
    std::vector<std::string> resources =
        Resources(action, targets, service, head, context, Role::kAny);
    const bool named = !resources.empty();
    AddGrant(action.FullName(), std::move(resources));
    AddPhrase(GenericPhrase(verb, one, targets, service, head, context, named));
  }

  // The names said for `service` as ARNs for `action`.
  std::vector<std::string> Resources(const Action& action, const std::vector<Target>& targets,
                                     const std::string& service, size_t head,
                                     const std::vector<size_t>& context, Role role) {
    return offline_intent::ActionResources(
        action, offline_intent::NameBindings(targets, service, head, context, formats_, notes_),
        role, formats_, place_, used_names_);
  }

  static offline_intent::VerbAsked Asked(const Item& verb, Verb one) {
    const offline_intent::VerbRule& rule = offline_intent::RuleFor(one);
    offline_intent::VerbAsked asked{{}, rule.levels};
    for (std::string_view prefix : rule.prefixes) {
      if (!prefix.empty()) asked.prefixes.push_back(prefix);
    }
    if (one == Verb::kNamed) asked.prefixes = {verb.named_prefix};
    return asked;
  }

  std::string VerbText(const Item& verb, Verb one) const {
    if (one == Verb::kNamed || one == verb.verb) return ToLower(verb.text);
    return std::string(offline_intent::VerbWord(one));
  }

  std::string HeadText(const Target& head, const std::string& service) const {
    if (!head.type.empty()) return wording_.Things(service, head.type);
    if (!head.words.empty())
      return fmt::format("\"{}\" in {}", Join(head.words, " "), wording_.ShortName(service));
    return wording_.ShortName(service);
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
      const std::string object = wording_.Things(service, "");
      if (universal == nullptr || object.empty()) {
        Guess(fmt::format("\"{} {}\" has no {} equivalent offline; left out", recipe.phrase,
                          offline_intent::FindServicePhrases(service) != nullptr
                              ? std::string(offline_intent::FindServicePhrases(service)->aws)
                              : wording_.ShortName(service),
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
            "resource names are not restrictions on {}: the permissions apply to everything "
            "in {} that the identity can reach, whatever its name",
            ProviderName(provider_), object));
      }
      AddPhrase(fmt::format("{} {}", recipe.phrase, object));
      return;
    }
    bool named = false;
    size_t count = 0;
    for (const offline_intent::RecipeAction& step : recipe.actions) {
      if (step.action.empty()) break;
      const auto action = catalog_.Lookup(step.action);
      if (!action) continue;  // the recipes' test holds every action to the catalog
      std::vector<std::string> resources =
          Resources(*action, targets, service, head_index, context, step.role);
      named = named || !resources.empty();
      count = std::max(count, resources.size());
      AddGrant(action->FullName(), std::move(resources));
    }
    // One resource or several: each binding set is one.
    const size_t named_targets =
        offline_intent::NameBindings(targets, service, head_index, context, formats_, notes_)
            .size();
    std::string object;
    if (!named) {
      object = recipe.unnamed.empty() ? wording_.Things(service, "") : std::string(recipe.unnamed);
    } else {
      const std::string type = NamedType(targets, service, head_index, context);
      object = wording_.Named(service, type, std::max(count, named_targets));
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
      const size_t names = head.names.size() + head.arns.size() + head.urls.size();
      object = !named || names == 0 ? wording_.Things(service, head.type)
                                    : wording_.Named(service, head.type, names);
    } else {
      object = Join(head.words, " ");
    }
    for (size_t index : context) {
      const Target& other = targets[index];
      if (other.service != service || other.type.empty()) continue;
      if (head.type.empty() || !HasNames(head)) {
        object += fmt::format(" {} {}", head.type.empty() ? "of" : "in",
                              HasNames(other) ? wording_.Named(service, other.type, 1)
                                              : wording_.Things(service, other.type));
        break;
      }
    }
    if (object.empty()) object = wording_.ShortName(service);
    return fmt::format("{} {}", verb_text, Trim(object));
  }

  // --- choosing an action by its name ---

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
                                   Trim(sentence), Join(notes_.warnings, "; "), hint));
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
        for (std::string& arn : offline_intent::AnyArns(*action, formats_)) {
          if (std::find(policy.resources.begin(), policy.resources.end(), arn) ==
              policy.resources.end()) {
            policy.resources.push_back(std::move(arn));
          }
        }
        unnamed.push_back(grant.action);
      }
      if (!unnamed.empty()) {
        notes_.Note(fmt::format("no name was given for {}, so {} unrestricted in the resource list",
                                Join(unnamed, ", "),
                                unnamed.size() == 1 ? "it stays" : "they stay"));
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
    result.warnings = std::move(notes_.warnings);
    result.confidence = notes_.guessed ? IntentConfidence::kLow : IntentConfidence::kHigh;
    return result;
  }

  static bool UsedInArns(const IntentPolicy& policy, const std::string& value) {
    return std::any_of(
        policy.resources.begin(), policy.resources.end(),
        [&](const std::string& arn) { return arn.find(value) != std::string::npos; });
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
  offline_intent::ServiceWording wording_;
  Reading reading_;
  offline_intent::Notes notes_;
  offline_intent::Place place_;
  bool any_verb_ = false;
  bool any_service_ = false;
  std::vector<Grant> grants_;
  std::vector<std::string> phrases_;
  std::set<size_t> used_words_;
  std::set<std::string> used_names_;
};

}  // namespace

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
  static const CatalogLexicon lexicon(ActionCatalog::Builtin(), ResourceFormats::Builtin());
  return ParseIntentOffline(sentence, provider, ActionCatalog::Builtin(),
                            ResourceFormats::Builtin(), lexicon);
}

std::vector<std::string> OfflineIntentRecipeActions() {
  std::vector<std::string> actions;
  for (const Recipe& recipe : offline_intent::Recipes()) {
    for (const offline_intent::RecipeAction& step : recipe.actions) {
      if (step.action.empty()) break;
      if (std::find(actions.begin(), actions.end(), step.action) == actions.end()) {
        actions.emplace_back(step.action);
      }
    }
  }
  return actions;
}

}  // namespace audex
