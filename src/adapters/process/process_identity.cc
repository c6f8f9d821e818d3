#include "adapters/process/process_identity.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace audex {
namespace {

// The fields after the command name: field 3 is the first.
std::optional<std::string_view> AfterName(std::string_view stat) {
  const size_t close = stat.rfind(')');
  if (close == std::string_view::npos || close + 2 > stat.size()) return std::nullopt;
  return stat.substr(close + 2);
}

std::optional<std::string> ReadStat(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<uint64_t> StartTicksFromStat(std::string_view stat) {
  auto rest = AfterName(stat);
  if (!rest) return std::nullopt;
  // Field 3 is the first of `rest`: field 22 is its 20th word.
  size_t start = 0;
  for (int field = 3; field < 22; ++field) {
    start = rest->find(' ', start);
    if (start == std::string_view::npos) return std::nullopt;
    ++start;
  }
  uint64_t ticks = 0;
  const char* first = rest->data() + start;
  const char* last = rest->data() + rest->size();
  const auto [end, error] = std::from_chars(first, last, ticks);
  if (error != std::errc() || end == first || (end != last && *end != ' ')) return std::nullopt;
  return ticks;
}

std::optional<char> StateFromStat(std::string_view stat) {
  auto rest = AfterName(stat);
  if (!rest || rest->empty()) return std::nullopt;
  return rest->front();
}

std::optional<SessionOwner> ThisProcess() {
  const int pid = static_cast<int>(::getpid());
  auto stat = ReadStat(pid);
  if (!stat) return std::nullopt;
  auto ticks = StartTicksFromStat(*stat);
  if (!ticks) return std::nullopt;
  return SessionOwner{pid, *ticks};
}

bool ProcessRunning(const SessionOwner& owner) {
  struct stat proc {};
  if (::stat("/proc/self/stat", &proc) != 0) return true;  // no /proc: cannot tell
  auto stat = ReadStat(owner.pid);
  if (!stat) return false;
  const auto state = StateFromStat(*stat);
  if (state == 'Z' || state == 'X') return false;
  return StartTicksFromStat(*stat) == owner.start_ticks;
}

}  // namespace audex
