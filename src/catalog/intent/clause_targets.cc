#include "catalog/intent/clause_targets.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "catalog/intent/intent_words.h"
#include "core/base/text.h"

namespace audex::offline_intent {

void Notes::Guess(std::string message) {
  guessed = true;
  Note(std::move(message));
}

void Notes::Note(std::string message) {
  if (std::find(warnings.begin(), warnings.end(), message) == warnings.end()) {
    warnings.push_back(std::move(message));
  }
}

bool HasNames(const Target& target) {
  return !target.names.empty() || !target.arns.empty() || !target.urls.empty();
}

namespace {

class TargetReader {
 public:
  TargetReader(const Reading& reading, const ResourceFormats& formats,
               const ServiceWording& wording, Notes& notes)
      : reading_(reading), formats_(formats), wording_(wording), notes_(notes) {}

  std::vector<Target> Read(const Clause& clause) {
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
            context.push_back(std::string(sense.service));
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

 private:
  // Which resource type a noun means here: the one of the service said
  // with it, else of a service said in the clause, else the one it points
  // to by itself; otherwise it is only words for an action's name.
  void ResolveNoun(const Item& noun, const std::vector<std::string>& said,
                   const std::vector<std::string>& context, Target& target) {
    const std::vector<std::string> words = SplitSpaces(noun.lower);
    const auto take = [&](const NounSense& sense) {
      target.service = std::string(sense.service);
      target.type = std::string(sense.type);
      target.plural = noun.plural;
      if (sense.weak) {
        notes_.Guess(
            fmt::format("\"{}\" is taken as {}", noun.text, wording_.Things(sense.service, "")));
      }
      if (!sense.type.empty()) {
        if (auto format = formats_.Find(sense.service, sense.type)) {
          std::vector<std::string> noun_words = SplitSpaces(format->noun);
          // Said otherwise than its noun ("items" of a table), not merely
          // in the plural ("queues").
          if (!std::equal(
                  noun_words.begin(), noun_words.end(), words.begin(), words.end(),
                  [](const std::string& a, const std::string& b) { return SameWord(a, b); })) {
            target.type_words = std::move(noun_words);
          }
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
      // "the tables orders and customers": more names of the one before.
      if (target.joined && i > 0 && !targets[i - 1].type.empty() && HasNames(targets[i - 1])) {
        Target& before = targets[i - 1];
        before.names.insert(before.names.end(), target.names.begin(), target.names.end());
        target.names.clear();
        continue;
      }
      if (i + 1 < targets.size() && targets[i + 1].service_only) {
        target.service = targets[i + 1].service;
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
      for (const auto& hint : kHints) {
        if (std::any_of(target.names.begin(), target.names.end(), [&](const std::string& name) {
              return ToLower(name).find(hint.first) != std::string::npos;
            })) {
          target.service = std::string(hint.second);
          notes_.Guess(fmt::format(
              "\"{}\" is taken as {} name (no service was said for it)", target.names.front(),
              wording_.Named(target.service, wording_.DefaultType(hint.second), 1)));
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
                sentence_services.insert(std::string(sense.service));
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
          notes_.Guess(fmt::format(
              "\"{}\" looks like a resource name but no service was said for it; it is not used",
              name));
        }
        target.names.clear();
      }
    }
    for (Target& target : targets) {
      if (!target.service.empty() && target.type.empty() && HasNames(target) &&
          target.words.empty()) {
        target.type = wording_.DefaultType(target.service);
      }
    }
  }

  const Reading& reading_;
  const ResourceFormats& formats_;
  const ServiceWording& wording_;
  Notes& notes_;
};

}  // namespace

std::vector<Target> ClauseTargets(const Reading& reading, const Clause& clause,
                                  const ResourceFormats& formats, const ServiceWording& wording,
                                  Notes& notes) {
  return TargetReader(reading, formats, wording, notes).Read(clause);
}

}  // namespace audex::offline_intent
