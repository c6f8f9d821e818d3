// audex-docgen: writes tryaudex's man pages and shell completion scripts
// from its command tree at build time (src/cli/CMakeLists.txt), so the
// installed ones match the binary. Not installed.
// Usage: audex-docgen OUTPUT_DIR DATE
#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "cli/command_tree.h"
#include "cli/completion.h"
#include "cli/man_page.h"

namespace {

bool Write(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "audex-docgen: cannot write " << file.string() << '\n';
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: audex-docgen OUTPUT_DIR DATE\n";
    return 2;
  }
  const std::filesystem::path output = argv[1];
  const auto tree = audex::CommandTree();
  bool ok = true;
  for (const audex::ManPage& page : audex::ManPages(*tree, argv[2])) {
    ok = Write(output / "man" / page.file_name, page.roff) && ok;
  }
  // The names the shells look for (bash-completion, zsh's fpath, fish's
  // vendor_completions.d).
  ok = Write(output / "completions" / "tryaudex",
             audex::CompletionScript(*tree, audex::Shell::kBash)) &&
       ok;
  ok = Write(output / "completions" / "_tryaudex",
             audex::CompletionScript(*tree, audex::Shell::kZsh)) &&
       ok;
  ok = Write(output / "completions" / "tryaudex.fish",
             audex::CompletionScript(*tree, audex::Shell::kFish)) &&
       ok;
  return ok ? 0 : 1;
}
