// The offline parser's reading of a sentence (core/intent/offline_lexer.h)
// with a small lexicon of its own: core reads clauses, phrases, names,
// regions and accounts without the catalog.
#include "core/intent/offline_lexer.h"

#include <gtest/gtest.h>

namespace audex::offline_intent {
namespace {

// A lexicon that knows one service and one noun.
class TinyLexicon final : public Lexicon {
 public:
  std::vector<CatalogWord> Find(std::string_view phrase) const override {
    std::vector<CatalogWord> words;
    if (phrase == "glue") {
      CatalogWord word;
      word.is_service = true;
      word.service = "glue";
      words.push_back(word);
    }
    if (phrase == "crawler") {
      CatalogWord word;
      word.noun = NounSense{"glue", "crawler", false, false, false};
      words.push_back(word);
    }
    return words;
  }
  size_t longest_phrase() const override { return 1; }
};

std::vector<std::string> Texts(const Reading& reading, const Phrase& phrase) {
  std::vector<std::string> texts;
  for (size_t index : phrase.items) texts.push_back(reading.items[index].text);
  return texts;
}

TEST(OfflineLexer, ClausesPhrasesAndNames) {
  const TinyLexicon lexicon;
  const Reading reading = ReadSentence(
      "Run the Glue crawler raw-events and read from the bucket reports", Provider::kAws, lexicon);
  ASSERT_EQ(reading.clauses.size(), 2u);
  const Clause& first = reading.clauses[0];
  ASSERT_EQ(first.verbs.size(), 1u);
  EXPECT_EQ(reading.items[first.verbs[0]].verb, Verb::kInvoke);
  ASSERT_EQ(first.phrases.size(), 1u);
  EXPECT_EQ(Texts(reading, first.phrases[0]),
            (std::vector<std::string>{"Glue", "crawler", "raw-events"}));
  EXPECT_EQ(reading.items[first.phrases[0].items[2]].kind, ItemKind::kName);

  const Clause& second = reading.clauses[1];
  ASSERT_EQ(second.phrases.size(), 1u);
  EXPECT_EQ(second.phrases[0].preposition, "from");
  const Item& name = reading.items[second.phrases[0].items.back()];
  EXPECT_EQ(name.kind, ItemKind::kName);  // a word after a noun is its name
  EXPECT_EQ(name.text, "reports");
}

TEST(OfflineLexer, RegionAndAccountAreTakenOnceAndNegatedVerbsLeftOut) {
  const TinyLexicon lexicon;
  const Reading reading = ReadSentence(
      "Read the Glue crawler c1 in us-west-2 in account 111122223333 but never delete it",
      Provider::kAws, lexicon);
  EXPECT_EQ(reading.region, "us-west-2");
  EXPECT_EQ(reading.account, "111122223333");
  ASSERT_EQ(reading.clauses.size(), 1u);
  EXPECT_EQ(reading.clauses[0].verbs.size(), 1u);
  EXPECT_TRUE(reading.guessed);
  ASSERT_FALSE(reading.warnings.empty());
  EXPECT_NE(reading.warnings[0].find("\"delete\" is negated"), std::string::npos);
}

TEST(OfflineLexer, APossessiveAndAConnectorMarkTheirPhrases) {
  const TinyLexicon lexicon;
  const Reading reading = ReadSentence("List roles and their policies", Provider::kAws, lexicon);
  ASSERT_EQ(reading.clauses.size(), 1u);
  const std::vector<Phrase>& phrases = reading.clauses[0].phrases;
  ASSERT_EQ(phrases.size(), 2u);
  EXPECT_TRUE(phrases[1].possessive);
}

}  // namespace
}  // namespace audex::offline_intent
