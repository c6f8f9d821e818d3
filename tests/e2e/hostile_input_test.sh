#!/usr/bin/env bash
# Input an attacker controls, quoted back in an error, through the built
# binary (issue 15, "the holes found"): control characters in flags, config
# files and MCP arguments reach the terminal as \xHH, never as an escape
# sequence or a faked line; --region is checked the same in --dry-run as in
# a real run; a role ARN whose account is not 12 digits is refused. Needs no
# cloud: every case fails before any call.
#
#   bash tests/e2e/hostile_input_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup hostile-input "$@"

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" LC_ALL=C
export AWS_ACCESS_KEY_ID=AKIAHOSTILEINPUT0000 AWS_SECRET_ACCESS_KEY=not-used
# Nothing may reach a real endpoint: a closed loopback port answers first.
export AWS_ENDPOINT_URL=http://127.0.0.1:9
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION AUDEX_AGENT_ID
mkdir -p "$HOME" "$AUDEX_HOME"
chmod 700 "$AUDEX_HOME"
ROLE=arn:aws:iam::123456789012:role/AudexRole
ESC=$'\e'
SEQ=$'\e[2J\e[31m'

# no_raw_control FILE: FILE has no byte below 0x20 other than newline, and
# no DEL (the escape sequences were written out as \xHH).
no_raw_control() {
  ! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$1"
}
# one_line FILE: the error took exactly one line (a newline in the input did
# not start a second, faked one).
one_line() {
  test "$(wc -l <"$1")" -eq 1
}

# --- flags ---------------------------------------------------------------------
"$BIN" run --dry-run --role-arn "$ROLE" --allow "s3:Get${SEQ}Object" -- true \
  >/dev/null 2>"$TMP/allow.err"
rc=$?
check "an --allow with an escape sequence: refused (exit $rc), quoted as \\x1b" \
  bash -c "test $rc -ne 0 && grep -qF 's3:Get\\x1b[2J\\x1b[31mObject' '$TMP/allow.err'"
check "... and no raw control byte reaches stderr" no_raw_control "$TMP/allow.err"

"$BIN" run --dry-run --role-arn $'arn:aws:iam::123456789012:role/R\ntryaudex: note: all fine' \
  --allow s3:GetObject -- true >/dev/null 2>"$TMP/role-newline.err"
rc=$?
check "a --role-arn with a newline: exit 2 on one line, the newline as \\x0a" \
  bash -c "test $rc -eq 2 && grep -qF 'role/R\\x0atryaudex: note' '$TMP/role-newline.err'"
check "... no second line was faked" one_line "$TMP/role-newline.err"

"$BIN" "sessi${SEQ}ons" >/dev/null 2>"$TMP/command.err"
rc=$?
check "an unknown command with an escape sequence: exit 2, escaped" \
  bash -c "test $rc -eq 2 && grep -qF 'sessi\\x1b[2J' '$TMP/command.err'"
check "... no raw control byte" no_raw_control "$TMP/command.err"

"$BIN" run --dry-run --role-arn "$ROLE" --allow s3:GetObject --ttl "1h${ESC}[8m" -- true \
  >/dev/null 2>"$TMP/ttl.err"
check "a --ttl with an escape sequence: no raw control byte in the error" \
  no_raw_control "$TMP/ttl.err"

# --- config files ----------------------------------------------------------------
mkdir -p "$TMP/bad-config" && chmod 700 "$TMP/bad-config"
printf 'role_arn = "arn:aws:iam::123456789012:role/\\u001b[2J"\nttl = "2h\\u001b]0;owned\\u0007"\n' \
  >"$TMP/bad-config/config.toml"
AUDEX_HOME="$TMP/bad-config" "$BIN" run --dry-run --allow s3:GetObject -- true \
  >/dev/null 2>"$TMP/config.err"
rc=$?
check "config.toml values with control characters: refused with exit 2 ($rc), escaped" \
  bash -c "test $rc -eq 2 && grep -qF '\\x1b' '$TMP/config.err'"
check "... no raw control byte" no_raw_control "$TMP/config.err"

# --- --region: the same check with and without --dry-run -------------------------
# Without an endpoint override: a name that is not shaped like a region has
# no STS endpoint, and both refuse it while planning, with the same words.
for region in "US-EAST-1" "us-east-1${SEQ}" "eu west 1" "-" "us-east-1-" "a" "useast1"; do
  env -u AWS_ENDPOINT_URL "$BIN" run --dry-run --role-arn "$ROLE" --allow s3:GetObject \
    --region "$region" -- true >/dev/null 2>"$TMP/region-dry.err"
  dry=$?
  env -u AWS_ENDPOINT_URL "$BIN" run --role-arn "$ROLE" --allow s3:GetObject \
    --region "$region" -- true >/dev/null 2>"$TMP/region-run.err"
  real=$?
  shown=$(printf '%q' "$region")
  check "--region $shown: refused with exit 2 in --dry-run ($dry) as in a run ($real)" \
    bash -c "test $dry -eq 2 && test $real -eq 2 && grep -q 'not an AWS region' '$TMP/region-dry.err' &&
      cmp -s '$TMP/region-dry.err' '$TMP/region-run.err'"
done
# Behind an endpoint override the region is that server's signing scope.
"$BIN" run --dry-run --role-arn "$ROLE" --allow s3:GetObject --region default -- true \
  >/dev/null 2>"$TMP/region-override.err"
check "--region default with AWS_ENDPOINT_URL set (a Ceph zonegroup): accepted" test $? -eq 0

# --- role ARNs whose account is not 12 digits -------------------------------------
for arn in arn:aws:iam::123:role/AudexRole arn:aws:iam::1234567890123:role/AudexRole; do
  for dry in --dry-run ""; do
    "$BIN" run $dry --role-arn "$arn" --allow s3:GetObject -- true >/dev/null 2>"$TMP/arn.err"
    rc=$?
    check "--role-arn $arn ${dry:-(a real run)}: exit 2, not a 12-digit account" \
      bash -c "test $rc -eq 2 && grep -q 'not a 12-digit AWS account ID' '$TMP/arn.err'"
  done
done

# --- MCP: tool errors and protocol errors -----------------------------------------
printf 'role_arn = "%s"\nmcp_allowed_commands = ["true"]\n' "$ROLE" >"$AUDEX_HOME/config.toml"
"$PY" - "$BIN" "$TMP/mcp.out" <<'PY' 2>"$TMP/mcp.err"
import json, subprocess, sys
lines = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize",
     "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "hostile-input-test", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
     "params": {"name": "audex_run", "arguments": {
         "command": ["true"], "allow": "s3:Get\u001b[2JObject"}}},
    {"jsonrpc": "2.0", "id": 4, "method": "tools/call",
     "params": {"name": "audex_\u001b[31mrun", "arguments": {}}},
    {"jsonrpc": "2.0", "id": 5, "method": "tools/\u001b[2Jlist"},
]
text = "".join(json.dumps(line) + "\n" for line in lines)
out = subprocess.run([sys.argv[1], "mcp"], input=text, capture_output=True, text=True,
                     timeout=60).stdout
open(sys.argv[2], "w").write(out)
PY
check "MCP: errors quoting an agent's arguments carry no control character" \
  "$PY" - "$TMP/mcp.out" <<'PY'
import json, sys
replies = {r["id"]: r for r in map(json.loads, open(sys.argv[1]).read().splitlines())}
tool = replies[3]["result"]
assert tool.get("isError"), tool
texts = [c["text"] for c in tool["content"]]
texts += [tool.get("structuredContent", {}).get("error", "")]
texts += [replies[4]["error"]["message"], replies[5]["error"]["message"]]
for text in texts:
    assert not any(ord(c) < 0x20 or ord(c) == 0x7f for c in text), repr(text)
assert "s3:Get\\x1b[2JObject" in texts[0], texts[0]
assert "audex_\\x1b[31mrun" in replies[4]["error"]["message"], replies[4]
assert "tools/\\x1b[2Jlist" in replies[5]["error"]["message"], replies[5]
PY

# A 2.3 MB batch (protocol 2025-03-26, the one with batches) drew a 173 MB
# reply, one error per entry; now one short error, and the server goes on.
"$PY" - "$BIN" "$TMP/batch.out" <<'PY' 2>"$TMP/batch.err"
import json, subprocess, sys
hello = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-03-26", "capabilities": {},
                    "clientInfo": {"name": "batch-test", "version": "1"}}}
batch = "[" + ",".join(["1"] * 1_150_000) + "]"
tools = [{"jsonrpc": "2.0", "id": 10 + i, "method": "tools/list"} for i in range(100)]
text = "\n".join([json.dumps(hello), json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
                  batch, json.dumps(tools), json.dumps({"jsonrpc": "2.0", "id": 2, "method": "ping"})]) + "\n"
out = subprocess.run([sys.argv[1], "mcp"], input=text, capture_output=True, text=True,
                     timeout=120).stdout
open(sys.argv[2], "w").write(out)
PY
check "MCP: a 2.3 MB batch gets one reply line under 1 KB, and the server answers on" \
  "$PY" - "$TMP/batch.out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 4, [len(l) for l in lines]
assert len(lines[1]) < 1024, len(lines[1])
assert json.loads(lines[1])["error"]["code"] == -32600, lines[1][:200]
tools = json.loads(lines[2])
assert len(tools) == 100 and all("result" in r for r in tools), lines[2][:200]
assert len(lines[2]) < 4 * 1024 * 1024 + 256 * 1024, len(lines[2])
assert json.loads(lines[3])["id"] == 2, lines[3]
PY

finish
