// What both build-time generators (catalog_gen.cc, service_model_gen.cc) do
// with files: read a package's JSON, and write a generated source only when
// its text changed, so that an unchanged catalog rebuilds nothing. They run
// on the build host and report a problem by throwing.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace audex::gen {

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline nlohmann::json ReadJson(const std::filesystem::path& path) {
  try {
    return nlohmann::json::parse(ReadFile(path));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path.string() + ": " + e.what());
  }
}

// ASCII lower case (the packages' names are ASCII).
inline std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Writes `content` to `path` through a temporary file and rename(2), unless
// the file already holds exactly that.
inline void WriteIfChanged(const std::filesystem::path& path, const std::string& content) {
  std::error_code ignored;
  if (std::filesystem::exists(path, ignored)) {
    try {
      if (ReadFile(path) == content) return;
    } catch (const std::exception&) {
      // unreadable: rewrite it below
    }
  }
  const std::filesystem::path temporary = path.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out) throw std::runtime_error("cannot write " + temporary.string());
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace audex::gen
