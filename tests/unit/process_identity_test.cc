// Naming a process by pid and start time (adapters/process/process_identity.h):
// the /proc/PID/stat parser, and this process and a finished one as /proc
// shows them.
#include "adapters/process/process_identity.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace audex {
namespace {

// A line as the kernel writes it (proc(5)): 52 fields.
std::string StatLine(const std::string& name, const std::string& state, uint64_t start) {
  std::string line = "4242 (" + name + ") " + state;
  for (int field = 4; field <= 52; ++field) {
    line += " " + (field == 22 ? std::to_string(start) : std::to_string(field));
  }
  return line + "\n";
}

TEST(ProcessIdentity, ReadsTheStartTimeAfterTheCommandName) {
  EXPECT_EQ(StartTicksFromStat(StatLine("tryaudex", "S", 123456789)), 123456789u);
  // A name may hold spaces and parentheses: fields count from its last ')'.
  EXPECT_EQ(StartTicksFromStat(StatLine("a) b (c) 1 2 3", "R", 77)), 77u);
  EXPECT_EQ(StateFromStat(StatLine("x) Z (y", "S", 1)), 'S');
  EXPECT_EQ(StateFromStat(StatLine("sh", "Z", 1)), 'Z');
}

TEST(ProcessIdentity, RefusesLinesWithoutTheField) {
  EXPECT_FALSE(StartTicksFromStat(""));
  EXPECT_FALSE(StartTicksFromStat("4242 (sh) S 1 2 3"));
  EXPECT_FALSE(StartTicksFromStat("4242 sh S"));
  std::string line = StatLine("sh", "S", 987654);
  line.replace(line.find(" 987654 "), 8, " 98x654 ");
  EXPECT_FALSE(StartTicksFromStat(line));
}

TEST(ProcessIdentity, ThisProcessRunsAndAFinishedOneDoesNot) {
  const auto self = ThisProcess();
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(self->pid, static_cast<int>(::getpid()));
  EXPECT_TRUE(ProcessRunning(*self));
  // The same pid with another start time is another process.
  EXPECT_FALSE(ProcessRunning(SessionOwner{self->pid, self->start_ticks + 1}));

  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_FALSE(ProcessRunning(SessionOwner{static_cast<int>(child), 0}));
}

}  // namespace
}  // namespace audex
