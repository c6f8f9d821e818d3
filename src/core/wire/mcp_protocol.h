// The parts of the Model Context Protocol (modelcontextprotocol.io/
// specification) that do not depend on which tools a server offers: the
// protocol versions and their negotiation, what each version allows, and
// the shape of a tool result.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace audex {

// Newest first. 2025-03-26 is the only one with JSON-RPC batches (added
// there, removed again in 2025-06-18).
inline const std::vector<std::string>& McpProtocolVersions() {
  static const std::vector<std::string> versions = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                    "2024-11-05"};
  return versions;
}

// Lifecycle, version negotiation: the client's version when the server
// speaks it, else the newest the server speaks (the client then decides
// whether to go on).
std::string NegotiateMcpVersion(const nlohmann::json& requested);

bool McpAllowsBatches(std::string_view version);

// From 2025-11-25 (SEP-1303), arguments that fail a tool's input schema are
// a tool execution error (isError) so the model can correct itself; before,
// they were a JSON-RPC -32602 error.
bool McpInvalidArgumentsAreToolErrors(std::string_view version);

// A tools/call result: `text` as the one text content block, `structured`
// as structuredContent (an object), isError as given.
nlohmann::json McpToolResult(const std::string& text, const nlohmann::json& structured,
                             bool is_error);

}  // namespace audex
