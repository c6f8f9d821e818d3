// A progress line: how a long wait is going (CloudTrail's delivery, the
// policies of a large role, the store's migrations) on one line of stderr,
// rewritten in place, shown only where a person watches it: when stderr is
// a terminal and the user did not ask for --quiet. A pipe or a log file
// gets nothing, so the output scripts read stays as it was.
#pragma once

#include <string>
#include <string_view>

namespace audex {

// True when progress should be shown on `fd`: it is a terminal and not
// `quiet`.
bool ProgressShownOn(int fd, bool quiet);

class ProgressLine {
 public:
  // Writes to `fd` (stderr), when `shown`; otherwise every call does nothing.
  ProgressLine(int fd, bool shown) : fd_(fd), shown_(shown) {}
  ~ProgressLine() { Clear(); }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool shown() const { return shown_; }

  // Replaces the line with `text` ("tryaudex: ..."; cut at the first
  // newline, control characters escaped).
  void Update(std::string_view text);
  // Erases the line, so that the next output starts on a clean line.
  void Clear();

 private:
  int fd_;
  bool shown_;
  bool visible_ = false;  // a line is on the screen now
};

}  // namespace audex
