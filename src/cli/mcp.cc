// `tryaudex mcp`: the MCP server (server/mcp/) on this process's stdio.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/command.h"
#include "core/base/exit_codes.h"
#include "server/mcp/mcp_server.h"

namespace audex {

CommandSpec McpCommand() {
  return {"mcp",
          "Serve the Model Context Protocol on stdio so AI agents can run commands with scoped "
          "credentials (see README: MCP)",
          false, [](CLI::App&) -> CommandRunner {
            return [](const Invocation& call) -> Result<int> {
              auto served =
                  ServeMcp(call.context.world, std::cin, call.context.out, call.context.err);
              if (!served) return tl::unexpected(served.error());
              return kExitOk;
            };
          }};
}

}  // namespace audex
