// Quoting an argument for a POSIX shell and for Python's shlex.split,
// which botocore uses to split a credential_process line.
#pragma once

#include <string>

namespace audex {

// Unchanged when `arg` holds only characters no shell treats specially,
// else in single quotes (a quote inside becomes '\'').
std::string ShellQuote(const std::string& arg);

}  // namespace audex
