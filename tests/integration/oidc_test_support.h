// Test support for the OIDC integration tests: node scripts from
// tests/oidc started as loopback servers (stopped by their PID, every wait
// bounded), a node script run to completion, and an in-memory jti ledger
// standing in for the server's store.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/oidc/token_verifier.h"
#include "support/server_process.h"

extern char** environ;

namespace audex::oidc_test {

inline std::string NpmDir() { return AUDEX_OIDC_NPM_DIR; }

// A node script that prints one JSON line when it listens, then serves
// until SIGTERM.
class NodeServer {
 public:
  NodeServer() = default;
  NodeServer(const NodeServer&) = delete;
  NodeServer& operator=(const NodeServer&) = delete;
  ~NodeServer() { Stop(/*keep_log=*/true); }

  // Starts `script` (a file in NpmDir()) and waits up to 30 s for its line.
  bool Start(const std::string& script, std::string& why) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) {
      why = "pipe failed";
      return false;
    }
    log_ = NpmDir() + "/" + script + "." + std::to_string(::getpid()) + ".log";
    const std::string path = NpmDir() + "/" + script;
    const char* argv[] = {AUDEX_NODE, path.c_str(), nullptr};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log_.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int spawned =
        posix_spawn(&pid_, AUDEX_NODE, &actions, nullptr, const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (spawned != 0) {
      ::close(out[0]);
      pid_ = 0;
      why = "cannot start node";
      return false;
    }
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd wait{out[0], POLLIN, 0};
      if (::poll(&wait, 1, 250) <= 0) continue;
      char buffer[512];
      const ssize_t got = ::read(out[0], buffer, sizeof buffer);
      if (got <= 0) break;
      line.append(buffer, static_cast<size_t>(got));
    }
    // The read end stays open until Stop: a script that writes to stdout
    // later must not die of SIGPIPE.
    stdout_ = out[0];
    ready_ = nlohmann::json::parse(line.substr(0, line.find('\n')), nullptr, false);
    if (!ready_.is_object() || !ready_.contains("port")) {
      why = script + " did not report its port within 30 s; see " + log_;
      Stop(/*keep_log=*/true);
      return false;
    }
    return true;
  }

  // Stops the server; its stderr log is kept only when asked (a failure).
  void Stop(bool keep_log) {
    if (!keep_log && !log_.empty()) ::unlink(log_.c_str());
    if (stdout_ >= 0) ::close(stdout_);
    stdout_ = -1;
    StopServerProcess(pid_);
  }

  int port() const { return ready_.value("port", 0); }
  const nlohmann::json& ready() const { return ready_; }
  const std::string& log() const { return log_; }

 private:
  pid_t pid_ = 0;
  int stdout_ = -1;
  nlohmann::json ready_;
  std::string log_;
};

// Runs `node NpmDir()/script args...` to completion (at most 60 s); its exit
// status, or -1 when it had to be killed.
inline int RunNodeScript(const std::string& script, const std::vector<std::string>& args) {
  const std::string path = NpmDir() + "/" + script;
  std::vector<const char*> argv = {AUDEX_NODE, path.c_str()};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, AUDEX_NODE, nullptr, nullptr, const_cast<char* const*>(argv.data()),
                  environ) != 0) {
    return -1;
  }
  const int status = WaitForExit(pid, std::chrono::seconds(60));
  if (status == -1) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The store's RememberJti, in memory: what the verifier calls after a
// token passed, shared by every verifier given the same ledger.
class InMemoryJtiLedger : public JtiLedger {
 public:
  Result<bool> RememberJti(const std::string& issuer, const std::string& jti,
                           std::chrono::system_clock::time_point) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    return seen_.insert({issuer, jti}).second;
  }
  size_t calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::pair<std::string, std::string>> seen_;
  size_t calls_ = 0;
};

}  // namespace audex::oidc_test
