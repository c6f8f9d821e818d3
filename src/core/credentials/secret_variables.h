// Secret variables: the environment variables whose value is itself a
// credential (a secret key, a token, a password, a key file's contents) —
// what tryaudex erases from its own environment block once it has taken
// its snapshot (main.cc), so that nothing reading /proc/PID/environ finds
// them there.
#pragma once

#include <span>
#include <string_view>

namespace audex {

// Every such variable Audex or a cloud SDK reads, one table (README,
// "Threat model"). Names only: an access key *id* or a file path is not
// listed (the files are what the sandbox hides).
std::span<const std::string_view> SecretVariableNames();

// True when `name` is in SecretVariableNames().
bool IsSecretVariable(std::string_view name);

}  // namespace audex
