#include "adapters/process/child_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace audex {
namespace {

Environment BasicEnvironment() { return {{"PATH", "/usr/bin:/bin"}}; }

TEST(RunChild, PassesTheExitCodeThrough) {
  auto outcome = RunChild({"sh", "-c", "exit 42"}, BasicEnvironment());
  ASSERT_TRUE(outcome.has_value()) << outcome.error().message;
  EXPECT_EQ(outcome->exit_code, 42);
  EXPECT_EQ(outcome->ShellStatus(), 42);
}

TEST(RunChild, ReportsDeathBySignalAs128PlusN) {
  auto outcome = RunChild({"sh", "-c", "kill -TERM $$"}, BasicEnvironment());
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->exit_code.has_value());
  EXPECT_EQ(outcome->signal, SIGTERM);
  EXPECT_EQ(outcome->ShellStatus(), 128 + SIGTERM);
}

TEST(RunChild, GivesTheChildExactlyTheEnvironment) {
  char path[] = "/tmp/audex_env_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  Environment environment = BasicEnvironment();
  environment.emplace_back("AUDEX_TEST_VALUE", "with spaces = and symbols");
  auto outcome = RunChild({"sh", "-c", std::string("env > ") + path}, environment);
  ASSERT_TRUE(outcome.has_value());
  std::ifstream in(path);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) lines.push_back(line);
  unlink(path);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "AUDEX_TEST_VALUE=with spaces = and symbols"),
            lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "PATH=/usr/bin:/bin"), lines.end());
  // sh itself adds PWD (and maybe SHLVL, _); nothing from our own environment leaks.
  for (const std::string& entry : lines) {
    EXPECT_TRUE(entry.rfind("PATH=", 0) == 0 || entry.rfind("AUDEX_TEST_VALUE=", 0) == 0 ||
                entry.rfind("PWD=", 0) == 0 || entry.rfind("SHLVL=", 0) == 0 ||
                entry.rfind("_=", 0) == 0)
        << entry;
  }
}

TEST(RunChild, CommandNotFoundIsDistinct) {
  auto outcome = RunChild({"audex-no-such-command-xyz"}, BasicEnvironment());
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().failure, SpawnFailure::kNotFound);
  EXPECT_NE(outcome.error().message.find("audex-no-such-command-xyz"), std::string::npos);
}

TEST(RunChild, NonExecutableFileIsDistinct) {
  char path[] = "/tmp/audex_noexec_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  auto outcome = RunChild({path}, BasicEnvironment());
  unlink(path);
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().failure, SpawnFailure::kNotExecutable);
}

TEST(RunChild, ForwardsSignalsSentToAudex) {
  // The child traps TERM and exits 7: if the forwarded signal reaches it,
  // the exit code says so; if not, it sleeps out its 10 seconds and exits 0.
  // The signal is sent only once the child has written its marker, so the
  // handler is certainly installed.
  char marker[] = "/tmp/audex_marker_XXXXXX";
  const int fd = mkstemp(marker);
  ASSERT_GE(fd, 0);
  close(fd);
  unlink(marker);
  std::thread sender([&marker] {
    for (int i = 0; i < 1000 && access(marker, F_OK) != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(getpid(), SIGTERM);
  });
  auto outcome = RunChild({"sh", "-c",
                           std::string("trap 'kill $! 2>/dev/null; exit 7' TERM; touch ") + marker +
                               "; sleep 10 >/dev/null 2>&1 & wait"},
                          BasicEnvironment());
  sender.join();
  unlink(marker);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->exit_code, 7);
}

TEST(RunChildCapturing, KeepsStdoutAndStderrApartWithTheExitCode) {
  auto captured = RunChildCapturing({"sh", "-c", "echo out; echo err >&2; exit 3"},
                                    BasicEnvironment(), CaptureOptions{});
  ASSERT_TRUE(captured.has_value()) << captured.error().message;
  EXPECT_EQ(captured->outcome.exit_code, 3);
  EXPECT_EQ(captured->out.text, "out\n");
  EXPECT_EQ(captured->err.text, "err\n");
  EXPECT_FALSE(captured->out.truncated());
  EXPECT_FALSE(captured->timed_out);
}

TEST(RunChildCapturing, StdinIsDevNull) {
  // `cat` with our stdin would block or read the test runner's input.
  auto captured = RunChildCapturing({"sh", "-c", "cat; echo done"}, BasicEnvironment(), {});
  ASSERT_TRUE(captured.has_value());
  EXPECT_EQ(captured->out.text, "done\n");
}

TEST(RunChildCapturing, BoundsWhatItKeepsButReadsEverything) {
  CaptureOptions options;
  options.max_bytes = 1000;
  // 1 MB: far more than a pipe buffer, so a capture that stopped reading
  // would deadlock the child.
  auto captured = RunChildCapturing({"sh", "-c", "head -c 1000000 /dev/zero; echo tail >&2"},
                                    BasicEnvironment(), options);
  ASSERT_TRUE(captured.has_value());
  EXPECT_EQ(captured->outcome.exit_code, 0);
  EXPECT_EQ(captured->out.text.size(), 1000u);
  EXPECT_EQ(captured->out.total_bytes, 1000000u);
  EXPECT_TRUE(captured->out.truncated());
  EXPECT_EQ(captured->err.text, "tail\n");
}

TEST(RunChildCapturing, StopsAChildThatOutlivesTheTimeout) {
  CaptureOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto captured = RunChildCapturing({"sleep", "30"}, BasicEnvironment(), options);
  ASSERT_TRUE(captured.has_value());
  EXPECT_TRUE(captured->timed_out);
  EXPECT_EQ(captured->outcome.signal, SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(RunChildCapturing, ReturnsWhenTheChildExitsEvenIfAGrandchildHoldsThePipes) {
  const auto start = std::chrono::steady_clock::now();
  auto captured =
      RunChildCapturing({"sh", "-c", "sleep 20 & echo started"}, BasicEnvironment(), {});
  ASSERT_TRUE(captured.has_value());
  EXPECT_EQ(captured->outcome.exit_code, 0);
  EXPECT_EQ(captured->out.text, "started\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(RunChildCapturing, GivesTheChildTheDefaultSigpipeEvenWhenTheCallerIgnoresIt) {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  auto captured =
      RunChildCapturing({"sh", "-c", "grep SigIgn /proc/self/status"}, BasicEnvironment(), {});
  sigaction(SIGPIPE, &previous, nullptr);
  ASSERT_TRUE(captured.has_value());
  // SIGPIPE is signal 13: bit 12 of the ignored mask must be clear.
  const std::string mask = captured->out.text.substr(captured->out.text.find(':') + 1);
  const unsigned long long ignored = std::stoull(mask, nullptr, 16);
  EXPECT_EQ(ignored & (1ull << (SIGPIPE - 1)), 0u) << captured->out.text;
}

TEST(RunChildCapturing, CommandNotFoundIsDistinct) {
  auto captured = RunChildCapturing({"audex-no-such-command-xyz"}, BasicEnvironment(), {});
  ASSERT_FALSE(captured.has_value());
  EXPECT_EQ(captured.error().failure, SpawnFailure::kNotFound);
}

}  // namespace
}  // namespace audex
