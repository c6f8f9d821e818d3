// AuditChain: the HMAC chain that makes the audit log tamper-evident. Each
// line's mac covers its content and the previous line's mac; audit.head
// records where the chain ended, so that removing the last lines shows
// too. Pure: the caller reads the files and supplies the key
// (docs/audit-log-format.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "core/audit/audit_event.h"
#include "core/base/result.h"

namespace audex {

// The `prev` of the first line: there is no previous line to name.
inline constexpr std::string_view kGenesisMac =
    "0000000000000000000000000000000000000000000000000000000000000000";

// The size of the random per-installation audit key.
inline constexpr size_t kAuditKeySize = 32;

// Where the chain ends: its last line's seq and mac, or seq 0 and the
// genesis mac before the first line. The next line continues from here.
struct ChainTip {
  uint64_t seq = 0;
  std::string mac = std::string(kGenesisMac);

  friend bool operator==(const ChainTip&, const ChainTip&) = default;
};

// Hex HMAC-SHA256 of `content` under `key`.
std::string AuditMac(std::string_view key, std::string_view content);

struct SealedLine {
  std::string text;  // the line, ending in '\n'
  ChainTip tip;      // the chain's new end
};

// The line recording `event` after `tip`: seq tip.seq + 1, prev tip.mac.
SealedLine SealAuditLine(const AuditEvent& event, const ChainTip& tip, std::string_view key);

// audit.head: one fixed-length line naming the tip, with its own mac so
// that it cannot be rewritten without the key. Fixed length lets the log
// overwrite it in place.
std::string FormatChainHead(const ChainTip& tip, std::string_view key);
inline constexpr size_t kChainHeadSize = 184;  // FormatChainHead's length, '\n' included

// Reads audit.head back; kState error if it is malformed or its mac does
// not match under `key`.
Result<ChainTip> ParseChainHead(std::string_view text, std::string_view key);

// Before an append: checks the log's last line (nullopt for an empty log;
// without its '\n') against the head, and returns where the next line goes.
// Appends trust the lines before the last one (verification checks them
// all); this catches what would otherwise be sealed over: a damaged last
// line, a line not written with this key, or a log cut shorter than the
// head records. The head may lag behind the log after a crash, never run
// ahead of it.
Result<ChainTip> ContinueChain(std::optional<std::string_view> last_line, const ChainTip& head,
                               std::string_view key);

// The three files as read from the state directory; nullopt: absent.
struct AuditFiles {
  std::optional<std::string> log;   // audit.jsonl
  std::optional<std::string> key;   // audit.key
  std::optional<std::string> head;  // audit.head
};

// The first thing wrong with a log: a 1-based line number (0 when the
// problem is with the files as a whole) and what is wrong, in words.
struct ChainBreak {
  size_t line = 0;
  std::string problem;
  uint64_t intact_events = 0;  // events verified before the break
};

// The number of events in an intact log, or its first break: a line
// altered, inserted, removed, reordered, duplicated or cut short; the last
// lines removed; the key or head missing or replaced. A whole state
// directory deleted, or a log rewritten by someone holding the key, cannot
// be told from a real one (docs/audit-log-format.md, "Limits").
tl::expected<uint64_t, ChainBreak> VerifyAuditChain(const AuditFiles& files);

// Every line of a log with its line number, parsed or not; what `audit
// show` prints. No mac is checked.
struct NumberedLine {
  size_t number = 0;
  Result<AuditLine> line;
};
std::vector<NumberedLine> ParseAuditLog(std::string_view text);

}  // namespace audex
