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

BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
NPM_DIR="$(cd "$2" && pwd)"
NODE="${3:-node}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PY=$(python3 -c 'import sys; print(sys.executable)')
TMP="$(mktemp -d "${TMPDIR:-/tmp}/audex-mcp-moto.XXXXXX")"
CLOUD="$TMP/cloud"
cleanup() {
  "$ROOT/scripts/local-cloud" moto stop "$CLOUD" >/dev/null 2>&1
  rm -rf "$TMP"
}
trap cleanup EXIT

if [ ! -f "$NPM_DIR/node_modules/@modelcontextprotocol/sdk/package.json" ]; then
  echo "not ok - the MCP client SDK is installed in $NPM_DIR (build the audex_mcp_client_sdk target)"
  echo "0 passed, 1 failed"
  exit 1
fi

# --- moto with SigV4 and IAM checks after the five setup calls ----------------
if ! "$ROOT/scripts/local-cloud" moto start --auth 5 "$CLOUD" >"$TMP/moto.log" 2>&1; then
  cat "$TMP/moto.log"
  echo "not ok - moto starts"
  echo "0 passed, 1 failed"
  exit 1
fi
set -a
. "$CLOUD/moto.env"
set +a

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" AWS_ENDPOINT_URL="$MOTO_URL"
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
mkdir -p "$HOME" "$AUDEX_HOME"
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AUDEX_AGENT_ID
aws_setup() {
  AWS_ACCESS_KEY_ID=AKIASETUPSETUPSETUP0 AWS_SECRET_ACCESS_KEY=setup aws --output json "$@"
}
aws_setup iam create-user --user-name audex-tester >/dev/null
read -r BASE_KEY BASE_SECRET < <(aws_setup iam create-access-key --user-name audex-tester |
  "$PY" -c 'import json,sys; k=json.load(sys.stdin)["AccessKey"]; print(k["AccessKeyId"], k["SecretAccessKey"])')
aws_setup iam put-user-policy --user-name audex-tester --policy-name all \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
aws_setup iam create-role --role-name AudexRole --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/audex-tester"},"Action":"sts:AssumeRole"}]}' >/dev/null
aws_setup iam put-role-policy --role-name AudexRole --policy-name s3 \
  --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
export AWS_ACCESS_KEY_ID=$BASE_KEY AWS_SECRET_ACCESS_KEY=$BASE_SECRET
export AUDEX_E2E_TMP="$TMP" AUDEX_E2E_ROLE=arn:aws:iam::123456789012:role/AudexRole

# The client script is run from NPM_DIR so that its imports find the SDK.
cp "$ROOT/tests/mcp/mcp_client_test.mjs" "$NPM_DIR/mcp_client_test.mjs"
"$NODE" "$NPM_DIR/mcp_client_test.mjs" "$BIN"
