// The POSIX file operations every adapter shares (files.h).
#include "adapters/files/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cerrno>
#include <cstring>

namespace audex {

// Neutral about whose file it is: the state directory, the configuration
// directory and ~/.aws/config (setup-profile) all come through here.
std::string SystemErrorFix(const std::filesystem::path& path, int error_number) {
  switch (error_number) {
    case EACCES:
    case EPERM:
      return fmt::format(
          "; check the owner and permissions of {} and the directories above it (ls -ld)",
          path.string());
    case ENOTDIR:
      return "; a part of that path is a file, not a directory: move that file away";
    case ENOSPC:
    case EDQUOT:
      return "; the disk is full: free some space and try again";
    case EROFS:
      return "; the file system is read-only: make it writable or use another location";
    default:
      return "";
  }
}

std::filesystem::path FollowSymlink(const std::filesystem::path& path) {
  std::error_code error;
  if (!std::filesystem::is_symlink(path, error)) return path;
  std::filesystem::path target = std::filesystem::weakly_canonical(path, error);
  return error ? path : target;
}

Error SystemError(std::string_view what, const std::filesystem::path& path, int error_number) {
  return Error{ErrorKind::kState,
               fmt::format("cannot {} {}: {}{}", what, path.string(), std::strerror(error_number),
                           SystemErrorFix(path, error_number))};
}

Result<void> MakePrivateDirectory(const std::filesystem::path& directory) {
  struct stat info {};
  if (::stat(directory.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return {};
    return StateError(
        fmt::format("{} is not a directory; Audex keeps its state there", directory.string()));
  }
  if (errno != ENOENT) return tl::unexpected(SystemError("look at", directory, errno));
  if (directory.has_parent_path() && directory.parent_path() != directory) {
    if (auto parent = MakePrivateDirectory(directory.parent_path()); !parent) return parent;
  }
  // Another process may create it between the stat and the mkdir.
  if (::mkdir(directory.c_str(), 0700) != 0 && errno != EEXIST) {
    return tl::unexpected(SystemError("create directory", directory, errno));
  }
  return {};
}

Result<std::optional<std::string>> ReadFileIfPresent(const std::filesystem::path& path,
                                                     ErrorKind kind) {
  auto file = ReadOwnedFileIfPresent(path, kind);
  if (!file) return tl::unexpected(file.error());
  if (!*file) return std::optional<std::string>();
  return std::optional<std::string>(std::move((*file)->contents));
}

Result<std::optional<OwnedFile>> ReadOwnedFileIfPresent(const std::filesystem::path& path,
                                                        ErrorKind kind) {
  // O_NONBLOCK: a FIFO in the file's place must not hang the read.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<OwnedFile>();
    return tl::unexpected(Error{kind, SystemError("read", path, errno).message});
  }
  FileDescriptor file(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    return tl::unexpected(Error{kind, SystemError("read", path, errno).message});
  }
  if (!S_ISREG(info.st_mode)) {
    return tl::unexpected(Error{
        kind, fmt::format("cannot read {}: it is not a regular file; Audex reads a file of that "
                          "name, so move what is there away",
                          path.string())});
  }
  auto contents = ReadToEnd(fd, path);
  if (!contents) return tl::unexpected(Error{kind, contents.error().message});
  return std::optional<OwnedFile>(
      OwnedFile{std::move(*contents), info.st_uid, static_cast<unsigned>(info.st_mode & 07777)});
}

Result<std::string> ReadToEnd(int fd, const std::filesystem::path& path) {
  std::string contents;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return tl::unexpected(SystemError("read", path, errno));
    if (got == 0) break;
    contents.append(buffer, static_cast<size_t>(got));
  }
  return contents;
}

bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t wrote = ::write(fd, data.data(), data.size());
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    data.remove_prefix(static_cast<size_t>(wrote));
  }
  return true;
}

namespace {

// Writes `contents` to a new file beside `path` (mode 0600 from the start),
// synced when `sync`, and returns its name. A name no other writer uses:
// the pid separates processes, and one process writes one file at a time.
// A stale one from a crash is removed first.
Result<std::filesystem::path> WriteTemporarySibling(const std::filesystem::path& path,
                                                    std::string_view contents, bool sync) {
  std::filesystem::path temporary = path;
  temporary.replace_filename("." + path.filename().string() + "." + std::to_string(::getpid()) +
                             ".tmp");
  ::unlink(temporary.c_str());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return tl::unexpected(SystemError("create", temporary, errno));
  FileDescriptor file(fd);
  if (!WriteAll(fd, contents) || (sync && ::fsync(fd) != 0)) {
    const int error_number = errno;
    ::unlink(temporary.c_str());
    return tl::unexpected(SystemError("write", temporary, error_number));
  }
  return temporary;
}

}  // namespace

Result<void> ReplaceFileAtomically(const std::filesystem::path& path, std::string_view contents) {
  // No fsync: a session file is a convenience view and the audit log, which
  // is synced, is the record; ext4 also orders a replace-by-rename after the
  // new file's data, so a crash leaves the old file or the new one.
  auto written = WriteTemporarySibling(path, contents, false);
  if (!written) return tl::unexpected(written.error());
  const std::filesystem::path& temporary = *written;
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int error_number = errno;
    ::unlink(temporary.c_str());
    return tl::unexpected(SystemError("rename into place", path, error_number));
  }
  return {};
}

Result<bool> CreateFileOnce(const std::filesystem::path& path, std::string_view contents) {
  auto written = WriteTemporarySibling(path, contents, true);
  if (!written) return tl::unexpected(written.error());
  const std::filesystem::path& temporary = *written;
  const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
  const int error_number = errno;
  ::unlink(temporary.c_str());
  if (!linked) {
    if (error_number == EEXIST) return false;
    return tl::unexpected(SystemError("create", path, error_number));
  }
  const int directory = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory >= 0) {
    ::fsync(directory);
    ::close(directory);
  }
  return true;
}

FileDescriptor& FileDescriptor::operator=(FileDescriptor&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.Release();
  }
  return *this;
}

FileDescriptor::~FileDescriptor() {
  if (fd_ >= 0) ::close(fd_);
}

int FileDescriptor::Release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

Result<void> LockFile(int fd, bool exclusive, const std::filesystem::path& path) {
  while (::flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
    if (errno != EINTR) return tl::unexpected(SystemError("lock", path, errno));
  }
  return {};
}

Result<void> RefuseReadOnlyFile(const std::filesystem::path& path, std::string_view instead) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return {};
  if ((info.st_mode & 0222) != 0 && ::access(path.c_str(), W_OK) == 0) return {};
  return StateError(fmt::format("{} is read-only; make it writable (chmod u+w {}), {}",
                                path.string(), path.string(), instead));
}

}  // namespace audex
