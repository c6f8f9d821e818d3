// libFuzzer target: arbitrary text as an audit log, through the audit-line
// parser, the chain verifier, the head parser and the append-side check.
//
// Invariants: a line that parses is its own canonical form; any event that
// parses can be sealed into a fresh chain that verifies; a log that verifies
// has exactly one parsed line per event.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit/audit_chain.h"
#include "core/audit/audit_event.h"

namespace {

// A broken invariant is a finding: say which one before libFuzzer saves the input.
void Require(bool holds, const char* invariant) {
  if (holds) return;
  std::fprintf(stderr, "invariant broken: %s\n", invariant);
  __builtin_trap();
}

const std::string kKey(audex::kAuditKeySize, 'k');

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  std::vector<audex::AuditEvent> events;
  for (const audex::NumberedLine& numbered : audex::ParseAuditLog(text)) {
    if (!numbered.line) continue;
    const std::string formatted = audex::FormatAuditLine(*numbered.line);
    const auto again = audex::ParseAuditLine(formatted);
    Require(again.has_value(), "a parsed line, formatted again, parses");
    Require(audex::FormatAuditLine(*again) == formatted, "formatting is stable");
    events.push_back(numbered.line->event);
  }

  // Whatever the events hold, sealing them gives a log that verifies.
  audex::ChainTip tip;
  std::string sealed;
  for (const audex::AuditEvent& event : events) {
    const audex::SealedLine line = audex::SealAuditLine(event, tip, kKey);
    sealed += line.text;
    tip = line.tip;
  }
  const auto resealed = audex::VerifyAuditChain({sealed, kKey, audex::FormatChainHead(tip, kKey)});
  Require(resealed.has_value() && *resealed == events.size(), "a sealed log verifies");

  // The input itself, as a log under some key and head: any verdict, but a
  // count only when every line parsed.
  const auto verdict =
      audex::VerifyAuditChain({std::string(text), kKey, audex::FormatChainHead({}, kKey)});
  if (verdict) Require(*verdict == events.size(), "a verified log's count is its line count");

  (void)audex::ParseChainHead(text, kKey);
  const size_t last_newline = text.rfind('\n', size >= 2 ? size - 2 : 0);
  const std::string_view last =
      text.substr(last_newline == std::string_view::npos ? 0 : last_newline + 1);
  (void)audex::ContinueChain(last, audex::ChainTip{}, kKey);
  return 0;
}
