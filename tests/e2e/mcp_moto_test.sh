#!/usr/bin/env bash
# `tryaudex mcp` end to end: the official MCP client SDK (tests/mcp, npm)
# starts the server as Claude Code would and calls its tools against a real
# moto server with SigV4 checking on; raw JSON-RPC lines cover what no SDK
# sends. The checks themselves are in tests/mcp/mcp_client_test.mjs.
#
#   bash tests/e2e/mcp_moto_test.sh path/to/tryaudex NPM_DIR [NODE]
# NPM_DIR holds node_modules with the SDK (the build's audex_mcp_client_sdk
# target installs it there from tests/mcp/package-lock.json).
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup mcp-moto "$@"
NPM_DIR="$(cd "${2:-.}" && pwd)"
NODE="${3:-node}"
need_tool "$NODE" "scripts/setup installs nodejs"

if [ ! -f "$NPM_DIR/node_modules/@modelcontextprotocol/sdk/package.json" ]; then
  abort "the MCP client SDK is installed in $NPM_DIR (build the audex_mcp_client_sdk target)"
fi

# --- moto with SigV4 and IAM checks after the five setup calls ----------------
start_moto --auth 5
mkdir -p "$AUDEX_HOME"
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AUDEX_AGENT_ID
setup_moto_user_and_role AudexRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
export AUDEX_E2E_TMP="$TMP" AUDEX_E2E_ROLE="$ROLE"

# The client script is run from NPM_DIR so that its imports find the SDK.
cp "$ROOT/tests/mcp/mcp_client_test.mjs" "$ROOT/tests/e2e/tap.mjs" "$NPM_DIR/"
"$NODE" "$NPM_DIR/mcp_client_test.mjs" "$BIN"
