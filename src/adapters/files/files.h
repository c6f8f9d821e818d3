// Files on disk: the few POSIX calls every adapter makes (private
// directories, whole-file reads, atomic replacement, advisory locks), each
// returning a Result that names the path, the system's reason and the fix.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.h"

namespace audex {

// "cannot WHAT PATH: strerror(errno)", as a kState error, followed by the
// fix for the errors a user causes (permissions, a file where a directory
// should be, a full or read-only disk).
Error SystemError(std::string_view what, const std::filesystem::path& path, int error_number);

// That fix ("; check the owner and permissions of ..."), or "" for an errno
// with no fix to suggest.
std::string SystemErrorFix(const std::filesystem::path& path, int error_number);

// Where a write to `path` should land: the file a symlink points to, so
// that a user's symlinked dotfile (~/.aws/config, profiles.toml) is edited in
// place rather than replaced by a regular file; `path` itself otherwise (or
// when the link cannot be resolved).
std::filesystem::path FollowSymlink(const std::filesystem::path& path);

// A kState error when `path` exists and is read-only (no write bit, or not
// writable by this user): whoever made it so meant it, and replacing it
// through a rename would override that. `instead` is appended to the
// message as another way forward ("or ...").
Result<void> RefuseReadOnlyFile(const std::filesystem::path& path, std::string_view instead);

// Creates `directory` and any missing parents with mode 0700 (the state
// holds who ran what with which role). Existing directories are left as
// they are.
Result<void> MakePrivateDirectory(const std::filesystem::path& directory);

// Everything from `fd`'s current offset to its end; `path` is for messages.
Result<std::string> ReadToEnd(int fd, const std::filesystem::path& path);

// The whole file, or nullopt when it does not exist. Anything else — no
// permission, a directory or device where a file should be — is an error
// of `kind` naming the path and the fix: kState for Audex's own state,
// kUsage for files the user writes (config.toml, profiles.toml, a policy).
Result<std::optional<std::string>> ReadFileIfPresent(const std::filesystem::path& path,
                                                     ErrorKind kind = ErrorKind::kState);

// A file's contents with its owner and permission bits as fstat(2) saw them
// on the descriptor the contents were read from, so a check of who could
// have written it is about exactly those bytes (no window to swap the file).
struct OwnedFile {
  std::string contents;
  unsigned owner_uid = 0;
  unsigned mode = 0;  // st_mode & 07777
};

// ReadFileIfPresent, with the owner and mode.
Result<std::optional<OwnedFile>> ReadOwnedFileIfPresent(const std::filesystem::path& path,
                                                        ErrorKind kind = ErrorKind::kState);

// Replaces `path` with `contents` (mode 0600) through a temporary file in
// the same directory and rename(2): readers see the old file or the new
// one, never a part.
Result<void> ReplaceFileAtomically(const std::filesystem::path& path, std::string_view contents);

// Creates `path` holding `contents` unless it exists: written whole under a
// temporary name (0600 from the start, so never readable by others, and
// synced), then published with link(2), which fails rather than replace
// what another process made meanwhile; the directory is synced so the name
// survives a crash. False (and `path` untouched) when it was already there.
Result<bool> CreateFileOnce(const std::filesystem::path& path, std::string_view contents);

// write(2) until every byte is written or an error other than EINTR.
bool WriteAll(int fd, std::string_view data);

// An open file descriptor, closed when it goes out of scope (which also
// releases any flock held through it).
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(FileDescriptor&& other) noexcept : fd_(other.Release()) {}
  FileDescriptor& operator=(FileDescriptor&& other) noexcept;
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();

 private:
  int fd_ = -1;
};

// flock(2) on `fd`, retried when a signal interrupts the wait.
Result<void> LockFile(int fd, bool exclusive, const std::filesystem::path& path);

}  // namespace audex
