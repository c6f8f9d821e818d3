// The MCP server (`tryaudex mcp`): the Model Context Protocol over stdio
// for AI agents — the lifecycle (initialize, initialized, ping), tools/list
// and tools/call over core/wire/jsonrpc.h — with tools that run commands
// under scoped credentials (audex_run), learn what a command needs
// (audex_learn), and show sessions and policies. Every tool calls the
// engine and the catalog for values, checks the guard rails of
// core/plan/mcp_guard.h first, and audits each call.
#pragma once

#include <iosfwd>

#include "core/base/result.h"
#include "session/world.h"

namespace audex {

// Reads one JSON-RPC message per line from `in` and writes each reply as a
// line to `out` until `in` ends; logs one line per call on `log`. A broken
// configuration is an error at once, before anything is read.
Result<void> ServeMcp(const World& world, std::istream& in, std::ostream& out, std::ostream& log);

}  // namespace audex
