// AuditLog: the tamper-evident record of every session, <state_dir>/
// audit.jsonl, with its key (audit.key) and head (audit.head); the format is
// docs/audit-log-format.md and the arithmetic core/audit_chain.h.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/audit/audit_chain.h"
#include "core/audit/audit_event.h"
#include "core/base/result.h"

namespace audex {

using Clock = std::function<std::chrono::system_clock::time_point()>;

// The system's wall clock.
Clock SystemClock();

// Whether an append must survive a crash of the machine before it returns
// (docs/audit-log-format.md, "What is synced"). kSynced: the line is
// fdatasync'd and audit.head moves past it. kUnsynced: one write(2), no
// fdatasync and the head stays where it is (a head written without its
// line being synced could outrun the log after a crash); the next synced
// append's head covers the line. For events that repeat what a synced
// event already recorded (credentials_reused): a crash may lose them.
enum class AppendDurability { kSynced, kUnsynced };

class AuditLog {
 public:
  explicit AuditLog(std::filesystem::path state_dir, Clock clock = SystemClock());

  std::filesystem::path LogPath() const { return state_dir_ / "audit.jsonl"; }
  std::filesystem::path KeyPath() const { return state_dir_ / "audit.key"; }
  std::filesystem::path HeadPath() const { return state_dir_ / "audit.head"; }

  // Stamps `event` with the clock and appends it as the next line of the
  // chain; returns its seq. Safe across processes and threads: under an
  // exclusive flock on the log it reads the last line, writes the whole new
  // line with one write(2), fdatasyncs it, then moves audit.head. The first
  // append creates the directory (0700), the key (0600) and the head.
  // Fails (kState) rather than seal over trouble: a key that others can
  // read or that is not 32 bytes, a head that is missing or damaged, a last
  // line that is cut short or does not match, a log shorter than the head.
  // kUnsynced skips the fdatasync and the head (AppendDurability).
  Result<uint64_t> Append(AuditEvent event,
                          AppendDurability durability = AppendDurability::kSynced);

  // The three files, read under a shared flock so that no append is seen
  // half done. Fails like Append for a key that others can read.
  Result<AuditFiles> Read() const;

 private:
  Result<std::string> LoadOrCreateKey(bool log_is_empty) const;
  Result<std::optional<std::string>> ReadKey() const;
  Result<void> CreateKey(const std::string& key) const;
  Result<void> WriteHead(const ChainTip& tip, std::string_view key) const;

  std::filesystem::path state_dir_;
  Clock clock_;
};

}  // namespace audex
