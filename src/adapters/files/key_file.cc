#include "adapters/files/key_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include "adapters/files/files.h"

namespace audex {

Result<std::optional<SecretString>> ReadKeyFile(const std::filesystem::path& path, size_t size,
                                                std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<SecretString>();
    return tl::unexpected(SystemError("open", path, errno));
  }
  FileDescriptor file(fd);
  struct stat info {};
  if (::fstat(fd, &info) != 0) return tl::unexpected(SystemError("look at", path, errno));
  if (!S_ISREG(info.st_mode)) return StateError(fmt::format("{} is not a file", path.string()));
  if (info.st_uid != ::geteuid()) {
    return StateError(fmt::format("{} belongs to another user (uid {}); the {} must be your own",
                                  path.string(), info.st_uid, what));
  }
  if ((info.st_mode & 077) != 0) {
    return StateError(fmt::format(
        "{} can be read or written by others (mode {:04o}); the {} must be private: run chmod "
        "600 {}",
        path.string(), info.st_mode & 07777, what, path.string()));
  }
  auto key = ReadToEnd(fd, path);
  if (!key) return tl::unexpected(key.error());
  if (key->size() != size) {
    return StateError(fmt::format("{} holds {} bytes, not the {} of a {}; restore it from backup",
                                  path.string(), key->size(), size, what));
  }
  return std::optional<SecretString>(SecretString(std::move(*key)));
}

Result<SecretString> CreateKeyFile(const std::filesystem::path& path, const SecretString& key,
                                   std::string_view what) {
  if (auto directory = MakePrivateDirectory(path.parent_path()); !directory) {
    return tl::unexpected(directory.error());
  }
  // A key another process made meanwhile is kept (and read back).
  if (auto created = CreateFileOnce(path, key.Reveal()); !created) {
    return tl::unexpected(created.error());
  }
  auto kept = ReadKeyFile(path, key.Reveal().size(), what);
  if (!kept) return tl::unexpected(kept.error());
  if (!*kept) return StateError(fmt::format("{} vanished while it was created", path.string()));
  return std::move(**kept);
}

}  // namespace audex
