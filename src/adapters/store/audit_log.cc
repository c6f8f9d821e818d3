// The audit log's files: key creation, locked single-write appends, reads (audit_log.h).
#include "adapters/store/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

#include "adapters/files/files.h"
#include "adapters/store/random_bytes.h"
#include "core/base/rfc3339.h"

namespace audex {
namespace {

constexpr std::string_view kVerifyHint =
    "; run tryaudex audit verify to find the first bad line; to start over, keep the log as "
    "evidence and move audit.jsonl, audit.head and audit.key aside together "
    "(docs/audit-log-format.md, \"Starting over\")";

// The size of the log and its last line without the '\n' (nullopt when the
// log is empty), read backwards from the end in growing chunks.
struct LogTail {
  off_t size = 0;
  std::optional<std::string> last_line;
};

Result<void> ReadAt(int fd, char* buffer, size_t count, off_t offset,
                    const std::filesystem::path& path) {
  while (count > 0) {
    const ssize_t got = ::pread(fd, buffer, count, offset);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return tl::unexpected(SystemError("read", path, errno));
    if (got == 0) {
      return StateError(fmt::format("{} shrank while it was being read", path.string()));
    }
    buffer += got;
    count -= static_cast<size_t>(got);
    offset += got;
  }
  return {};
}

Result<LogTail> ReadTail(int fd, const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return tl::unexpected(SystemError("look at", path, errno));
  LogTail tail{info.st_size, std::nullopt};
  if (tail.size == 0) return tail;
  const size_t size = static_cast<size_t>(tail.size);
  for (size_t chunk = std::min<size_t>(size, 4096);; chunk = std::min(size, chunk * 2)) {
    std::string buffer(chunk, '\0');
    if (auto read = ReadAt(fd, buffer.data(), chunk, tail.size - static_cast<off_t>(chunk), path);
        !read) {
      return tl::unexpected(read.error());
    }
    if (buffer.back() != '\n') {
      return StateError(fmt::format(
          "the audit log's last line is cut short (no newline at its end): the file was cut or "
          "a write was interrupted{}",
          kVerifyHint));
    }
    const size_t newline = chunk >= 2 ? buffer.rfind('\n', chunk - 2) : std::string::npos;
    if (newline != std::string::npos) {
      tail.last_line = buffer.substr(newline + 1, chunk - 1 - (newline + 1));
      return tail;
    }
    if (chunk == size) {
      tail.last_line = buffer.substr(0, chunk - 1);
      return tail;
    }
  }
}

// The key's file must be the user's own and private: whoever can read it
// can rewrite the whole log undetectably.
Result<void> CheckKeyFile(int fd, const std::filesystem::path& path) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) return tl::unexpected(SystemError("look at", path, errno));
  if (!S_ISREG(info.st_mode)) return StateError(fmt::format("{} is not a file", path.string()));
  if (info.st_uid != ::geteuid()) {
    return StateError(
        fmt::format("{} belongs to another user (uid {}); the audit key must be your own",
                    path.string(), info.st_uid));
  }
  if ((info.st_mode & 077) != 0) {
    return StateError(fmt::format(
        "{} can be read or written by others (mode {:04o}): anyone who can read the audit key can "
        "rewrite the log undetectably; run chmod 600 {}",
        path.string(), info.st_mode & 07777, path.string()));
  }
  return {};
}

}  // namespace

Clock SystemClock() {
  return [] { return std::chrono::system_clock::now(); };
}

AuditLog::AuditLog(std::filesystem::path state_dir, Clock clock)
    : state_dir_(std::move(state_dir)), clock_(std::move(clock)) {}

Result<std::optional<std::string>> AuditLog::ReadKey() const {
  const std::filesystem::path path = KeyPath();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return tl::unexpected(SystemError("open", path, errno));
  }
  FileDescriptor file(fd);
  if (auto checked = CheckKeyFile(fd, path); !checked) return tl::unexpected(checked.error());
  auto key = ReadToEnd(fd, path);
  if (!key) return tl::unexpected(key.error());
  return std::optional<std::string>(std::move(*key));
}

Result<void> AuditLog::CreateKey(const std::string& key) const {
  // The head goes first: whoever sees the key must find a head beside it
  // (a head without a key is simply replaced on the next first use).
  const std::filesystem::path head_path = HeadPath();
  {
    const int fd = ::open(head_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return tl::unexpected(SystemError("create", head_path, errno));
    FileDescriptor head(fd);
    if (!WriteAll(fd, FormatChainHead(ChainTip{}, key)) || ::fsync(fd) != 0) {
      return tl::unexpected(SystemError("write", head_path, errno));
    }
  }
  // The key never replaces one another process made meanwhile (its events
  // would no longer verify); the names survive a crash before any line
  // relies on them.
  auto created = CreateFileOnce(KeyPath(), key);
  if (!created) return tl::unexpected(created.error());
  if (!*created) return tl::unexpected(SystemError("create", KeyPath(), EEXIST));
  return {};
}

Result<std::string> AuditLog::LoadOrCreateKey(bool log_is_empty) const {
  auto existing = ReadKey();
  if (!existing) return tl::unexpected(existing.error());
  if (*existing) {
    if ((*existing)->size() != kAuditKeySize) {
      return StateError(fmt::format("{} is {} bytes, not {}: it was replaced or damaged{}",
                                    KeyPath().string(), (*existing)->size(), kAuditKeySize,
                                    kVerifyHint));
    }
    return std::move(**existing);
  }
  if (!log_is_empty) {
    return StateError(fmt::format(
        "{} is missing but the audit log has events, so the chain cannot be continued; restore "
        "the key, or move audit.jsonl and audit.head aside to start a new log",
        KeyPath().string()));
  }
  auto key = RandomBytes(kAuditKeySize);
  if (!key) return tl::unexpected(key.error());
  if (auto created = CreateKey(*key); !created) return tl::unexpected(created.error());
  return std::move(*key);
}

Result<void> AuditLog::WriteHead(const ChainTip& tip, std::string_view key) const {
  // Overwritten in place, same length every time, without fsync: the head
  // only ever has to be at or behind the synced log, and a crash can at
  // worst leave it behind (docs/audit-log-format.md, "Head").
  const std::filesystem::path path = HeadPath();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(SystemError("open", path, errno));
  FileDescriptor file(fd);
  const std::string text = FormatChainHead(tip, key);
  ssize_t wrote;
  do {
    wrote = ::pwrite(fd, text.data(), text.size(), 0);
  } while (wrote < 0 && errno == EINTR);
  if (wrote != static_cast<ssize_t>(text.size())) {
    return tl::unexpected(SystemError("write", path, wrote < 0 ? errno : EIO));
  }
  return {};
}

Result<uint64_t> AuditLog::Append(AuditEvent event, AppendDurability durability) {
  if (auto made = MakePrivateDirectory(state_dir_); !made) return tl::unexpected(made.error());
  const std::filesystem::path path = LogPath();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected(SystemError("open", path, errno));
  FileDescriptor log(fd);  // closing it releases the lock, on every path
  if (auto locked = LockFile(fd, /*exclusive=*/true, path); !locked) {
    return tl::unexpected(locked.error());
  }
  auto tail = ReadTail(fd, path);
  if (!tail) return tl::unexpected(tail.error());
  auto key = LoadOrCreateKey(tail->size == 0);
  if (!key) return tl::unexpected(key.error());
  auto head_text = ReadFileIfPresent(HeadPath());
  if (!head_text) return tl::unexpected(head_text.error());
  if (!*head_text) {
    return StateError(fmt::format("{} is missing; it is created with the key and never removed{}",
                                  HeadPath().string(), kVerifyHint));
  }
  auto head = ParseChainHead(**head_text, *key);
  if (!head) {
    return StateError(
        fmt::format("{} {}{}", HeadPath().string(), head.error().message, kVerifyHint));
  }
  auto tip = ContinueChain(tail->last_line, *head, *key);
  if (!tip) return tl::unexpected(tip.error());

  event.ts = FormatRfc3339(clock_());
  const SealedLine sealed = SealAuditLine(event, *tip, *key);
  // One write(2) of the whole line, so that even a writer that ignores the
  // lock cannot land inside it (O_APPEND); a short write is undone so the
  // log never keeps half a line.
  ssize_t wrote;
  do {
    wrote = ::write(fd, sealed.text.data(), sealed.text.size());
  } while (wrote < 0 && errno == EINTR);
  if (wrote != static_cast<ssize_t>(sealed.text.size())) {
    const int error_number = wrote < 0 ? errno : ENOSPC;
    if (wrote > 0 && ::ftruncate(fd, tail->size) != 0) {
      return StateError(fmt::format(
          "cannot write {} ({}) nor remove the part written; the log now ends in half a line{}",
          path.string(), std::strerror(error_number), kVerifyHint));
    }
    return tl::unexpected(SystemError("write", path, error_number));
  }
  if (durability == AppendDurability::kUnsynced) return sealed.tip.seq;
  // fdatasync, not fsync: the line's bytes and the file's new size are what
  // must be durable; timestamps are not.
  if (::fdatasync(fd) != 0) return tl::unexpected(SystemError("sync", path, errno));
  if (auto moved = WriteHead(sealed.tip, *key); !moved) {
    return StateError(
        fmt::format("event {} was recorded, but {}", sealed.tip.seq, moved.error().message));
  }
  return sealed.tip.seq;
}

Result<AuditFiles> AuditLog::Read() const {
  AuditFiles files;
  const std::filesystem::path path = LogPath();
  FileDescriptor log(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!log.valid() && errno != ENOENT) return tl::unexpected(SystemError("open", path, errno));
  if (log.valid()) {
    if (auto locked = LockFile(log.get(), /*exclusive=*/false, path); !locked) {
      return tl::unexpected(locked.error());
    }
    auto text = ReadToEnd(log.get(), path);
    if (!text) return tl::unexpected(text.error());
    files.log = std::move(*text);
  }
  auto key = ReadKey();
  if (!key) return tl::unexpected(key.error());
  files.key = std::move(*key);
  auto head = ReadFileIfPresent(HeadPath());
  if (!head) return tl::unexpected(head.error());
  files.head = std::move(*head);
  return files;
}

}  // namespace audex
