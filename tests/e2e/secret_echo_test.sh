#!/usr/bin/env bash
# "Secrets stay secret" end to end: `tryaudex run`, `mcp` and `intent`
# against a server that refuses every request with the service's own error
# document, its message echoing the secret the request carried (the base
# session token in X-Amz-Security-Token; the x-api-key), as an echoing
# proxy does. No piece of either secret may reach stderr, stdout or any file
# under AUDEX_HOME (session records, the audit log), nor `tryaudex mcp`'s
# replies and its log on stderr.
#
#   bash tests/e2e/secret_echo_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup secret-echo "$@"

# POST / answers as STS does (ErrorResponse XML, HTTP 403 AccessDenied);
# POST /v1/messages as the Anthropic API does (HTTP 401
# authentication_error). Both messages echo the request's secret after
# enough text that it straddles the point where Audex cuts a message.
"$PY" - "$TMP/port" <<'PY' &
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

class Echo(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path.startswith("/v1/messages"):
            status, kind = 401, "application/json"
            body = json.dumps({"type": "error", "error": {
                "type": "authentication_error",
                "message": "." * 280 + self.headers.get("x-api-key", "")}})
        else:
            status, kind = 403, "text/xml"
            body = ("<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
                    + "echoing proxy: " + "." * 300 + " token="
                    + self.headers.get("X-Amz-Security-Token", "")
                    + "</Message></Error><RequestId>echo</RequestId></ErrorResponse>")
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

server = HTTPServer(("127.0.0.1", 0), Echo)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_port))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
PY
kill_at_exit $!
wait_for_file "$TMP/port"
URL="http://127.0.0.1:$(cat "$TMP/port")"

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex"
mkdir -p "$HOME"
unset AWS_PROFILE AWS_DEFAULT_PROFILE AUDEX_ROLE_ARN AWS_ENDPOINT_URL ANTHROPIC_BASE_URL
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ENDPOINT_URL_STS="$URL"
export AWS_ACCESS_KEY_ID=ASIAECHOBASEKEY00000
export AWS_SECRET_ACCESS_KEY=echoBaseSecretAccessKey/0123456789+abcdefgh
# As long as a real session token, longer than any quoted message.
AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEchoEchoSessionToken
while ((${#AWS_SESSION_TOKEN} < 700)); do AWS_SESSION_TOKEN+="/ZyXwVuTs+RqPoNm${#AWS_SESSION_TOKEN}"; done
export AWS_SESSION_TOKEN

# no_piece SECRET FILE...: no 12-character piece of SECRET in any FILE.
no_piece() {
  local secret=$1 at
  shift
  for ((at = 0; at + 12 <= ${#secret}; at += 4)); do
    if grep -rqF -- "${secret:at:12}" "$@"; then
      echo "# found '${secret:at:12}' (offset $at of the secret) in: $(grep -rlF -- "${secret:at:12}" "$@")"
      return 1
    fi
  done
}

# --- run: STS refuses, quoting the base session token -----------------------
"$BIN" run --role-arn arn:aws:iam::123456789012:role/Echo --allow s3:GetObject -- true \
  >"$TMP/run.out" 2>"$TMP/run.err"
rc=$?
check "run fails with the credentials exit code (4)" test "$rc" -eq 4
check "run's error names AccessDenied and shows the token masked" \
  bash -c "grep -q AccessDenied '$TMP/run.err' && grep -qF 'token=****' '$TMP/run.err'"
check "a session record and an audit log were written" \
  bash -c "test -n \"\$(find '$AUDEX_HOME' -type f)\""
check "no piece of the session token in run's stdout, stderr or AUDEX_HOME" \
  no_piece "$AWS_SESSION_TOKEN" "$TMP/run.out" "$TMP/run.err" "$AUDEX_HOME"
check "no piece of the secret key in run's stdout, stderr or AUDEX_HOME" \
  no_piece "$AWS_SECRET_ACCESS_KEY" "$TMP/run.out" "$TMP/run.err" "$AUDEX_HOME"

# --- mcp: audex_run's STS refusal goes to the agent, stderr and the audit ----
printf 'role_arn = "arn:aws:iam::123456789012:role/Echo"\nregion = "us-east-1"\nmcp_allowed_commands = ["true"]\n' \
  >"$AUDEX_HOME/config.toml"
{
  echo '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"echo","version":"0"}}}'
  echo '{"jsonrpc":"2.0","method":"notifications/initialized"}'
  echo '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"audex_run","arguments":{"allow":"s3:GetObject","command":["true"]}}}'
  # stdin stays open until the reply is there (at most 10 s).
  for _ in $(seq 100); do grep -q '"id":2' "$TMP/mcp.out" 2>/dev/null && break; sleep 0.1; done
} | "$BIN" mcp >"$TMP/mcp.out" 2>"$TMP/mcp.err"
check "mcp answers the tool call with the STS refusal" \
  bash -c "grep -q '\"id\":2' '$TMP/mcp.out' && grep -q AccessDenied '$TMP/mcp.out'"
check "mcp logs the failure on stderr" grep -q AccessDenied "$TMP/mcp.err"
check "no piece of the session token in mcp's replies, stderr or AUDEX_HOME" \
  no_piece "$AWS_SESSION_TOKEN" "$TMP/mcp.out" "$TMP/mcp.err" "$AUDEX_HOME"

# --- intent: the Anthropic API refuses, quoting the key ---------------------
export ANTHROPIC_BASE_URL="$URL"
export ANTHROPIC_API_KEY=sk-ant-api03-EchoEchoKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-0123456789AA
"$BIN" intent "read objects from my bucket" >"$TMP/intent.out" 2>"$TMP/intent.err"
rc=$?
check "intent fails (exit $rc) naming authentication_error" \
  bash -c "test $rc -ne 0 && grep -q authentication_error '$TMP/intent.err'"
check "no piece of the API key in intent's stdout, stderr or AUDEX_HOME" \
  no_piece "$ANTHROPIC_API_KEY" "$TMP/intent.out" "$TMP/intent.err" "$AUDEX_HOME"

finish
