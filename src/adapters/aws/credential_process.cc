// Running a credential_process with posix_spawn and reading its JSON.
#include "adapters/aws/credential_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/base/rfc3339.h"

namespace audex {
namespace {

constexpr size_t kMaxOutput = 1 << 20;

// Closes a descriptor when it goes out of scope.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() { Close(); }
  int get() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// The last non-empty line of what a child wrote to `fd` (an anonymous
// file), at most 300 characters, control characters as spaces: it goes
// into a one-line error message.
std::string LastLine(int fd) {
  std::string text;
  char buffer[4096];
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd, buffer, sizeof buffer, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || text.size() > 64 * 1024) break;
    text.append(buffer, static_cast<size_t>(n));
    offset += n;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  const size_t start = text.find_last_of('\n');
  std::string line = start == std::string::npos ? text : text.substr(start + 1);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (line.size() > 300) line = line.substr(0, 300) + "...";
  return line;
}

}  // namespace

Result<std::string> RunCredentialProcess(const std::string& command, std::string_view label,
                                         const Environment& environment, ChildStderr child_stderr) {
  std::vector<std::string> pairs;
  std::vector<char*> envp;
  pairs.reserve(environment.size());
  for (const auto& [name, value] : environment) pairs.push_back(name + "=" + value);
  for (std::string& pair : pairs) envp.push_back(pair.data());
  envp.push_back(nullptr);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return CredentialsError(
        fmt::format("cannot run the {}: pipe: {}", label, std::strerror(errno)));
  }
  Descriptor read_end(pipe_fds[0]);
  Descriptor write_end(pipe_fds[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // The child's stdout is the pipe; stdin and stderr stay Audex's own,
  // unless its stderr is kept for the message: then an anonymous file
  // (never a pipe, which a chatty child could fill while Audex reads stdout).
  posix_spawn_file_actions_adddup2(&actions, write_end.get(), STDOUT_FILENO);
  const Descriptor kept_stderr(child_stderr == ChildStderr::kInMessage
                                   ? ::memfd_create("audex-child-stderr", MFD_CLOEXEC)
                                   : -1);
  if (kept_stderr.get() >= 0) {
    posix_spawn_file_actions_adddup2(&actions, kept_stderr.get(), STDERR_FILENO);
  }
  const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, "/bin/sh", &actions, nullptr, const_cast<char* const*>(argv), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  write_end.Close();
  if (spawned != 0) {
    return CredentialsError(
        fmt::format("cannot run the {}: /bin/sh: {}", label, std::strerror(spawned)));
  }

  std::string output;
  bool too_long = false;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() + static_cast<size_t>(n) > kMaxOutput) {
      too_long = true;
      break;
    }
    output.append(buffer, static_cast<size_t>(n));
  }
  read_end.Close();  // a child still writing now gets SIGPIPE and ends

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return CredentialsError(
          fmt::format("cannot wait for the {}: {}", label, std::strerror(errno)));
    }
  }
  if (too_long) {
    return CredentialsError(
        fmt::format("the {} printed more than 1 MiB; expected one JSON object "
                    "with Version 1 credentials",
                    label));
  }
  if (WIFSIGNALED(status)) {
    return CredentialsError(fmt::format("the {} was killed by signal {}", label, WTERMSIG(status)));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    const int code = WEXITSTATUS(status);
    std::string hint = code == 127 ? " (command not found: check the credential_process "
                                     "line in the AWS config file)"
                                   : " (its own message, if any, is above)";
    if (kept_stderr.get() >= 0) {
      const std::string said = LastLine(kept_stderr.get());
      hint = said.empty() ? "" : ": " + said;
    }
    return CredentialsError(fmt::format("the {} exited with status {}{}", label, code, hint));
  }
  return output;
}

Result<AwsCredentials> ParseCredentialProcessOutput(std::string_view output, std::string_view label,
                                                    std::chrono::system_clock::time_point now) {
  // Never quote `output` below: it holds the secret key.
  const nlohmann::json json = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  const auto fail = [&](std::string_view what) {
    return CredentialsError(fmt::format(
        "the {} printed {}; it must print one JSON object with \"Version\": 1, \"AccessKeyId\", "
        "\"SecretAccessKey\" and optionally \"SessionToken\" and \"Expiration\"",
        label, what));
  };
  if (json.is_discarded()) return fail("something that is not JSON");
  if (!json.is_object()) return fail("JSON that is not an object");
  const auto version = json.find("Version");
  if (version == json.end() || !version->is_number_integer() || version->get<int64_t>() != 1) {
    return fail("no \"Version\": 1 (the only version AWS defines)");
  }
  const auto text = [&](const char* key) -> std::optional<std::string> {
    const auto found = json.find(key);
    if (found == json.end() || !found->is_string()) return std::nullopt;
    return found->get<std::string>();
  };
  const auto access_key = text("AccessKeyId");
  const auto secret_key = text("SecretAccessKey");
  if (!access_key || access_key->empty()) return fail("no \"AccessKeyId\" string");
  if (!secret_key || secret_key->empty()) return fail("no \"SecretAccessKey\" string");

  AwsCredentials credentials;
  credentials.access_key_id = *access_key;
  credentials.secret_access_key = SecretString(*secret_key);
  credentials.session_token = SecretString(text("SessionToken").value_or(""));
  credentials.source = std::string(label);
  if (json.contains("Expiration") && !json["Expiration"].is_null()) {
    const auto expiration_text = text("Expiration");
    const auto expiration = expiration_text ? ParseRfc3339(*expiration_text) : std::nullopt;
    if (!expiration) return fail("an \"Expiration\" that is not an RFC 3339 time");
    if (*expiration <= now) {
      return CredentialsError(fmt::format(
          "the {} returned credentials that expired at {}; it should print fresh ones (is its "
          "cache stale?)",
          label, FormatRfc3339(*expiration)));
    }
    credentials.expiration = expiration;
  }
  return credentials;
}

}  // namespace audex
