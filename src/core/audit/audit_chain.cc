// The audit log's HMAC chain: sealing, the head, and verification (audit_chain.h).
#include "core/audit/audit_chain.h"

#include <fmt/format.h>

#include "core/base/crypto.h"

namespace audex {
namespace {

constexpr std::string_view kHeadMagic = "audex-audit-head 1 ";
constexpr std::string_view kHeadCheck = " check=";
constexpr std::string_view kVerifyHint = "; run tryaudex audit verify to find the first bad line";

tl::unexpected<ChainBreak> Break(size_t line, std::string problem, uint64_t intact) {
  return tl::unexpected(ChainBreak{line, std::move(problem), intact});
}

std::string EventRange(uint64_t first, uint64_t last) {
  return first == last ? fmt::format("event {} was", first)
                       : fmt::format("events {} to {} were", first, last);
}

}  // namespace

std::string AuditMac(std::string_view key, std::string_view content) {
  return HexEncode(HmacSha256(key, content));
}

SealedLine SealAuditLine(const AuditEvent& event, const ChainTip& tip, std::string_view key) {
  AuditLine line;
  line.seq = tip.seq + 1;
  line.event = event;
  line.prev = tip.mac;
  line.mac = AuditMac(key, CanonicalContent(line.seq, line.event, line.prev));
  return SealedLine{FormatAuditLine(line) + '\n', ChainTip{line.seq, line.mac}};
}

std::string FormatChainHead(const ChainTip& tip, std::string_view key) {
  const std::string body = fmt::format("{}seq={:020} mac={}", kHeadMagic, tip.seq, tip.mac);
  return fmt::format("{}{}{}\n", body, kHeadCheck, AuditMac(key, body));
}

namespace {

// The head's fields by its fixed layout, without its check (which needs
// the key).
Result<ChainTip> ReadChainHeadFields(std::string_view text) {
  const auto damaged = [] {
    return StateError(
        "is damaged: it is not the one line \"audex-audit-head 1 seq=... mac=... "
        "check=...\" Audex writes");
  };
  if (text.size() != kChainHeadSize || text.substr(0, kHeadMagic.size()) != kHeadMagic ||
      text.back() != '\n') {
    return damaged();
  }
  const size_t check_at = text.size() - 1 - kMacHexSize - kHeadCheck.size();
  if (text.substr(check_at, kHeadCheck.size()) != kHeadCheck) return damaged();
  ChainTip tip;
  const std::string_view digits = text.substr(kHeadMagic.size() + 4, 20);
  if (text.substr(kHeadMagic.size(), 4) != "seq=" ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return damaged();
  }
  for (char digit : digits) {
    const uint64_t next = tip.seq * 10 + static_cast<uint64_t>(digit - '0');
    if (next / 10 != tip.seq) return damaged();  // more than 64 bits
    tip.seq = next;
  }
  tip.mac = std::string(text.substr(kHeadMagic.size() + 4 + 20 + 5, kMacHexSize));
  return tip;
}

}  // namespace

Result<ChainTip> ParseChainHead(std::string_view text, std::string_view key) {
  auto tip = ReadChainHeadFields(text);
  if (!tip) return tip;
  // Formatting the values read back must give the same bytes; together with
  // the mac this pins every byte of the file.
  if (FormatChainHead(*tip, key) != text) {
    return StateError("does not match its check: it was altered, or written with another key");
  }
  return tip;
}

Result<ChainTip> ContinueChain(std::optional<std::string_view> last_line, const ChainTip& head,
                               std::string_view key) {
  if (!last_line) {
    if (head.seq == 0) return ChainTip{};
    return StateError(fmt::format(
        "the audit log is empty but audit.head records {} events: the log was emptied or "
        "replaced{}",
        head.seq, kVerifyHint));
  }
  const auto line = ParseAuditLine(*last_line);
  if (!line) {
    return StateError(fmt::format("the audit log's last line is damaged ({}){}",
                                  line.error().message, kVerifyHint));
  }
  if (AuditMac(key, CanonicalContent(line->seq, line->event, line->prev)) != line->mac) {
    return StateError(fmt::format(
        "the audit log's last line does not match its mac: it was altered, or written with "
        "another audit.key{}",
        kVerifyHint));
  }
  const ChainTip tip{line->seq, line->mac};
  if (tip.seq < head.seq) {
    return StateError(fmt::format(
        "the audit log ends at event {} but audit.head records {}: events were removed from its "
        "end{}",
        tip.seq, head.seq, kVerifyHint));
  }
  if ((tip.seq == head.seq && tip.mac != head.mac) ||
      (tip.seq == head.seq + 1 && line->prev != head.mac)) {
    return StateError(fmt::format(
        "the audit log's last lines are not the ones audit.head records: the log was rewritten{}",
        kVerifyHint));
  }
  return tip;
}

tl::expected<uint64_t, ChainBreak> VerifyAuditChain(const AuditFiles& files) {
  const std::string_view log = files.log ? std::string_view(*files.log) : std::string_view();
  if (!files.key) {
    // The key is created before the first line is written; a head for
    // seq 0 without a key is what an interrupted first use leaves. A head
    // past seq 0 says events were recorded: the log and the key that would
    // show them are gone, which is not a fresh start.
    if (log.empty() && files.head) {
      const auto head = ReadChainHeadFields(*files.head);
      if (!head) {
        return Break(0, "audit.key is missing and audit.head " + head.error().message, 0);
      }
      if (head->seq > 0) {
        return Break(0,
                     fmt::format("audit.head records {} events, but audit.jsonl is {} and "
                                 "audit.key is missing: the log and its key were deleted",
                                 head->seq, files.log ? "empty" : "missing"),
                     0);
      }
    }
    if (log.empty()) return 0;
    return Break(0,
                 "audit.key is missing, so no line can be checked; it is created with the first "
                 "event and never removed, so it was deleted or moved",
                 0);
  }
  const std::string_view key = *files.key;
  if (key.size() != kAuditKeySize) {
    return Break(0,
                 fmt::format("audit.key is {} bytes, not {}: it was replaced or damaged",
                             key.size(), kAuditKeySize),
                 0);
  }
  if (!files.head) {
    return Break(0,
                 "audit.head is missing: it is created with the key and never removed, so it was "
                 "deleted, and removal of the last events cannot be ruled out",
                 0);
  }
  const auto head = ParseChainHead(*files.head, key);
  if (!head) return Break(0, "audit.head " + head.error().message, 0);

  ChainTip tip;
  std::vector<std::string> macs;  // macs[i]: the mac of line i + 1
  size_t number = 0;
  for (size_t start = 0; start < log.size();) {
    ++number;
    const size_t end = log.find('\n', start);
    if (end == std::string_view::npos) {
      return Break(number,
                   "it does not end with a newline: the file was cut short, or a write was "
                   "interrupted",
                   tip.seq);
    }
    const std::string_view text = log.substr(start, end - start);
    start = end + 1;
    if (text.empty()) {
      return Break(number, "it is empty: a line was blanked, or a newline inserted", tip.seq);
    }
    const auto line = ParseAuditLine(text);
    if (!line) {
      return Break(
          number,
          fmt::format("it is damaged ({}): it was altered or cut short", line.error().message),
          tip.seq);
    }
    if (AuditMac(key, CanonicalContent(line->seq, line->event, line->prev)) != line->mac) {
      return Break(number,
                   number == 1 ? "its mac does not match its content: it was altered or forged, "
                                 "or audit.key is not the key this log was written with"
                               : "its mac does not match its content: it was altered or forged",
                   tip.seq);
    }
    const uint64_t expected = tip.seq + 1;
    if (line->seq > expected) {
      return Break(number,
                   fmt::format("it has seq {} where {} was expected: {} removed, or lines were "
                               "reordered",
                               line->seq, expected, EventRange(expected, line->seq - 1)),
                   tip.seq);
    }
    if (line->seq < expected) {
      return Break(number,
                   fmt::format("it has seq {} where {} was expected: it was moved or copied from "
                               "earlier in the log",
                               line->seq, expected),
                   tip.seq);
    }
    if (line->prev != tip.mac) {
      return Break(number,
                   "its prev is not the mac of the line before it: lines were replaced with "
                   "lines from another copy of the log",
                   tip.seq);
    }
    tip = ChainTip{line->seq, line->mac};
    macs.push_back(line->mac);
  }
  if (head->seq > tip.seq) {
    return Break(number + 1,
                 fmt::format("the log ends after event {} but audit.head records {}: {} removed "
                             "from its end",
                             tip.seq, head->seq, EventRange(tip.seq + 1, head->seq)),
                 tip.seq);
  }
  if (head->seq > 0 && macs[head->seq - 1] != head->mac) {
    return Break(head->seq,
                 "it is not the line audit.head records for its seq: the log was rewritten from "
                 "here on",
                 head->seq - 1);
  }
  return tip.seq;
}

std::vector<NumberedLine> ParseAuditLog(std::string_view text) {
  std::vector<NumberedLine> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    NumberedLine numbered{lines.size() + 1, StateError("")};
    if (end == std::string_view::npos) {
      numbered.line = StateError("cut short: no newline at its end");
      start = text.size();
    } else {
      numbered.line = ParseAuditLine(text.substr(start, end - start));
      start = end + 1;
    }
    lines.push_back(std::move(numbered));
  }
  return lines;
}

}  // namespace audex
