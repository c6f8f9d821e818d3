#include "core/intent/offline_lexer.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/base/text.h"
#include "core/policy/action_syntax.h"
#include "core/policy/universal.h"

namespace audex::offline_intent {

namespace {

// The longest phrase tried, in words: catalog titles such as "identity and
// access management" need four.
constexpr size_t kLongestPhrase = 4;

struct Token {
  std::string text;  // as written, surrounding punctuation removed
  std::string lower;
  bool quoted = false;
  bool ends_clause = false;  // followed by ',' or ';' or '.'
  bool capitalised = false;  // starts with a capital and is not the sentence's first word
};

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::vector<Token> Tokenize(std::string_view sentence) {
  std::vector<Token> tokens;
  size_t i = 0;
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < sentence.size()) {
    if (is_space(sentence[i])) {
      ++i;
      continue;
    }
    const char c = sentence[i];
    if (c == '"' || c == '`' || c == '\'') {
      const size_t close = sentence.find(c, i + 1);
      if (close != std::string_view::npos && close > i + 1) {
        Token token;
        token.text = std::string(Trim(sentence.substr(i + 1, close - i - 1)));
        token.lower = ToLower(token.text);
        token.quoted = true;
        i = close + 1;
        if (i < sentence.size() && (sentence[i] == ',' || sentence[i] == ';')) {
          token.ends_clause = true;
          ++i;
        }
        if (!token.text.empty()) tokens.push_back(std::move(token));
        continue;
      }
    }
    size_t end = i;
    while (end < sentence.size() && !is_space(sentence[end])) ++end;
    std::string_view raw = sentence.substr(i, end - i);
    i = end;
    Token token;
    // Trailing punctuation ends a clause or a sentence; an ARN or URL keeps
    // its inner ':' and '/' but not a final full stop.
    while (!raw.empty() &&
           std::string_view(",;.!?:)]").find(raw.back()) != std::string_view::npos) {
      if (raw.back() == ',' || raw.back() == ';' || raw.back() == '.') token.ends_clause = true;
      raw.remove_suffix(1);
    }
    while (!raw.empty() && std::string_view("([").find(raw.front()) != std::string_view::npos) {
      raw.remove_prefix(1);
    }
    if (raw.empty()) {
      if (token.ends_clause && !tokens.empty()) tokens.back().ends_clause = true;
      continue;
    }
    token.text = std::string(raw);
    token.lower = ToLower(raw);
    token.capitalised = !tokens.empty() && raw.front() >= 'A' && raw.front() <= 'Z';
    tokens.push_back(std::move(token));
  }
  return tokens;
}

bool IsRegion(std::string_view word) {
  // us-east-1, eu-central-2, us-gov-west-1, ap-southeast-3
  for (std::string_view area : {"us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn"}) {
    for (std::string_view direction :
         {"east", "west", "north", "south", "central", "northeast", "southeast", "northwest",
          "southwest", "gov-west", "gov-east"}) {
      const std::string stem = fmt::format("{}-{}-", area, direction);
      if (word.size() == stem.size() + 1 && word.starts_with(stem) && word.back() >= '1' &&
          word.back() <= '9') {
        return true;
      }
    }
  }
  return false;
}

bool IsAccountId(std::string_view word) {
  return word.size() == 12 &&
         std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A word that can only be an identifier: it holds '-', '_', '.', '/' or a
// digit beside letters ("my-bucket", "prod_users", "logs2", "/app/db").
bool LooksLikeIdentifier(std::string_view word) {
  bool has_alnum = false;
  bool has_mark = false;
  for (char c : word) {
    if (IsWordChar(c)) {
      has_alnum = true;
      if (c >= '0' && c <= '9') has_mark = true;
    } else if (c == '-' || c == '_' || c == '.' || c == '/') {
      has_mark = true;
    } else {
      return false;
    }
  }
  return has_alnum && has_mark;
}

// What a word or phrase is, from the vocabulary and the lexicon.
struct Meaning {
  ItemKind kind = ItemKind::kWord;
  Verb verb = Verb::kRead;
  std::string named_prefix;
  std::string service;
  std::vector<NounSense> senses;
  bool weak = false;
  bool plural = false;
};

ItemKind KindOf(WordKind kind) {
  switch (kind) {
    case WordKind::kVerb:
      return ItemKind::kVerb;
    case WordKind::kService:
      return ItemKind::kService;
    case WordKind::kNoun:
      return ItemKind::kNoun;
    case WordKind::kConnector:
      return ItemKind::kConnector;
    case WordKind::kOr:
      return ItemKind::kOr;
    case WordKind::kNegation:
      return ItemKind::kNegation;
    case WordKind::kNameMarker:
      return ItemKind::kNameMarker;
    case WordKind::kPreposition:
      return ItemKind::kPreposition;
    case WordKind::kPossessive:
      return ItemKind::kPossessive;
    case WordKind::kSelection:
      return ItemKind::kSelection;
    case WordKind::kAccountMarker:
      return ItemKind::kAccountMarker;
    case WordKind::kStop:
      return ItemKind::kStop;
  }
  return ItemKind::kWord;
}

void AddSense(std::vector<NounSense>& senses, NounSense sense) {
  for (NounSense& known : senses) {
    if (known.service == sense.service && EqualsIgnoreCase(known.type, sense.type)) {
      known.implies_service = known.implies_service || sense.implies_service;
      return;
    }
  }
  senses.push_back(std::move(sense));
}

// The meaning of `phrase` exactly as written (no inflection). Built-in
// words come first; a built-in noun or weak service word also takes the
// catalog's nouns of the same name, so that a service said in the clause
// can claim it ("the Glue table").
std::optional<Meaning> Exact(const std::string& phrase, bool capitalised, const Lexicon& lexicon) {
  const auto& vocabulary = Vocabulary();
  const std::vector<CatalogWord> catalog = lexicon.Find(phrase);
  Meaning meaning;
  if (const auto it = vocabulary.find(phrase); it != vocabulary.end()) {
    const Lexeme& lexeme = it->second;
    // A weak service word ("database") is a noun for that service's main
    // type, said as a guess, which a service said in the clause overrides
    // with its own noun of that name (Glue's "database").
    if (lexeme.kind == WordKind::kNoun || (lexeme.kind == WordKind::kService && lexeme.weak)) {
      meaning.kind = ItemKind::kNoun;
      const std::string_view type =
          lexeme.kind == WordKind::kNoun ? lexeme.type : DefaultType(lexeme.service);
      AddSense(meaning.senses, NounSense{lexeme.service, type, true, lexeme.weak, true});
    } else {
      meaning.kind = KindOf(lexeme.kind);
      meaning.verb = lexeme.verb;
      meaning.named_prefix = std::string(lexeme.named_prefix);
      meaning.service = std::string(lexeme.service);
      meaning.weak = lexeme.weak;
      return meaning;
    }
  }
  for (const CatalogWord& word : catalog) {
    if (word.is_service && meaning.kind != ItemKind::kNoun) {
      if (word.needs_capital && !capitalised) continue;
      meaning.kind = ItemKind::kService;
      meaning.service = std::string(word.service);
      return meaning;
    }
  }
  for (const CatalogWord& word : catalog) {
    if (!word.is_service) {
      meaning.kind = ItemKind::kNoun;
      AddSense(meaning.senses, word.noun);
    }
  }
  if (meaning.kind == ItemKind::kNoun) return meaning;
  return std::nullopt;
}

// A word or phrase of the vocabulary or lexicon, also inflected: "buckets",
// "reading", "uploads", "queries", "deleted".
std::optional<Meaning> LookUp(const std::string& phrase, bool capitalised, const Lexicon& lexicon) {
  if (auto found = Exact(phrase, capitalised, lexicon)) return found;
  std::vector<std::pair<std::string, bool>> stems;  // candidate, plural
  const auto ends = [&](std::string_view suffix) {
    return phrase.size() > suffix.size() + 1 && phrase.ends_with(suffix);
  };
  if (ends("ies")) stems.emplace_back(phrase.substr(0, phrase.size() - 3) + "y", true);
  if (ends("es")) stems.emplace_back(phrase.substr(0, phrase.size() - 2), true);
  if (ends("s")) stems.emplace_back(phrase.substr(0, phrase.size() - 1), true);
  if (ends("ing")) {
    const std::string stem = phrase.substr(0, phrase.size() - 3);
    stems.emplace_back(stem, false);
    stems.emplace_back(stem + "e", false);
    if (stem.size() > 2 && stem.back() == stem[stem.size() - 2]) {
      stems.emplace_back(stem.substr(0, stem.size() - 1), false);  // "putting"
    }
  }
  if (ends("ed")) {
    stems.emplace_back(phrase.substr(0, phrase.size() - 2), false);
    stems.emplace_back(phrase.substr(0, phrase.size() - 1), false);
  }
  for (const auto& [stem, plural] : stems) {
    if (auto found = Exact(stem, capitalised, lexicon)) {
      // Only nouns have plurals; "gets" and "uploads" are verbs all the
      // same, and a service's name is never inflected.
      if (found->kind == ItemKind::kService) continue;
      found->plural = plural && found->kind == ItemKind::kNoun;
      return found;
    }
  }
  return std::nullopt;
}

Item FromMeaning(Meaning meaning, std::string text) {
  Item item;
  item.kind = meaning.kind;
  item.verb = meaning.verb;
  item.named_prefix = std::move(meaning.named_prefix);
  item.service = std::move(meaning.service);
  item.senses = std::move(meaning.senses);
  item.weak = meaning.weak;
  item.plural = meaning.plural;
  item.lower = ToLower(text);
  item.text = std::move(text);
  return item;
}

bool IsTarget(ItemKind kind) {
  return kind == ItemKind::kService || kind == ItemKind::kNoun || kind == ItemKind::kName ||
         kind == ItemKind::kArn || kind == ItemKind::kS3Url || kind == ItemKind::kWord;
}

// A noun of the built-in vocabulary ("bucket", "table"): never a name
// itself, while a catalog noun next to one usually is ("bucket archive",
// "table sessions").
bool IsStrongNoun(const Item& item) {
  return std::any_of(item.senses.begin(), item.senses.end(),
                     [](const NounSense& sense) { return sense.builtin; });
}

class Reader {
 public:
  Reader(Provider provider, const Lexicon& lexicon) : provider_(provider), lexicon_(lexicon) {}

  Reading Read(std::string_view sentence) {
    Classify(Tokenize(sentence));
    FindNames();
    FormClauses();
    return std::move(reading_);
  }

 private:
  void Guess(std::string message) {
    reading_.guessed = true;
    reading_.warnings.push_back(std::move(message));
  }

  void Classify(const std::vector<Token>& tokens) {
    std::vector<Item>& items = reading_.items;
    for (size_t i = 0; i < tokens.size();) {
      const Token& token = tokens[i];
      if (token.quoted) {
        Item item;
        item.kind = ItemKind::kName;
        item.text = token.text;
        item.lower = token.lower;
        item.ends_clause = token.ends_clause;
        items.push_back(std::move(item));
        ++i;
        continue;
      }
      // Phrases first, longest first: "identity and access management",
      // "secrets manager", "do not".
      bool matched = false;
      const size_t longest =
          std::max<size_t>(3, std::min(kLongestPhrase, lexicon_.longest_phrase()));
      for (size_t length = longest; length >= 2 && !matched; --length) {
        if (i + length > tokens.size()) continue;
        std::string phrase;
        bool clause_inside = false;
        for (size_t k = 0; k < length; ++k) {
          if (tokens[i + k].quoted) clause_inside = true;
          if (k + 1 < length && tokens[i + k].ends_clause) clause_inside = true;
          phrase += (k ? " " : "") + tokens[i + k].lower;
        }
        if (clause_inside) continue;
        auto found = LookUp(phrase, token.capitalised, lexicon_);
        if (found && found->kind == ItemKind::kNoun &&
            std::none_of(found->senses.begin(), found->senses.end(),
                         [](const NounSense& sense) { return sense.builtin; }) &&
            StartsWithAnotherWord(token)) {
          // "kms key", "stop instance", "iam role": a service or verb said
          // before a noun, not the catalog's noun of those words.
          found.reset();
        }
        if (found) {
          std::string text;
          for (size_t k = 0; k < length; ++k) text += (k ? " " : "") + tokens[i + k].text;
          Item item = FromMeaning(std::move(*found), std::move(text));
          item.ends_clause = tokens[i + length - 1].ends_clause;
          items.push_back(std::move(item));
          i += length;
          matched = true;
        }
      }
      if (matched) continue;
      items.push_back(ClassifyWord(token));
      ++i;
    }
  }

  // Is the first word of a catalog noun phrase a word of its own: a verb,
  // a small word, or a service's name? A built-in phrase is never split.
  bool StartsWithAnotherWord(const Token& first) const {
    const auto alone = LookUp(first.lower, first.capitalised, lexicon_);
    return alone && alone->kind != ItemKind::kNoun;
  }

  Item ClassifyWord(const Token& token) {
    Item item;
    item.text = token.text;
    item.lower = token.lower;
    item.ends_clause = token.ends_clause;
    const std::string& word = token.lower;
    if (word.starts_with("arn:")) {
      item.kind = ItemKind::kArn;
      const size_t service_start = word.find(':', 4);
      const size_t service_end = service_start == std::string::npos
                                     ? std::string::npos
                                     : word.find(':', service_start + 1);
      if (service_end != std::string::npos) {
        item.service = word.substr(service_start + 1, service_end - service_start - 1);
      }
      return item;
    }
    if (word.starts_with("s3://")) {
      item.kind = ItemKind::kS3Url;
      item.service = "s3";
      const std::string_view rest = std::string_view(token.text).substr(5);
      const size_t slash = rest.find('/');
      item.text = std::string(rest.substr(0, slash));
      if (slash != std::string_view::npos) item.s3_prefix = std::string(rest.substr(slash + 1));
      return item;
    }
    if (FindUniversalName(word) != nullptr || DetectActionSyntax(token.text) == provider_) {
      item.kind = ItemKind::kLiteral;
      return item;
    }
    if (IsRegion(word)) {
      item.kind = ItemKind::kRegion;
      return item;
    }
    if (IsAccountId(word)) {
      item.kind = ItemKind::kAccount;
      return item;
    }
    if (auto found = LookUp(word, token.capitalised, lexicon_)) {
      Item looked = FromMeaning(std::move(*found), token.text);
      looked.ends_clause = token.ends_clause;
      return looked;
    }
    // "read/write", "read-write": verbs joined by a mark.
    std::vector<Item> joined;
    size_t start = 0;
    bool all_verbs = word.find_first_of("/-") != std::string::npos;
    while (all_verbs) {
      const size_t mark = word.find_first_of("/-", start);
      auto part = LookUp(word.substr(start, mark == std::string::npos ? mark : mark - start), false,
                         lexicon_);
      if (!part || part->kind != ItemKind::kVerb) {
        all_verbs = false;
        break;
      }
      joined.push_back(FromMeaning(std::move(*part), token.text));
      if (mark == std::string::npos) break;
      start = mark + 1;
    }
    if (all_verbs && joined.size() > 1) {
      // All but the last go in as they are; the last is returned.
      for (size_t k = 0; k + 1 < joined.size(); ++k) reading_.items.push_back(joined[k]);
      joined.back().ends_clause = token.ends_clause;
      return joined.back();
    }
    return item;
  }

  // Words next to a resource noun, after "named", or shaped like an
  // identifier are resource names; so is a one-word service name right
  // after another service's noun ("bucket logs" is a bucket called logs),
  // and a verb right after a noun that ends its clause ("the pipeline
  // release").
  void FindNames() {
    std::vector<Item>& items = reading_.items;
    const auto singular_noun = [](const Item* item) {
      return item != nullptr && item->kind == ItemKind::kNoun && !item->plural;
    };
    for (size_t i = 0; i < items.size(); ++i) {
      Item& item = items[i];
      const Item* before = i > 0 ? &items[i - 1] : nullptr;
      const Item* after = i + 1 < items.size() ? &items[i + 1] : nullptr;
      const bool after_noun = singular_noun(before) && !before->ends_clause;
      if (item.kind == ItemKind::kService && after_noun &&
          item.text.find(' ') == std::string::npos &&
          std::none_of(before->senses.begin(), before->senses.end(),
                       [&](const NounSense& sense) { return sense.service == item.service; })) {
        item.kind = ItemKind::kName;
        continue;
      }
      if (item.kind == ItemKind::kVerb && after_noun && item.text.find(' ') == std::string::npos &&
          (after == nullptr || item.ends_clause || after->kind == ItemKind::kPreposition ||
           after->kind == ItemKind::kConnector)) {
        item.kind = ItemKind::kName;
        continue;
      }
      const bool nameable =
          item.kind == ItemKind::kWord || (item.kind == ItemKind::kNoun && !IsStrongNoun(item));
      if (!nameable) continue;
      // "the stack resources of stack web": a word after a noun and before
      // "of" makes one noun with it, whose owner follows.
      if (after != nullptr && after->kind == ItemKind::kPreposition && after->lower == "of" &&
          !LooksLikeIdentifier(item.text) && !item.ends_clause) {
        continue;
      }
      const bool before_noun = singular_noun(after) && !item.ends_clause &&
                               (item.kind == ItemKind::kWord || IsStrongNoun(*after));
      const bool after_marker = before != nullptr && before->kind == ItemKind::kNameMarker;
      if (after_noun || before_noun || after_marker ||
          (item.kind == ItemKind::kWord && LooksLikeIdentifier(item.text))) {
        item.kind = ItemKind::kName;
        item.senses.clear();
        item.plural = false;
      }
    }
    // More names: after a plural noun ("the tables orders and customers"),
    // after a service whose things have names ("the step function etl"),
    // and one joined by "and" to a name ("/a/b and /a/c"), when the word
    // ends its phrase.
    for (size_t i = 1; i < items.size(); ++i) {
      Item& item = items[i];
      if (item.kind != ItemKind::kWord && (item.kind != ItemKind::kNoun || IsStrongNoun(item))) {
        continue;
      }
      const Item& before = items[i - 1];
      const Item* after = i + 1 < items.size() ? &items[i + 1] : nullptr;
      const bool ends_phrase = after == nullptr || item.ends_clause ||
                               after->kind == ItemKind::kPreposition ||
                               after->kind == ItemKind::kConnector;
      if (!ends_phrase || before.ends_clause) continue;
      // A noun here is a name only in a list ("tables orders and customers"):
      // alone it is more likely a noun of the service said ("KMS aliases").
      const bool word_or_listed =
          item.kind == ItemKind::kWord || (after != nullptr && after->kind == ItemKind::kConnector);
      const bool after_plural = before.kind == ItemKind::kNoun && before.plural && word_or_listed;
      const bool after_service = before.kind == ItemKind::kService &&
                                 !DefaultType(before.service).empty() &&
                                 item.kind == ItemKind::kWord;
      const bool after_and = before.kind == ItemKind::kConnector && i >= 2 &&
                             items[i - 2].kind == ItemKind::kName &&
                             (before.lower == "and" || before.lower == "&");
      if (after_plural || after_service || after_and) {
        item.kind = ItemKind::kName;
        item.senses.clear();
        item.plural = false;
      }
    }
    // An account marker names the id after it; alone it is a word
    // ("the accounts in the organization").
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].kind != ItemKind::kAccountMarker) continue;
      if (i + 1 >= items.size() || items[i + 1].kind != ItemKind::kAccount) {
        items[i].kind = ItemKind::kWord;
      }
    }
    for (const Item& item : items) {
      if (item.kind == ItemKind::kRegion) {
        if (reading_.region && *reading_.region != item.lower) {
          Guess(fmt::format("\"{}\" is not used: only one region ({}) goes into the ARNs",
                            item.text, *reading_.region));
        } else {
          reading_.region = item.lower;
        }
      } else if (item.kind == ItemKind::kAccount) {
        if (reading_.account && *reading_.account != item.lower) {
          Guess(fmt::format("\"{}\" is not used: only one account ({}) goes into the ARNs",
                            item.text, *reading_.account));
        } else {
          reading_.account = item.lower;
        }
      }
    }
  }

  void FormClauses() {
    std::vector<Item>& items = reading_.items;
    std::vector<Clause>& clauses = reading_.clauses;
    clauses.emplace_back();
    std::vector<std::vector<size_t>> targets(1);  // the items after each clause's verbs
    bool negated = false;
    bool has_target = false;
    for (size_t i = 0; i < items.size(); ++i) {
      Item& item = items[i];
      switch (item.kind) {
        case ItemKind::kNegation:
          negated = true;
          break;
        case ItemKind::kConnector:
          negated = false;
          targets.back().push_back(i);
          break;
        case ItemKind::kVerb: {
          if (negated) {
            Guess(fmt::format(
                "\"{}\" is negated, so it is left out; the policy lists only what is allowed",
                item.text));
            break;
          }
          // "read-only access": the verb before says it already.
          if (item.weak && !clauses.back().verbs.empty() && !has_target) break;
          if (!clauses.back().verbs.empty() && has_target) {
            clauses.emplace_back();
            targets.emplace_back();
            has_target = false;
          }
          if (item.verb == Verb::kManage) {
            Guess(fmt::format(
                "\"{}\" is taken as read, list, write and delete: broad; name the operations you "
                "need if fewer will do",
                item.text));
          } else if (item.weak) {
            Guess(fmt::format("\"{}\" is taken as read", item.text));
          }
          const bool known = std::any_of(clauses.back().verbs.begin(), clauses.back().verbs.end(),
                                         [&](size_t other) {
                                           return items[other].verb == item.verb &&
                                                  items[other].named_prefix == item.named_prefix;
                                         });
          if (!known) clauses.back().verbs.push_back(i);
          break;
        }
        default:
          if (IsTarget(item.kind)) {
            negated = false;
            has_target = true;
          }
          if (item.kind == ItemKind::kSelection) clauses.back().selection = true;
          targets.back().push_back(i);
          break;
      }
      if (item.ends_clause) negated = false;
    }
    for (size_t c = 0; c < clauses.size(); ++c) clauses[c].phrases = Phrases(targets[c]);
    // "Read from my-bucket and write to it": a clause without a target acts
    // on the previous clause's.
    for (size_t c = 1; c < clauses.size(); ++c) {
      if (clauses[c].phrases.empty()) {
        clauses[c].phrases = clauses[c - 1].phrases;
        clauses[c].inherited = true;
      }
    }
  }

  // A clause's items to phrases: a preposition, a possessive, a connector
  // or the end of a clause closes one.
  std::vector<Phrase> Phrases(const std::vector<size_t>& indexes) const {
    const std::vector<Item>& items = reading_.items;
    std::vector<Phrase> phrases;
    Phrase current;
    const auto close = [&]() {
      if (!current.items.empty()) phrases.push_back(std::move(current));
      current = Phrase{};
    };
    for (size_t index : indexes) {
      const Item& item = items[index];
      switch (item.kind) {
        case ItemKind::kPreposition:
          close();
          current.preposition = item.lower;
          break;
        case ItemKind::kPossessive:
          close();
          current.possessive = true;
          break;
        case ItemKind::kConnector:
        case ItemKind::kOr:
          close();
          current.joined = true;
          break;
        case ItemKind::kNegation:
          close();
          break;
        default:
          if (IsTarget(item.kind)) current.items.push_back(index);
          break;
      }
      if (item.ends_clause) close();
    }
    close();
    return phrases;
  }

  Provider provider_;
  const Lexicon& lexicon_;
  Reading reading_;
};

}  // namespace

Reading ReadSentence(std::string_view sentence, Provider provider, const Lexicon& lexicon) {
  return Reader(provider, lexicon).Read(sentence);
}

bool IsResourceNameText(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '_' || c == '/';
  });
}

}  // namespace audex::offline_intent
