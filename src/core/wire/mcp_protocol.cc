// Model Context Protocol versions and tool results (mcp_protocol.h).
#include "core/wire/mcp_protocol.h"

#include <algorithm>

namespace audex {

std::string NegotiateMcpVersion(const nlohmann::json& requested) {
  const std::vector<std::string>& versions = McpProtocolVersions();
  if (requested.is_string() &&
      std::find(versions.begin(), versions.end(), requested.get<std::string>()) != versions.end()) {
    return requested.get<std::string>();
  }
  return versions.front();
}

bool McpAllowsBatches(std::string_view version) { return version == "2025-03-26"; }

bool McpInvalidArgumentsAreToolErrors(std::string_view version) {
  // Dates in ISO form compare as strings.
  return version >= std::string_view("2025-11-25");
}

nlohmann::json McpToolResult(const std::string& text, const nlohmann::json& structured,
                             bool is_error) {
  nlohmann::json result{{"content", nlohmann::json::array({{{"type", "text"}, {"text", text}}})},
                        {"isError", is_error}};
  if (structured.is_object()) result["structuredContent"] = structured;
  return result;
}

}  // namespace audex
