// credential_process: an external command named in ~/.aws/config that
// prints credentials as JSON (Version 1) on stdout. Running it is separate
// from reading its output, which is a pure function.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "core/base/env.h"
#include "core/base/result.h"
#include "core/credentials/aws_credentials.h"

namespace audex {

// Runs `command` through /bin/sh -c (so quoting works as typed in a shell)
// with exactly `environment` — the snapshot Audex started with, as its own
// has had its secrets erased (main.cc) — and Audex's stdin and stderr, so
// a prompt for an MFA code or the
// command's own error messages reach the user, and returns its stdout
// (kCredentials error when it cannot start, exits non-zero, dies of a
// signal, or prints more than 1 MiB). `label` names it in messages
// ("credential_process of profile dev"). There is no time limit: such
// commands may wait for the user.
//
// With `ChildStderr::kInMessage` (a program that never prompts, such as
// `az account get-access-token`) its stderr is kept instead, and when it
// fails the last line it wrote ("ERROR: Please run 'az login' ...") goes
// into the error, so that the user reads one message, not the program's
// and then Audex's.
enum class ChildStderr { kPassThrough, kInMessage };
Result<std::string> RunCredentialProcess(const std::string& command, std::string_view label,
                                         const Environment& environment,
                                         ChildStderr child_stderr = ChildStderr::kPassThrough);

// Injected into the credential chain so tests can stand in for it.
using CredentialProcessRunner =
    std::function<Result<std::string>(const std::string& command, std::string_view label)>;

// Reads the JSON a credential_process printed: Version 1, AccessKeyId,
// SecretAccessKey, optional SessionToken and Expiration (RFC 3339).
// Credentials already expired at `now` are refused. Errors (kCredentials)
// name `label` and the problem, never the output, which holds secrets.
Result<AwsCredentials> ParseCredentialProcessOutput(std::string_view output, std::string_view label,
                                                    std::chrono::system_clock::time_point now);

}  // namespace audex
