// Man pages for tryaudex, one per command (tryaudex(1), tryaudex-run(1),
// ...), written in roff from the command tree (command_tree.h): the same
// names, flags and help texts as `--help`, so they cannot drift from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace audex {

struct ManPage {
  std::string file_name;  // "tryaudex-run.1"
  std::string roff;
};

// tryaudex(1) and a page for each of its commands, from `tree` (the App of
// tryaudex itself, as CommandTree() makes it). `date` goes into each
// page's title line ("2026-12-06").
std::vector<ManPage> ManPages(const CLI::App& tree, std::string_view date);

// `text` as roff running text: backslashes written as \e and a line that
// would start with a control character ('.' or ') made plain with \&.
std::string RoffText(std::string_view text);

}  // namespace audex
