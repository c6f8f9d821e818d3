#include "adapters/process/install_layout.h"

#include <system_error>

namespace audex {

std::vector<std::filesystem::path> HelperCandidates(const std::filesystem::path& executable,
                                                    std::string_view file_name,
                                                    const char* built_path) {
  std::vector<std::filesystem::path> candidates;
  if (executable.empty()) return candidates;
  const std::filesystem::path directory = executable.parent_path();
  candidates.push_back(directory / file_name);
  candidates.push_back(directory.parent_path() / "lib" / "audex" / file_name);
  if (built_path != nullptr && *built_path != '\0') {
    const std::filesystem::path build_tree =
        std::filesystem::path(built_path).lexically_normal().parent_path();
    const std::filesystem::path inside =
        directory.lexically_normal().lexically_relative(build_tree);
    if (!inside.empty() && *inside.begin() != "..") candidates.emplace_back(built_path);
  }
  return candidates;
}

std::filesystem::path ThisExecutable() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : self;
}

HelperSearch FindHelper(std::string_view file_name, const char* built_path) {
  HelperSearch search;
  for (const std::filesystem::path& candidate :
       HelperCandidates(ThisExecutable(), file_name, built_path)) {
    std::error_code ignored;
    if (std::filesystem::exists(candidate, ignored)) {
      search.found = candidate;
      return search;
    }
    search.tried += (search.tried.empty() ? "" : ", ") + candidate.string();
  }
  if (search.tried.empty()) search.tried = "nowhere: /proc/self/exe cannot be read";
  return search;
}

}  // namespace audex
