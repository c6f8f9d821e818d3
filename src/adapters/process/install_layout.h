// Where Audex finds its own helper files (the loopback endpoint modules and
// audex-sandbox): beside the running executable, as a build tree has them,
// or in ../lib/audex/ from its folder, as `cmake --install` and the .deb put
// them (PREFIX/bin/tryaudex, PREFIX/lib/audex/). Never a path compiled in
// for an executable outside its build tree: a copied or installed tryaudex
// must not run code from a build directory that may since have changed or
// belong to someone else.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace audex {

// The places to look for `file_name`, in order, for an executable at
// `executable`: its folder, then ../lib/audex/; then `built_path` (where
// this build wrote the file; may be null) only when `executable` lies
// inside that build tree (the folder holding `built_path`), as tests and
// benchmarks in build/tests/ do.
std::vector<std::filesystem::path> HelperCandidates(const std::filesystem::path& executable,
                                                    std::string_view file_name,
                                                    const char* built_path);

// The running executable (/proc/self/exe); empty when /proc is not mounted.
std::filesystem::path ThisExecutable();

struct HelperSearch {
  std::optional<std::filesystem::path> found;  // the first candidate that exists
  std::string tried;                           // the candidates looked at, comma-separated
};

// The first of HelperCandidates(ThisExecutable(), ...) that exists.
HelperSearch FindHelper(std::string_view file_name, const char* built_path);

}  // namespace audex
