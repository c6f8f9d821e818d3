#!/usr/bin/env bash
# Approvals, break-glass, the webhook and audited server-policy changes on
# the team server (issue 17 item 3), end to end with real parts: moto as STS
# with SigV4 checking on (its request recorder counts the AssumeRole calls),
# tryaudex-server on a SQLite store, the aws CLI as the child, and a
# loopback webhook receiver (python http.server on 127.0.0.1):
#   - a risky profile gets 202; no AssumeRole reaches moto until two
#     distinct approvers, neither the requester, have approved; the
#     requester approving is refused naming policies.prod.approval.self
#   - the credentials' Expiration is counted from the approval (± 5 s)
#   - deny ends the request; a pending request expires (janitor)
#   - break-glass issues at once and shows in `requests review`, which marks
#     it reviewed
#   - `tryaudex run --server ... -- aws sts get-caller-identity` waits for the
#     approvals, then runs
#   - the webhook receiver sees each event as Slack-shaped JSON and never
#     the issued secret key or a credentials token
#   - a server.toml edit + SIGHUP is audited as server_policy_changed with
#     the old and new text
#
#   bash tests/e2e/team_approvals_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup team-approvals "$@"
need_tool aws "pip's awscli is on the machine image"
need_tool curl "the machine image has it"
# moto's request recorder (which counts the AssumeRole calls) writes its
# file in its working directory unless told otherwise.
export MOTO_RECORDER_FILEPATH="$TMP/moto_recording"
start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AUDEX_SERVER AUDEX_SERVER_TOKEN
setup_moto_user_and_role AudexTeamRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'

# --- the webhook receiver ---------------------------------------------------------
cat >"$TMP/hook.py" <<'PY'
import http.server, sys
out, port_file = sys.argv[1], sys.argv[2]
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(out, "ab") as f:
            f.write(self.path.encode() + b" " + body.replace(b"\n", b" ") + b"\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
PY
: >"$TMP/hooks.txt"
"$PY" "$TMP/hook.py" "$TMP/hooks.txt" "$TMP/hook.port" &
kill_at_exit $!
wait_for_file "$TMP/hook.port" 10 || abort "the webhook receiver starts"
HOOK_URL="http://127.0.0.1:$(cat "$TMP/hook.port")/services/T000/B000/SECRETPATH"

# --- the server -------------------------------------------------------------------
mkdir -p "$TMP/etc" "$TMP/state"
write_config() {  # write_config [EXTRA TOML]
  cat >"$TMP/etc/server.toml" <<EOF
listen = "127.0.0.1:0"
store = "sqlite://$TMP/state/team.db"
state_dir = "$TMP/state"
role_arn = "$ROLE"
region = "us-east-1"
deny = ["iam:*"]
sts_cache = false
issuing_timeout = "2s"

[webhook]
url = "$HOOK_URL"
timeout = "2s"

[policies.prod]
actions = ["s3:*", "sts:GetCallerIdentity"]
max_ttl = "1h"
approval = { approvals = 2, groups = ["sec", "platform"], pending_ttl = "1h", break_glass = true }

[policies.quick]
actions = ["s3:*"]
approval = { approvals = 1, groups = ["sec"], pending_ttl = "3s" }

[policies.people]
actions = ["s3:Get*"]

[policies.ops]
actions = ["*"]
admin = true
$1
EOF
  chmod 600 "$TMP/etc/server.toml"
}
write_config ""
CONF="$TMP/etc/server.toml"
"$BIN" server migrate --config "$CONF" >"$TMP/migrate.out" 2>&1 || abort "server migrate"
newtoken() { "$BIN" server token create --config "$CONF" --name "$1" --policy "$2" "${@:3}" 2>/dev/null; }
DEV=$(newtoken dev prod --group sec)  # in sec, and still never their own approver
ALICE=$(newtoken alice people --group sec)
BOB=$(newtoken bob people --group platform)
CAROL=$(newtoken carol people --group finance)
QUICK=$(newtoken quickdev quick)
OPS=$(newtoken ops ops)
check "tokens with groups" test -n "$DEV" -a -n "$ALICE" -a -n "$BOB" -a -n "$OPS"
"$BIN" server token list --config "$CONF" --json >"$TMP/tokens.json"
check "token list shows a token's groups" "$PY" -c '
import json, sys
tokens = {t["name"]: t for t in json.load(open(sys.argv[1]))}
assert tokens["alice"]["groups"] == ["sec"] and tokens["ops"]["groups"] == [], tokens' "$TMP/tokens.json"

"$BIN" server --config "$CONF" --ready-file "$TMP/server.ready" 2>"$TMP/server.log" &
SERVER_PID=$!
kill_at_exit "$SERVER_PID"
wait_for_file "$TMP/server.ready" 15 || { cat "$TMP/server.log"; abort "the server starts"; }
URL=$(head -1 "$TMP/server.ready")
export AUDEX_SERVER="$URL"

field() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }
ask() {  # ask TOKEN BODY OUT -> HTTP status
  curl -s -o "$3" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' --data-binary "$2" "$URL/v1/grants"
}
fetch() {  # fetch REPLY_JSON OUT -> HTTP status of the grant's credentials endpoint
  curl -s -o "$2" -w '%{http_code}' -H "Authorization: $(field "$1" '["credentials_token"]')" \
    "$URL$(field "$1" '["credentials_url"]')"
}
requests() {  # requests TOKEN ARGS... (the CLI, as that caller)
  local token=$1
  shift
  AUDEX_SERVER_TOKEN="$token" "$BIN" requests "$@"
}
# AssumeRole calls moto received since record_start (its request recorder).
record_start() {
  curl -s -X POST "$MOTO_URL/moto-api/recorder/reset-recording" >/dev/null
  curl -s -X POST "$MOTO_URL/moto-api/recorder/start-recording" >/dev/null
}
assume_calls() {
  curl -s "$MOTO_URL/moto-api/recorder/download-recording" | "$PY" -c '
import base64, json, sys, urllib.parse
decoder, n = json.JSONDecoder(), 0
for line in sys.stdin:
    line = line.strip()
    while line:
        r, end = decoder.raw_decode(line)
        line = line[end:].strip()
        body = r.get("body") or ""
        if r.get("body_encoded") and body:
            body = base64.b64decode(body).decode("utf-8", "replace")
        n += urllib.parse.parse_qs(body).get("Action", []).count("AssumeRole")
print(n)'
}

# --- a risky grant waits for two approvals ---------------------------------------------
record_start
status=$(ask "$DEV" '{"allow":"s3:ListAllMyBuckets,sts:GetCallerIdentity","ttl":"20m","reason":"hotfix 1234"}' "$TMP/ask.json")
check "a grant under policies.prod answers 202 with a request id" \
  bash -c "test $status = 202 && grep -q '\"request_id\"' '$TMP/ask.json'"
REQ=$(field "$TMP/ask.json" '["request_id"]')
GRANT=$(field "$TMP/ask.json" '["grant_id"]')
check "its credentials endpoint answers 202 while it waits" test "$(fetch "$TMP/ask.json" "$TMP/wait.json")" = 202
check "no AssumeRole reached moto after the request" test "$(assume_calls)" = 0

requests "$DEV" approve "$REQ" >"$TMP/self.out" 2>"$TMP/self.err"
SELF_RC=$?
check "the requester approving is refused: exit 4 naming policies.prod.approval.self" \
  bash -c "test $SELF_RC = 4 && grep -q 'policies.prod.approval.self' '$TMP/self.err'"
requests "$CAROL" approve "$REQ" >/dev/null 2>"$TMP/carol.err"
check "a caller in no named group is refused naming policies.prod.approval.groups" \
  bash -c "test $? = 4 && grep -q 'policies.prod.approval.groups' '$TMP/carol.err'"
requests "$ALICE" list --status pending >"$TMP/list.out" 2>&1
check "requests list shows the pending request to an approver" grep -q "$REQ" "$TMP/list.out"
requests "$ALICE" approve "$REQ" --reason "matches ticket 1234" >"$TMP/a1.out" 2>"$TMP/a1.err"
check "the first approver: recorded, 1 of 2" bash -c "test $? = 0 && grep -q '(1 of 2)' '$TMP/a1.out'"
requests "$ALICE" approve "$REQ" >/dev/null 2>"$TMP/a1b.err"
check "the same approver again is refused (exit 2, policies.prod.approval.once)" \
  bash -c "test $? = 2 && grep -q 'policies.prod.approval.once' '$TMP/a1b.err'"
check "still no AssumeRole after one approval, the requester's and a stranger's tries" \
  test "$(assume_calls)" = 0
sleep 12  # the TTL must count from the approval, not from the request
requests "$BOB" approve "$REQ" --reason "ok" --json >"$TMP/a2.json" 2>"$TMP/a2.err"
A2_RC=$?
APPROVED_AT=$(date +%s)
check "the second approver issues the grant" \
  bash -c "test $A2_RC = 0 && test \"\$($PY -c \"import json; r=json.load(open('$TMP/a2.json')); print(r['status'], r['grant']['status'])\")\" = 'approved issued'"
check "exactly one AssumeRole reached moto, after the second approval" test "$(assume_calls)" = 1
check "the requester's fetch now gets credentials (200)" test "$(fetch "$TMP/ask.json" "$TMP/creds.json")" = 200
SECRET_KEY=$(field "$TMP/creds.json" '["SecretAccessKey"]')
check "the credentials' Expiration is 20 minutes from the approval (± 5 s), not from the request" \
  "$PY" - "$TMP/creds.json" "$APPROVED_AT" <<'PY'
import datetime, json, sys
expiration = json.load(open(sys.argv[1]))["Expiration"]
at = datetime.datetime.fromisoformat(expiration.replace("Z", "+00:00")).timestamp()
off = at - (int(sys.argv[2]) + 1200)
print(f"# Expiration - (approval + 20m) = {off:+.1f} s")
sys.exit(0 if abs(off) <= 5 else f"off by {off} s")
PY
AWS_ACCESS_KEY_ID=$(field "$TMP/creds.json" '["AccessKeyId"]') AWS_SECRET_ACCESS_KEY=$SECRET_KEY \
  AWS_SESSION_TOKEN=$(field "$TMP/creds.json" '["Token"]') \
  aws sts get-caller-identity --output json >"$TMP/identity.json" 2>"$TMP/identity.err"
check "the approved credentials work, as session audex-<grant>" grep -q "audex-$GRANT" "$TMP/identity.json"

# --- deny ----------------------------------------------------------------------------
ask "$DEV" '{"allow":"s3:DeleteBucket","ttl":"15m"}' "$TMP/deny-ask.json" >/dev/null
DREQ=$(field "$TMP/deny-ask.json" '["request_id"]')
requests "$ALICE" deny "$DREQ" >/dev/null 2>"$TMP/deny-noreason.err"
check "deny without --reason: exit 2" test $? = 2
requests "$ALICE" deny "$DREQ" --reason "not during the freeze" >"$TMP/deny.out" 2>&1
check "deny ends the request" bash -c "test $? = 0 && grep -q 'status     denied' '$TMP/deny.out'"
DENIED_STATUS=$(fetch "$TMP/deny-ask.json" "$TMP/deny-fetch.json")
check "the denied grant's credentials: 403 with the reason" \
  bash -c "test $DENIED_STATUS = 403 && grep -q 'not during the freeze' '$TMP/deny-fetch.json'"
requests "$BOB" approve "$DREQ" >/dev/null 2>"$TMP/late.err"
check "approving a denied request: exit 2 naming policies.prod.approval.status" \
  bash -c "test $? = 2 && grep -q 'policies.prod.approval.status' '$TMP/late.err'"

# --- expiry ----------------------------------------------------------------------------
ask "$QUICK" '{"allow":"s3:ListAllMyBuckets","ttl":"15m"}' "$TMP/quick.json" >/dev/null
QREQ=$(field "$TMP/quick.json" '["request_id"]')
expired_by_janitor() {
  for _ in $(seq 1 100); do
    curl -s -H "Authorization: Bearer $OPS" "$URL/v1/audit?session=$QREQ&event=request_expired" |
      grep -q '"request_expired"' && return 0
    sleep 0.1
  done
  return 1
}
sleep 3
check "a pending request expires (the janitor's request_expired within 10 s of pending_ttl)" expired_by_janitor
requests "$ALICE" approve "$QREQ" >/dev/null 2>"$TMP/expired.err"
check "approving it then: exit 2, it is expired" \
  bash -c "test $? = 2 && grep -q 'expired' '$TMP/expired.err'"
check "its credentials endpoint refuses it (403, expired)" \
  bash -c "test $(fetch "$TMP/quick.json" "$TMP/quick-fetch.json") = 403 && grep -q expired '$TMP/quick-fetch.json'"
check "still exactly one AssumeRole (deny and expiry issued nothing)" test "$(assume_calls)" = 1

# --- run --server waits for approval, then runs -------------------------------------------
CLIENT_KEY=$AWS_ACCESS_KEY_ID CLIENT_SECRET=$AWS_SECRET_ACCESS_KEY
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY  # the client holds no base keys
export AUDEX_HOME="$TMP/client"
AUDEX_SERVER_TOKEN="$DEV" "$BIN" run --allow sts:GetCallerIdentity --ttl 15m --reason "cli wait" \
  --approval-wait 60s -- aws sts get-caller-identity --output json >"$TMP/run.out" 2>"$TMP/run.err" &
RUN_PID=$!
find_pending() {
  for _ in $(seq 1 100); do
    requests "$ALICE" list --status pending --json >"$TMP/pending.json" 2>/dev/null &&
      RREQ=$("$PY" -c 'import json,sys; r=[x["request_id"] for x in json.load(open(sys.argv[1]))["requests"] if x["grant"]["reason"]=="cli wait"]; print(r[0] if r else "")' "$TMP/pending.json") &&
      [ -n "$RREQ" ] && return 0
    sleep 0.1
  done
  return 1
}
check "run --server's request shows up as pending" find_pending
check "run --server says it waits, naming the request" bash -c "sleep 0.5; grep -q \"waiting up to 60 s for approval of request $RREQ\" '$TMP/run.err'"
requests "$ALICE" approve "$RREQ" >/dev/null 2>&1
requests "$BOB" approve "$RREQ" >/dev/null 2>&1
wait "$RUN_PID"
RUN_RC=$?
check "after two approvals run --server runs the aws CLI child (exit 0, assumed-role identity)" \
  bash -c "test $RUN_RC = 0 && grep -q 'assumed-role' '$TMP/run.out'"
AUDEX_SERVER_TOKEN="$DEV" "$BIN" run --allow sts:GetCallerIdentity --approval-wait 0 -- true \
  >/dev/null 2>"$TMP/nowait.err"
check "--approval-wait 0: exit 4 naming the request and how to approve it" \
  bash -c "test $? = 4 && grep -q 'tryaudex requests approve' '$TMP/nowait.err'"

# --- break-glass --------------------------------------------------------------------------
AUDEX_SERVER_TOKEN="$DEV" "$BIN" run --allow sts:GetCallerIdentity --break-glass -- true \
  >/dev/null 2>"$TMP/bg-noreason.err"
check "--break-glass without --reason: exit 2" test $? = 2
T_BG=$(date +%s)
AUDEX_SERVER_TOKEN="$DEV" "$BIN" run --allow sts:GetCallerIdentity --break-glass \
  --reason "prod is down" -- aws sts get-caller-identity --output json >"$TMP/bg.out" 2>"$TMP/bg.err"
BG_RC=$?
check "break-glass issues at once and the child runs" \
  bash -c "test $BG_RC = 0 && grep -q 'assumed-role' '$TMP/bg.out' && test \$((\$(date +%s) - $T_BG)) -lt 20"
requests "$ALICE" review --json >"$TMP/review.json" 2>&1
BREQ=$("$PY" -c 'import json,sys; r=json.load(open(sys.argv[1]))["requests"]; print(r[0]["request_id"] if len(r)==1 and r[0]["break_glass"] else "")' "$TMP/review.json")
check "requests review lists the break-glass grant" test -n "$BREQ"
check "the server logged a warning for it" grep -q "BREAK-GLASS grant issued" "$TMP/server.log"
requests "$DEV" review "$BREQ" --reason "I fixed it" >/dev/null 2>"$TMP/bg-self.err"
check "its requester may not review it (policies.prod.approval.self)" \
  bash -c "test $? = 4 && grep -q 'policies.prod.approval.self' '$TMP/bg-self.err'"
requests "$ALICE" review "$BREQ" --reason "justified: incident 42" >"$TMP/bg-review.out" 2>&1
check "another reviews it" bash -c "test $? = 0 && grep -q 'reviewed' '$TMP/bg-review.out'"
requests "$ALICE" review >"$TMP/review2.out" 2>&1
check "requests review is then empty" grep -q "No requests." "$TMP/review2.out"
export AWS_ACCESS_KEY_ID=$CLIENT_KEY AWS_SECRET_ACCESS_KEY=$CLIENT_SECRET

# --- audit ----------------------------------------------------------------------------------
curl -s -H "Authorization: Bearer $OPS" "$URL/v1/audit?limit=1000" >"$TMP/audit.json"
check "audit: every approval event, in order, who and why" "$PY" - "$TMP/audit.json" "$REQ" "$GRANT" <<'PY'
import json, sys
events = json.load(open(sys.argv[1]))["events"]
names = [e["event"] for e in events]
for name in ("request_created", "approval_added", "request_approved", "grant_approved",
             "request_denied", "request_expired", "break_glass_issued", "break_glass_reviewed"):
    assert name in names, (name, names)
req, grant = sys.argv[2], sys.argv[3]
mine = [(e["event"], e["fields"]) for e in events if e["session_id"] in (req, grant)]
order = [n for n, _ in mine]
assert order.index("request_approved") < order.index("grant_approved") < order.index("grant_issued"), order
approved = dict(mine)["request_approved"]
assert approved["approver"] == "bob" and approved["reason"] == "ok", approved
assert approved["approvers"] == ["alice", "bob"], approved
bg = [e for e in events if e["event"] == "break_glass_issued"][0]
issued = [e for e in events if e["event"] == "grant_issued" and e["session_id"] == bg["fields"]["grant_id"]][0]
assert bg["seq"] < issued["seq"], "break_glass_issued is committed before the grant is issued"
PY
check "the audit chain is intact" bash -c "curl -s -H 'Authorization: Bearer $OPS' '$URL/v1/audit:verify' | grep -q '\"ok\":true'"

# --- server policy changes ----------------------------------------------------------------
write_config '[policies.extra]
actions = ["s3:GetObject"]'
kill -HUP "$SERVER_PID"
policy_changed_twice() {
  for _ in $(seq 1 100); do
    curl -s -H "Authorization: Bearer $OPS" "$URL/v1/audit?event=server_policy_changed" >"$TMP/policy.json"
    [ "$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["events"]))' "$TMP/policy.json")" = 2 ] && return 0
    sleep 0.1
  done
  return 1
}
check "SIGHUP with an edited server.toml: a second server_policy_changed" policy_changed_twice
check "it carries the old and new text, without the webhook URL or store" "$PY" - "$TMP/policy.json" <<'PY'
import json, sys
first, second = (e["fields"] for e in json.load(open(sys.argv[1]))["events"])
assert first["old_text"] is None and first["trigger"] == "start", first
assert second["trigger"] == "reload"
assert second["old_text"] == first["new_text"], "old = the text recorded at start"
assert "[policies.extra]" in second["new_text"] and "[policies.extra]" not in second["old_text"]
for text in (second["old_text"], second["new_text"]):
    assert "SECRETPATH" not in text and "team.db" not in text, text
PY

# --- the webhook ----------------------------------------------------------------------------
check "the webhook saw each event as Slack-shaped JSON with no secret" \
  "$PY" - "$TMP/hooks.txt" "$SECRET_KEY" "$(field "$TMP/ask.json" '["credentials_token"]')" <<'PY'
import json, sys, time
need = {"request_created", "approval_added", "request_approved", "request_denied",
        "request_expired", "break_glass_issued", "break_glass_reviewed"}
for _ in range(100):
    lines = [l for l in open(sys.argv[1]).read().splitlines() if l.strip()]
    seen = {json.loads(l.split(" ", 1)[1])["audex"]["event"] for l in lines}
    if need <= seen:
        break
    time.sleep(0.1)
assert need <= seen, need - seen
for line in lines:
    path, body = line.split(" ", 1)
    assert path == "/services/T000/B000/SECRETPATH", path
    assert sys.argv[2] not in body and sys.argv[3] not in body, "a secret in a notice"
    message = json.loads(body)
    assert isinstance(message["text"], str) and message["text"]
    assert all(b["type"] in ("section", "context") for b in message["blocks"]), message
print(f"# {len(lines)} notices")
PY
check "/metrics counts the delivered notices" \
  bash -c "curl -s '$URL/metrics' | grep -q '^audex_webhook_notices_total{outcome=\"delivered\"} [1-9]'"
check "the server's log never shows the webhook URL's path or a secret key" \
  bash -c "! grep -q -e SECRETPATH -e '$SECRET_KEY' '$TMP/server.log'"

finish
