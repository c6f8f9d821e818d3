// The child-process adapter against real processes (sh, sleep, kill),
// each run both directly and in the sandbox (adapters/process/sandbox.h),
// and what only the sandbox does: hiding paths, a /proc without Audex,
// ending the command's whole tree; and the parent-death signal.
#include "adapters/process/child_process.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/process/sandbox.h"

namespace audex {
namespace {

Environment BasicEnvironment() { return {{"PATH", "/usr/bin:/bin"}}; }

// A sandbox that hides nothing: the namespaces and /proc of every run.
const SandboxPlan kNothingHidden{};

// Each behaviour of RunChild and RunChildCapturing holds with and without
// the sandbox.
class Spawning : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      const SandboxSupport support = ProbeSandbox();
      if (!support.available) GTEST_SKIP() << "no sandbox here: " << support.reason;
    }
  }
  const SandboxPlan* Sandbox() const { return GetParam() ? &kNothingHidden : nullptr; }
};
INSTANTIATE_TEST_SUITE_P(DirectAndSandboxed, Spawning, ::testing::Bool(),
                         [](const auto& param_info) {
                           return param_info.param ? "Sandboxed" : "Direct";
                         });

TEST_P(Spawning, RunChildPassesTheExitCodeThrough) {
  auto outcome = RunChild({"sh", "-c", "exit 42"}, BasicEnvironment(), Sandbox());
  ASSERT_TRUE(outcome.has_value()) << outcome.error().message;
  EXPECT_EQ(outcome->exit_code, 42);
  EXPECT_EQ(outcome->ShellStatus(), 42);
}

TEST_P(Spawning, RunChildReportsDeathBySignalAs128PlusN) {
  auto outcome = RunChild({"sh", "-c", "kill -TERM $$"}, BasicEnvironment(), Sandbox());
  ASSERT_TRUE(outcome.has_value());
  EXPECT_FALSE(outcome->exit_code.has_value());
  EXPECT_EQ(outcome->signal, SIGTERM);
  EXPECT_EQ(outcome->ShellStatus(), 128 + SIGTERM);
}

TEST_P(Spawning, RunChildGivesTheChildExactlyTheEnvironment) {
  char path[] = "/tmp/audex_env_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  Environment environment = BasicEnvironment();
  environment.emplace_back("AUDEX_TEST_VALUE", "with spaces = and symbols");
  auto outcome = RunChild({"sh", "-c", std::string("env > ") + path}, environment, Sandbox());
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

TEST_P(Spawning, RunChildCommandNotFoundIsDistinct) {
  auto outcome = RunChild({"audex-no-such-command-xyz"}, BasicEnvironment(), Sandbox());
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().failure, SpawnFailure::kNotFound);
  EXPECT_NE(outcome.error().message.find("audex-no-such-command-xyz"), std::string::npos);
}

TEST_P(Spawning, RunChildNonExecutableFileIsDistinct) {
  char path[] = "/tmp/audex_noexec_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  auto outcome = RunChild({path}, BasicEnvironment(), Sandbox());
  unlink(path);
  ASSERT_FALSE(outcome.has_value());
  EXPECT_EQ(outcome.error().failure, SpawnFailure::kNotExecutable);
}

TEST_P(Spawning, RunChildForwardsSignalsSentToAudex) {
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
                          BasicEnvironment(), Sandbox());
  sender.join();
  unlink(marker);
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->exit_code, 7);
}

TEST_P(Spawning, RunChildCapturingKeepsStdoutAndStderrApartWithTheExitCode) {
  auto captured = RunChildCapturing({"sh", "-c", "echo out; echo err >&2; exit 3"},
                                    BasicEnvironment(), CaptureOptions{}, Sandbox());
  ASSERT_TRUE(captured.has_value()) << captured.error().message;
  EXPECT_EQ(captured->outcome.exit_code, 3);
  EXPECT_EQ(captured->out.text, "out\n");
  EXPECT_EQ(captured->err.text, "err\n");
  EXPECT_FALSE(captured->out.truncated());
  EXPECT_FALSE(captured->timed_out);
}

TEST_P(Spawning, RunChildCapturingStdinIsDevNull) {
  // `cat` with our stdin would block or read the test runner's input.
  auto captured =
      RunChildCapturing({"sh", "-c", "cat; echo done"}, BasicEnvironment(), {}, Sandbox());
  ASSERT_TRUE(captured.has_value());
  EXPECT_EQ(captured->out.text, "done\n");
}

TEST_P(Spawning, RunChildCapturingBoundsWhatItKeepsButReadsEverything) {
  CaptureOptions options;
  options.max_bytes = 1000;
  // 1 MB: far more than a pipe buffer, so a capture that stopped reading
  // would deadlock the child.
  auto captured = RunChildCapturing({"sh", "-c", "head -c 1000000 /dev/zero; echo tail >&2"},
                                    BasicEnvironment(), options, Sandbox());
  ASSERT_TRUE(captured.has_value());
  EXPECT_EQ(captured->outcome.exit_code, 0);
  EXPECT_EQ(captured->out.text.size(), 1000u);
  EXPECT_EQ(captured->out.total_bytes, 1000000u);
  EXPECT_TRUE(captured->out.truncated());
  EXPECT_EQ(captured->err.text, "tail\n");
}

TEST_P(Spawning, RunChildCapturingStopsAChildThatOutlivesTheTimeout) {
  CaptureOptions options;
  options.timeout = std::chrono::milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  auto captured = RunChildCapturing({"sleep", "30"}, BasicEnvironment(), options, Sandbox());
  ASSERT_TRUE(captured.has_value());
  EXPECT_TRUE(captured->timed_out);
  EXPECT_EQ(captured->outcome.signal, SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_P(Spawning, RunChildCapturingReturnsWhenTheChildExitsEvenIfAGrandchildHoldsThePipes) {
  const auto start = std::chrono::steady_clock::now();
  auto captured =
      RunChildCapturing({"sh", "-c", "sleep 20 & echo started"}, BasicEnvironment(), {}, Sandbox());
  ASSERT_TRUE(captured.has_value());
  EXPECT_EQ(captured->outcome.exit_code, 0);
  EXPECT_EQ(captured->out.text, "started\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_P(Spawning, RunChildCapturingGivesTheChildTheDefaultSigpipeEvenWhenTheCallerIgnoresIt) {
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  auto captured = RunChildCapturing({"sh", "-c", "grep SigIgn /proc/self/status"},
                                    BasicEnvironment(), {}, Sandbox());
  sigaction(SIGPIPE, &previous, nullptr);
  ASSERT_TRUE(captured.has_value());
  // SIGPIPE is signal 13: bit 12 of the ignored mask must be clear.
  const std::string mask = captured->out.text.substr(captured->out.text.find(':') + 1);
  const unsigned long long ignored = std::stoull(mask, nullptr, 16);
  EXPECT_EQ(ignored & (1ull << (SIGPIPE - 1)), 0u) << captured->out.text;
}

TEST_P(Spawning, RunChildCapturingCommandNotFoundIsDistinct) {
  auto captured =
      RunChildCapturing({"audex-no-such-command-xyz"}, BasicEnvironment(), {}, Sandbox());
  ASSERT_FALSE(captured.has_value());
  EXPECT_EQ(captured.error().failure, SpawnFailure::kNotFound);
}

// --- what the sandbox does --------------------------------------------------

class Sandboxed : public ::testing::Test {
 protected:
  void SetUp() override {
    const SandboxSupport support = ProbeSandbox();
    if (!support.available) GTEST_SKIP() << "no sandbox here: " << support.reason;
    dir_ = std::filesystem::temp_directory_path() /
           ("audex-sandbox-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& relative, const std::string& text) {
    const std::filesystem::path path = dir_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }

  std::filesystem::path dir_;
};

// Every process whose command line holds `marker`, from /proc.
int ProcessesWith(const std::string& marker) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find(marker) != std::string::npos) ++found;
  }
  return found;
}

TEST_F(Sandboxed, HidesTheDirectoriesAndFilesOfThePlanAndNothingElse) {
  Write("stores/key", "MARKER-IN-DIRECTORY\n");
  const std::string file = Write("token", "MARKER-IN-FILE\n");
  Write("visible/file", "still-visible\n");
  SandboxPlan plan;
  plan.hidden = {{(dir_ / "stores").string(), "test store"},
                 {file, "test token"},
                 {(dir_ / "absent").string(), "nothing there"}};
  const std::string script = "cd '" + dir_.string() +
                             "'; echo \"[$(ls -A stores)]\"; cat token; cat stores/key; "
                             "cat visible/file; touch stores/new && echo wrote; touch new-here";
  auto captured = RunChildCapturing({"sh", "-c", script}, BasicEnvironment(), {}, &plan);
  ASSERT_TRUE(captured.has_value()) << captured.error().message;
  EXPECT_EQ(captured->out.text, "[]\nstill-visible\n") << captured->err.text;
  EXPECT_EQ(captured->err.text.find("MARKER"), std::string::npos);
  EXPECT_NE(captured->err.text.find("Read-only file system"), std::string::npos)
      << captured->err.text;
  // The files are untouched outside; what the command may write, it wrote.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "stores" / "key"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "stores" / "new"));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "new-here"));
}

TEST_F(Sandboxed, ProcShowsOnlyTheCommandsOwnProcessesAndItsInitHoldsNothingOfTheParents) {
  // The init is a program of its own (audex-sandbox), not a copy of the
  // parent: neither its environment nor its memory holds the parent's.
  setenv("AUDEX_TEST_PARENT_ONLY", "parent-marker-7f3a", 1);
  const std::string marker = std::string("parent-marker-") + "7f3a";
  // Every readable mapping of the init, searched for the marker; "closed"
  // when its memory cannot be opened at all.
  const std::string scan =
      "import re,sys\n"
      "try:\n"
      "  maps=open('/proc/1/maps').read().splitlines(); mem=open('/proc/1/mem','rb',0)\n"
      "except OSError: print('closed'); sys.exit(0)\n"
      "hits=0\n"
      "for l in maps:\n"
      "  m=re.match(r'([0-9a-f]+)-([0-9a-f]+) r',l)\n"
      "  if not m: continue\n"
      "  lo,hi=int(m.group(1),16),int(m.group(2),16)\n"
      "  try: mem.seek(lo); hits+=mem.read(hi-lo).count(sys.argv[1].encode())\n"
      "  except OSError: pass\n"
      "print('hits', hits)\n";
  const std::string script = "echo ppid=$PPID; test -e /proc/" + std::to_string(getpid()) +
                             " && echo parent-visible; tr '\\0' '\\n' </proc/1/cmdline | head -n 1 "
                             "| xargs basename; tr '\\0' '\\n' </proc/1/environ; python3 -c \"$0\" "
                             "\"$1$2\"";
  // The marker reaches the scan in two halves: the command's own memory
  // must not hold it whole.
  auto captured = RunChildCapturing({"sh", "-c", script, scan, "parent-marker-", "7f3a"},
                                    BasicEnvironment(), {}, &kNothingHidden);
  unsetenv("AUDEX_TEST_PARENT_ONLY");
  ASSERT_TRUE(captured.has_value()) << captured.error().message;
  // The init's environment is the command's own (or closed to it).
  const std::string out = captured->out.text;
  EXPECT_EQ(out.rfind("ppid=1\naudex-sandbox\n", 0), 0u) << out << captured->err.text;
  EXPECT_EQ(out.find("parent-visible"), std::string::npos) << out;
  EXPECT_EQ(out.find("AUDEX_TEST_PARENT_ONLY"), std::string::npos) << out;
  EXPECT_EQ(out.find(marker + "\n"), std::string::npos) << out;
  EXPECT_TRUE(out.find("\nhits 0\n") != std::string::npos ||
              out.find("\nclosed\n") != std::string::npos)
      << out << captured->err.text;
}

TEST_F(Sandboxed, TheCommandsBackgroundProcessesEndWithIt) {
  const std::string marker = "audex-bg-marker-" + std::to_string(getpid());
  auto outcome = RunChild({"sh", "-c", "sh -c 'sleep 30; :' " + marker + " & echo started"},
                          BasicEnvironment(), &kNothingHidden);
  ASSERT_TRUE(outcome.has_value()) << outcome.error().message;
  EXPECT_EQ(outcome->exit_code, 0);
  EXPECT_EQ(ProcessesWith(marker), 0);
}

// The command outlives neither a direct parent nor the sandbox's init when
// Audex is killed with SIGKILL (PR_SET_PDEATHSIG).
TEST_P(Spawning, TheCommandEndsWhenAudexIsKilled) {
  const std::string marker =
      "audex-orphan-marker-" + std::to_string(getpid()) + (GetParam() ? "-sandboxed" : "-direct");
  const std::string ready = std::filesystem::temp_directory_path() / (marker + ".ready");
  std::filesystem::remove(ready);
  const pid_t audex = fork();
  if (audex == 0) {
    auto outcome = RunChild({"sh", "-c", "touch '" + ready + "'; sleep 30; :", marker},
                            BasicEnvironment(), Sandbox());
    _exit(outcome ? 0 : 1);
  }
  ASSERT_GT(audex, 0);
  for (int i = 0; i < 1000 && !std::filesystem::exists(ready); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(std::filesystem::exists(ready));
  ASSERT_GE(ProcessesWith(marker), 1);
  kill(audex, SIGKILL);
  int status = 0;
  waitpid(audex, &status, 0);
  const auto killed = std::chrono::steady_clock::now();
  while (ProcessesWith(marker) > 0 &&
         std::chrono::steady_clock::now() - killed < std::chrono::seconds(1)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(ProcessesWith(marker), 0) << "the command outlived Audex by a second";
  std::filesystem::remove(ready);
}

// Where the kernel refuses user namespaces (here: a limit of 0 in a user
// namespace of the test's own, which binds every namespace below it), the
// command runs without the sandbox and the caller is told why, before it
// starts.
TEST_F(Sandboxed, AKernelThatRefusesNamespacesRunsTheCommandWithoutAndSaysWhy) {
  const std::string ran = (dir_ / "ran").string();
  const pid_t helper = fork();
  if (helper == 0) {
    const std::string uid_map = "0 " + std::to_string(geteuid()) + " 1";
    const std::string gid_map = "0 " + std::to_string(getegid()) + " 1";
    if (unshare(CLONE_NEWUSER) != 0) _exit(10);
    std::ofstream("/proc/self/setgroups") << "deny";
    std::ofstream("/proc/self/uid_map") << uid_map;
    std::ofstream("/proc/self/gid_map") << gid_map;
    {
      std::ofstream limit("/proc/sys/user/max_user_namespaces");
      limit << "0";
      if (!limit.flush()) _exit(11);
    }
    std::vector<std::string> told;
    auto outcome =
        RunChild({"sh", "-c", "touch '" + ran + "'"}, BasicEnvironment(), &kNothingHidden,
                 [&told](const std::string& reason) { told.push_back(reason); });
    if (!outcome || outcome->exit_code != 0) _exit(12);
    if (told.size() != 1 || told[0].find("no more user namespaces") == std::string::npos) _exit(13);
    if (outcome->sandbox_refused != told[0]) _exit(14);
    if (ProbeSandbox().available) _exit(15);
    _exit(0);
  }
  ASSERT_GT(helper, 0);
  int status = 0;
  ASSERT_EQ(waitpid(helper, &status, 0), helper);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: unshare, 11: limit, 12: run, 13: told, 14: outcome, "
                                       "15: probe";
  EXPECT_TRUE(std::filesystem::exists(ran));
}

}  // namespace
}  // namespace audex
