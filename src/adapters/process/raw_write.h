// Writing with bare system calls, safe where nothing else is: in the child
// between clone and exec, and in the static init of the sandbox (no
// allocation, no locks, errno kept). Shared by spawn.cc and sandbox_init.cc.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace audex::raw {

// write(2) until every byte is written or an error other than EINTR.
inline bool WriteAll(int fd, const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t wrote = ::write(fd, bytes, size);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) return false;
    bytes += wrote;
    size -= static_cast<size_t>(wrote);
  }
  return true;
}

// Writes `size` bytes to the existing file `path` (the /proc files of id
// maps and setgroups take one write); errno tells why when false.
inline bool WriteFile(const char* path, const char* data, size_t size) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool wrote = WriteAll(fd, data, size);
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return wrote;
}

}  // namespace audex::raw
