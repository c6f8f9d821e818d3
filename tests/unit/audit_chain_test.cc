// Tamper tests for the audit chain: every kind of edit to a log (a flipped
// byte anywhere, a line deleted, swapped, duplicated, forged or inserted,
// the file cut at any byte, the head or key missing) is reported, at the
// first line it affects.
#include "core/audit/audit_chain.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <fmt/format.h>

namespace audex {
namespace {

const std::string kKey(kAuditKeySize, 'k');
const std::string kOtherKey(kAuditKeySize, 'o');

AuditEvent Event(int n) {
  AuditEvent event;
  event.ts = fmt::format("2026-05-01T12:00:{:02}Z", n % 60);
  event.session_id = fmt::format("0123456789abc{:03}", n);
  event.name = n % 2 == 0 ? "session_created" : "session_ended";
  event.fields = {{"n", n}, {"text", "caf\xc3\xa9 \"quoted\""}, {"list", {"a", "b"}}};
  return event;
}

struct Log {
  std::string text;
  ChainTip tip;
  std::string head;
};

Log SealEvents(const std::vector<AuditEvent>& events, const std::string& key = kKey) {
  Log log;
  for (const AuditEvent& event : events) {
    const SealedLine sealed = SealAuditLine(event, log.tip, key);
    log.text += sealed.text;
    log.tip = sealed.tip;
  }
  log.head = FormatChainHead(log.tip, key);
  return log;
}

Log BuildLog(int count) {
  std::vector<AuditEvent> events;
  for (int n = 0; n < count; ++n) events.push_back(Event(n));
  return SealEvents(events);
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start + 1));  // with its '\n'
    start = end + 1;
  }
  return lines;
}

std::string Concat(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line;
  return text;
}

tl::expected<uint64_t, ChainBreak> Verify(const std::string& text, const std::string& head) {
  return VerifyAuditChain(AuditFiles{text, kKey, head});
}

// The 1-based number of the line holding byte `at` (its '\n' included).
size_t LineOf(const std::string& text, size_t at) {
  return static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n')) +
         1;
}

TEST(VerifyAuditChain, IntactLogGivesItsEventCount) {
  const Log log = BuildLog(5);
  const auto verdict = Verify(log.text, log.head);
  ASSERT_TRUE(verdict.has_value()) << verdict.error().problem;
  EXPECT_EQ(*verdict, 5u);
}

TEST(VerifyAuditChain, LinesCountFromOneAndChainFromGenesis) {
  const std::vector<std::string> lines = Lines(BuildLog(3).text);
  ASSERT_EQ(lines.size(), 3u);
  std::string prev(kGenesisMac);
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto line = ParseAuditLine(lines[i].substr(0, lines[i].size() - 1));
    ASSERT_TRUE(line.has_value());
    EXPECT_EQ(line->seq, i + 1);
    EXPECT_EQ(line->prev, prev);
    EXPECT_EQ(line->mac, AuditMac(kKey, CanonicalContent(line->seq, line->event, line->prev)));
    prev = line->mac;
  }
}

TEST(VerifyAuditChain, NothingRecordedYetIsIntact) {
  EXPECT_EQ(VerifyAuditChain(AuditFiles{}).value(), 0u);
  EXPECT_EQ(VerifyAuditChain(AuditFiles{"", std::nullopt, std::nullopt}).value(), 0u);
  // An interrupted first use: head written, key not yet published.
  EXPECT_EQ(VerifyAuditChain(AuditFiles{"", std::nullopt, FormatChainHead({}, kKey)}).value(), 0u);
  EXPECT_EQ(Verify("", FormatChainHead({}, kKey)).value(), 0u);
  EXPECT_EQ(VerifyAuditChain(AuditFiles{std::nullopt, kKey, FormatChainHead({}, kKey)}).value(),
            0u);
}

// The log and the key deleted together used to look like a fresh install
// ("OK: 0 events"); the head left behind still says events were recorded.
TEST(VerifyAuditChain, AHeadThatOutlivedTheLogAndTheKeyIsABrokenLog) {
  const Log log = BuildLog(3);
  for (const std::optional<std::string>& emptied :
       {std::optional<std::string>(), std::optional<std::string>("")}) {
    const auto verdict = VerifyAuditChain(AuditFiles{emptied, std::nullopt, log.head});
    ASSERT_FALSE(verdict.has_value()) << "reported intact with " << verdict.value() << " events";
    EXPECT_EQ(verdict.error().line, 0u);
    EXPECT_NE(verdict.error().problem.find("records 3 events"), std::string::npos)
        << verdict.error().problem;
    EXPECT_NE(verdict.error().problem.find("audit.key"), std::string::npos);
  }
  // A head that is not one Audex writes, beside no key and no log.
  const auto damaged = VerifyAuditChain(AuditFiles{std::nullopt, std::nullopt, "garbage\n"});
  ASSERT_FALSE(damaged.has_value());
  EXPECT_NE(damaged.error().problem.find("audit.head"), std::string::npos);
}

TEST(VerifyAuditChain, EveryFlippedBitOfEveryLineIsFoundOnItsLine) {
  const Log log = BuildLog(4);
  size_t checked = 0;
  for (size_t at = 0; at < log.text.size(); ++at) {
    for (unsigned char mask : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80}) {
      std::string text = log.text;
      text[at] = static_cast<char>(static_cast<unsigned char>(text[at]) ^ mask);
      const auto verdict = Verify(text, log.head);
      ASSERT_FALSE(verdict.has_value()) << "byte " << at << " mask " << int(mask);
      // A byte turned into '\n' splits its line; either way the damage is
      // reported on the line that held the byte.
      EXPECT_EQ(verdict.error().line, LineOf(log.text, at))
          << "byte " << at << " mask " << int(mask) << ": " << verdict.error().problem;
      ++checked;
    }
  }
  EXPECT_EQ(checked, log.text.size() * 8);
}

// Bytes that mean something to JSON, to hex, to UTF-8 or to line splitting,
// put in every position (every value everywhere takes seconds, not
// milliseconds; the bit flips above cover the rest).
TEST(VerifyAuditChain, EveryByteReplacedByAStructuralValueIsDetected) {
  const Log log = BuildLog(2);
  const std::string values =
      std::string("\0\n\r \"\\/0159afgAF{}[],:-.eE\x7f", 27) + "\x80\xc3\xff";
  for (size_t at = 0; at < log.text.size(); ++at) {
    for (char value : values) {
      if (value == log.text[at]) continue;
      std::string text = log.text;
      text[at] = value;
      ASSERT_FALSE(Verify(text, log.head).has_value())
          << "byte " << at << " value " << int(static_cast<unsigned char>(value));
    }
  }
}

TEST(VerifyAuditChain, DeletingAnyLineIsFoundWhereItWas) {
  const Log log = BuildLog(5);
  const std::vector<std::string> lines = Lines(log.text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string> edited = lines;
    edited.erase(edited.begin() + static_cast<long>(i));
    const auto verdict = Verify(Concat(edited), log.head);
    ASSERT_FALSE(verdict.has_value()) << "deleted line " << i + 1;
    EXPECT_EQ(verdict.error().line, i + 1) << verdict.error().problem;
    EXPECT_NE(verdict.error().problem.find("removed"), std::string::npos)
        << verdict.error().problem;
  }
}

TEST(VerifyAuditChain, DeletingTheLastLinesIsFoundThroughTheHead) {
  const Log log = BuildLog(5);
  const std::vector<std::string> lines = Lines(log.text);
  for (size_t keep = 0; keep < lines.size(); ++keep) {
    const std::vector<std::string> kept(lines.begin(), lines.begin() + static_cast<long>(keep));
    const auto verdict = Verify(Concat(kept), log.head);
    ASSERT_FALSE(verdict.has_value()) << "kept " << keep;
    EXPECT_EQ(verdict.error().line, keep + 1);
    EXPECT_EQ(verdict.error().intact_events, keep);
    EXPECT_NE(verdict.error().problem.find("audit.head records 5"), std::string::npos)
        << verdict.error().problem;
  }
}

TEST(VerifyAuditChain, SwappingAnyTwoLinesIsFoundAtTheFirst) {
  const Log log = BuildLog(5);
  const std::vector<std::string> lines = Lines(log.text);
  for (size_t i = 0; i < lines.size(); ++i) {
    for (size_t j = i + 1; j < lines.size(); ++j) {
      std::vector<std::string> edited = lines;
      std::swap(edited[i], edited[j]);
      const auto verdict = Verify(Concat(edited), log.head);
      ASSERT_FALSE(verdict.has_value()) << i << "<->" << j;
      EXPECT_EQ(verdict.error().line, i + 1) << verdict.error().problem;
    }
  }
}

TEST(VerifyAuditChain, ACopyOfAnyLineInsertedAnywhereIsFound) {
  const Log log = BuildLog(4);
  const std::vector<std::string> lines = Lines(log.text);
  for (size_t copied = 0; copied < lines.size(); ++copied) {
    for (size_t at = 0; at <= lines.size(); ++at) {
      std::vector<std::string> edited = lines;
      edited.insert(edited.begin() + static_cast<long>(at), lines[copied]);
      const auto verdict = Verify(Concat(edited), log.head);
      ASSERT_FALSE(verdict.has_value()) << "copy of " << copied + 1 << " at " << at;
      // The copy itself, or the original it now precedes, is out of place.
      // A copy put just before its original is in the right place; the
      // original after it is not.
      EXPECT_EQ(verdict.error().line, at == copied ? at + 2 : at + 1) << verdict.error().problem;
    }
  }
}

TEST(VerifyAuditChain, ForgedAndBlankLinesAreFoundWhereInserted) {
  const Log log = BuildLog(4);
  const std::vector<std::string> lines = Lines(log.text);
  for (size_t at = 0; at <= lines.size(); ++at) {
    // A forger without the key seals with another one, at the right seq and prev.
    ChainTip tip;
    if (at > 0)
      tip = ChainTip{at, ParseAuditLine(lines[at - 1].substr(0, lines[at - 1].size() - 1))->mac};
    std::vector<std::string> edited = lines;
    edited.insert(edited.begin() + static_cast<long>(at),
                  SealAuditLine(Event(99), tip, kOtherKey).text);
    auto verdict = Verify(Concat(edited), log.head);
    ASSERT_FALSE(verdict.has_value());
    EXPECT_EQ(verdict.error().line, at + 1);
    EXPECT_NE(verdict.error().problem.find("mac does not match"), std::string::npos);

    edited = lines;
    edited.insert(edited.begin() + static_cast<long>(at), "\n");
    verdict = Verify(Concat(edited), log.head);
    ASSERT_FALSE(verdict.has_value());
    EXPECT_EQ(verdict.error().line, at + 1);
    EXPECT_NE(verdict.error().problem.find("empty"), std::string::npos);
  }
}

TEST(VerifyAuditChain, CuttingTheFileAtAnyByteIsDetected) {
  const Log log = BuildLog(4);
  for (size_t size = 0; size < log.text.size(); ++size) {
    const auto verdict = Verify(log.text.substr(0, size), log.head);
    ASSERT_FALSE(verdict.has_value()) << "cut at " << size;
    EXPECT_EQ(verdict.error().line, LineOf(log.text, size)) << verdict.error().problem;
  }
}

// Two copies of a log that diverge after line 2, both sealed with the key
// (e.g. a backup restored and appended to): splicing one into the other
// breaks the prev link or the head.
TEST(VerifyAuditChain, LinesSplicedFromADivergedCopyAreFound) {
  const Log a = SealEvents({Event(0), Event(1), Event(2), Event(3)});
  const Log b = SealEvents({Event(0), Event(1), Event(12), Event(13)});
  std::vector<std::string> lines = Lines(a.text);
  lines[2] = Lines(b.text)[2];
  auto verdict = Verify(Concat(lines), a.head);
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().line, 4u);
  EXPECT_NE(verdict.error().problem.find("prev"), std::string::npos) << verdict.error().problem;

  verdict = Verify(b.text, a.head);  // the other copy, whole, against this head
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().line, 4u);
  EXPECT_NE(verdict.error().problem.find("audit.head"), std::string::npos);
}

TEST(VerifyAuditChain, ALogWrittenWithAnotherKeyFailsOnLineOne) {
  const Log other = SealEvents({Event(0), Event(1)}, kOtherKey);
  const auto verdict = Verify(other.text, FormatChainHead(other.tip, kKey));
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().line, 1u);
  EXPECT_NE(verdict.error().problem.find("audit.key is not the key"), std::string::npos);
}

TEST(VerifyAuditChain, TheHeadMayLagBehindTheLogAfterACrash) {
  const Log log = BuildLog(5);
  const Log shorter = BuildLog(4);
  EXPECT_EQ(Verify(log.text, shorter.head).value(), 5u);
  EXPECT_EQ(Verify(log.text, FormatChainHead({}, kKey)).value(), 5u);
}

TEST(VerifyAuditChain, MissingOrReplacedKeyAndHeadAreReported) {
  const Log log = BuildLog(3);
  const auto problem = [](const AuditFiles& files) {
    const auto verdict = VerifyAuditChain(files);
    EXPECT_FALSE(verdict.has_value());
    EXPECT_EQ(verdict ? 99u : verdict.error().line, 0u);
    return verdict ? std::string() : verdict.error().problem;
  };
  EXPECT_NE(problem({log.text, std::nullopt, log.head}).find("audit.key is missing"),
            std::string::npos);
  EXPECT_NE(problem({log.text, kKey.substr(1), log.head}).find("31 bytes"), std::string::npos);
  EXPECT_NE(problem({log.text, kKey, std::nullopt}).find("audit.head is missing"),
            std::string::npos);
  EXPECT_NE(problem({std::nullopt, kKey, std::nullopt}).find("audit.head is missing"),
            std::string::npos);
  EXPECT_NE(problem({log.text, kKey, FormatChainHead(log.tip, kOtherKey)}).find("audit.head"),
            std::string::npos);
  std::string head = log.head;
  head[30] = head[30] == '1' ? '2' : '1';
  EXPECT_NE(problem({log.text, kKey, head}).find("audit.head"), std::string::npos);
  EXPECT_NE(problem({log.text, kKey, log.head.substr(1)}).find("damaged"), std::string::npos);
  // Log deleted, key and head kept.
  const auto verdict = VerifyAuditChain({std::nullopt, kKey, log.head});
  ASSERT_FALSE(verdict.has_value());
  EXPECT_EQ(verdict.error().line, 1u);
}

TEST(ChainHead, HasAFixedSizeAndReadsBack) {
  for (uint64_t seq : {uint64_t{0}, uint64_t{1}, uint64_t{1600}, UINT64_MAX}) {
    const ChainTip tip{seq, AuditMac(kKey, std::to_string(seq))};
    const std::string text = FormatChainHead(tip, kKey);
    EXPECT_EQ(text.size(), kChainHeadSize);
    const auto parsed = ParseChainHead(text, kKey);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    EXPECT_EQ(*parsed, tip);
    EXPECT_FALSE(ParseChainHead(text, kOtherKey).has_value());
  }
}

TEST(ContinueChain, ContinuesFromTheLastLineWhenTheHeadAgrees) {
  const Log log = BuildLog(3);
  const std::vector<std::string> lines = Lines(log.text);
  const std::string last = lines.back().substr(0, lines.back().size() - 1);
  EXPECT_EQ(ContinueChain(std::nullopt, ChainTip{}, kKey).value(), ChainTip{});
  EXPECT_EQ(ContinueChain(last, log.tip, kKey).value(), log.tip);
  // The head one behind (a crash between the log's sync and the head's write).
  EXPECT_EQ(ContinueChain(last, BuildLog(2).tip, kKey).value(), log.tip);
}

TEST(ContinueChain, RefusesToSealOverTrouble) {
  const Log log = BuildLog(3);
  const std::vector<std::string> lines = Lines(log.text);
  const std::string last = lines.back().substr(0, lines.back().size() - 1);
  const std::string second = lines[1].substr(0, lines[1].size() - 1);
  const auto refused = [](const Result<ChainTip>& result, const char* why) {
    ASSERT_FALSE(result.has_value()) << why;
    EXPECT_EQ(result.error().kind, ErrorKind::kState);
    EXPECT_NE(result.error().message.find(why), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("tryaudex audit verify"), std::string::npos);
  };
  refused(ContinueChain(std::nullopt, log.tip, kKey), "empty");
  refused(ContinueChain(last.substr(0, 40), log.tip, kKey), "damaged");
  refused(ContinueChain(last, log.tip, kOtherKey), "another audit.key");
  refused(ContinueChain(second, log.tip, kKey), "removed from its end");
  // A head further behind is trusted here; verification checks it fully.
  EXPECT_TRUE(ContinueChain(last, BuildLog(1).tip, kKey).has_value());
  const Log other = SealEvents({Event(7), Event(8), Event(9)});
  refused(ContinueChain(last, other.tip, kKey), "rewritten");
}

TEST(ParseAuditLog, NumbersEveryLineAndMarksDamage) {
  const Log log = BuildLog(3);
  std::string text = log.text;
  text.insert(Lines(log.text)[0].size(), "garbage\n");
  const std::vector<NumberedLine> lines = ParseAuditLog(text + "{\"cut");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(lines[0].line.has_value());
  EXPECT_FALSE(lines[1].line.has_value());
  EXPECT_EQ(lines[2].number, 3u);
  EXPECT_EQ(lines[2].line->seq, 2u);
  EXPECT_FALSE(lines[4].line.has_value());
  EXPECT_NE(lines[4].line.error().message.find("cut short"), std::string::npos);
}

// Random logs: any single edit is detected, and the untouched log verifies.
rc::Gen<nlohmann::json> FieldValue() {
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::arbitrary<std::string>(),
                   [](std::string s) { return nlohmann::json(s); }),
      rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t n) { return nlohmann::json(n); }),
      rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return nlohmann::json(b); }),
      rc::gen::just(nlohmann::json(nullptr)),
      rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::arbitrary<std::string>()),
                   [](std::vector<std::string> v) { return nlohmann::json(v); }));
}

rc::Gen<AuditEvent> RandomEvent() {
  return rc::gen::apply(
      [](std::string ts, std::string session, std::string name,
         std::vector<std::pair<std::string, nlohmann::json>> fields) {
        AuditEvent event;
        event.ts = std::move(ts);
        event.session_id = std::move(session);
        event.name = std::move(name);
        for (auto& [key, value] : fields) event.fields[key] = std::move(value);
        return event;
      },
      rc::gen::arbitrary<std::string>(), rc::gen::arbitrary<std::string>(),
      rc::gen::elementOf(std::vector<std::string>{"session_created", "credentials_issued",
                                                  "credentials_failed", "session_ended"}),
      rc::gen::container<std::vector<std::pair<std::string, nlohmann::json>>>(
          rc::gen::pair(rc::gen::arbitrary<std::string>(), FieldValue())));
}

RC_GTEST_PROP(AuditChainProperty, AnySingleEditOfARandomLogIsDetected, ()) {
  const auto events = *rc::gen::resize(
      20, rc::gen::suchThat(rc::gen::container<std::vector<AuditEvent>>(RandomEvent()),
                            [](const std::vector<AuditEvent>& e) { return !e.empty(); }));
  const Log log = SealEvents(events);
  const auto intact = Verify(log.text, log.head);
  RC_ASSERT(intact.has_value());
  RC_ASSERT(*intact == events.size());
  for (const NumberedLine& line : ParseAuditLog(log.text)) {
    RC_ASSERT(line.line.has_value());
    RC_ASSERT(FormatAuditLine(*line.line) + "\n" == Lines(log.text)[line.number - 1]);
  }

  std::vector<std::string> lines = Lines(log.text);
  const int kind = *rc::gen::inRange(0, 6);
  std::string edited;
  switch (kind) {
    case 0: {  // flip bits of one byte
      const size_t at = *rc::gen::inRange<size_t>(0, log.text.size());
      const int mask = *rc::gen::inRange(1, 256);
      edited = log.text;
      edited[at] = static_cast<char>(static_cast<unsigned char>(edited[at]) ^ mask);
      break;
    }
    case 1: {  // delete a line
      lines.erase(lines.begin() + *rc::gen::inRange<long>(0, static_cast<long>(lines.size())));
      edited = Concat(lines);
      break;
    }
    case 2: {  // swap two lines
      RC_PRE(lines.size() >= 2);
      const size_t i = *rc::gen::inRange<size_t>(0, lines.size());
      const size_t j = *rc::gen::suchThat(rc::gen::inRange<size_t>(0, lines.size()),
                                          [i](size_t k) { return k != i; });
      std::swap(lines[i], lines[j]);
      edited = Concat(lines);
      break;
    }
    case 3: {  // duplicate a line somewhere
      const std::string copy = lines[*rc::gen::inRange<size_t>(0, lines.size())];
      lines.insert(lines.begin() + *rc::gen::inRange<long>(0, static_cast<long>(lines.size()) + 1),
                   copy);
      edited = Concat(lines);
      break;
    }
    case 4: {  // cut the file short
      edited = log.text.substr(0, *rc::gen::inRange<size_t>(0, log.text.size()));
      break;
    }
    default: {  // insert a line of arbitrary text
      std::string text = *rc::gen::arbitrary<std::string>();
      std::replace(text.begin(), text.end(), '\n', ' ');
      lines.insert(lines.begin() + *rc::gen::inRange<long>(0, static_cast<long>(lines.size()) + 1),
                   text + "\n");
      edited = Concat(lines);
      break;
    }
  }
  RC_ASSERT(edited != log.text);
  RC_ASSERT(!Verify(edited, log.head).has_value());
}

}  // namespace
}  // namespace audex
