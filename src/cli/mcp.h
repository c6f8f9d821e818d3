// `tryaudex mcp`: a Model Context Protocol server on stdin/stdout, so that
// an AI agent asks Audex to run a command with scoped credentials instead of
// holding keys. Tools: audex_run, audex_sessions, audex_policies. Guard
// rails come from config.toml (core/mcp_guard.h). stdout carries protocol
// messages only; logging goes to stderr.
#pragma once

#include <iosfwd>

#include "cli/cli_context.h"

namespace CLI {
class App;
}

namespace audex {

struct McpOptions {};  // none yet: the client's config starts `tryaudex mcp`

void AddMcpCommand(CLI::App& app, McpOptions& options);

// Serves messages from `in` (one per line) until it ends; replies go to
// context.out. Exits 0 when the client closes the stream, 2 when the
// configuration cannot be loaded at start.
Result<int> RunMcp(const McpOptions& options, const CliContext& context, std::istream& in);

}  // namespace audex
