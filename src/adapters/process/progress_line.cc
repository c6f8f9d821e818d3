#include "adapters/process/progress_line.h"

#include <unistd.h>

#include "core/base/text.h"

namespace audex {
namespace {

// ECMA-48: CR goes back to the start of the line, CSI K erases to its end.
constexpr std::string_view kEraseLine = "\r\x1b[K";

void WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t written = ::write(fd, text.data(), text.size());
    if (written <= 0) return;  // a closed terminal: progress is not worth an error
    text.remove_prefix(static_cast<size_t>(written));
  }
}

}  // namespace

bool ProgressShownOn(int fd, bool quiet) { return !quiet && ::isatty(fd) == 1; }

void ProgressLine::Update(std::string_view text) {
  if (!shown_) return;
  text = text.substr(0, text.find('\n'));
  // What the engine reports may quote a server: no control characters.
  WriteAll(fd_, std::string(kEraseLine) + EscapeControl(text));
  visible_ = true;
}

void ProgressLine::Clear() {
  if (!shown_ || !visible_) return;
  WriteAll(fd_, kEraseLine);
  visible_ = false;
}

}  // namespace audex
