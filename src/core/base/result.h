// Result<T>: a value or an Error. Errors are values in Audex; only main() exits.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace audex {

// What kind of failure an Error is; each maps to one documented exit code
// (cli/exit_codes.h).
enum class ErrorKind {
  kUsage,        // the command line or a configuration file is wrong
  kPolicy,       // the request cannot become a valid policy
  kCredentials,  // no usable base credentials, or the cloud refused or failed to issue them
  kState,        // Audex's own files (audit log, session store) cannot be read or written
};

struct Error {
  ErrorKind kind = ErrorKind::kUsage;
  std::string message;  // one line: what was wrong, where, and the fix
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> UsageError(std::string message) {
  return tl::unexpected(Error{ErrorKind::kUsage, std::move(message)});
}
inline tl::unexpected<Error> PolicyError(std::string message) {
  return tl::unexpected(Error{ErrorKind::kPolicy, std::move(message)});
}
inline tl::unexpected<Error> CredentialsError(std::string message) {
  return tl::unexpected(Error{ErrorKind::kCredentials, std::move(message)});
}
inline tl::unexpected<Error> StateError(std::string message) {
  return tl::unexpected(Error{ErrorKind::kState, std::move(message)});
}

}  // namespace audex
