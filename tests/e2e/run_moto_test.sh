#!/usr/bin/env bash
# `tryaudex run` end to end against a real moto server with SigV4 checking
# and IAM enforcement on, with real children (sh, the aws CLI):
#   - the exact session policy that reached STS (moto's /moto-api/data.json)
#   - the child's environment: session credentials in, base keys and
#     profiles out
#   - exit-code and signal pass-through, command-not-found
#   - session_created / credentials_issued / session_ended in order, chain intact
#   - clear errors for a wrong secret and a missing role
#   - no issued secret in any file under AUDEX_HOME or in captured stderr
#
#   bash tests/e2e/run_moto_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup run-moto "$@"
need_tool aws "pip's awscli is on the machine image"

# --- moto with SigV4 and IAM checks after the setup calls -------------------
# Five unauthenticated calls create the user, its key, its policy, the role
# and the role's policy; everything after that is signed and checked.
start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN
setup_moto_user_and_role AudexRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'

# Routes to broader credentials that must not reach the child.
export AWS_PROFILE=admin AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:1/creds
export AWS_CONTAINER_AUTHORIZATION_TOKEN=container-token-value

# --- a session whose child records its environment --------------------------
"$BIN" run --role-arn "$ROLE" --allow "s3:ListAllMyBuckets,s3:GetObject" --ttl 20m \
  -- sh -c "env > '$TMP/child.env'" >"$TMP/out1" 2>"$TMP/err1"
rc=$?
check "run exits 0 with the child's status" test "$rc" -eq 0
child() { grep -E "^$1=" "$TMP/child.env" | head -1 | cut -d= -f2-; }
SESSION_KEY=$(child AWS_ACCESS_KEY_ID)
SESSION_SECRET=$(child AWS_SECRET_ACCESS_KEY)
SESSION_TOKEN=$(child AWS_SESSION_TOKEN)
check "child got session credentials, not the base key" \
  test -n "$SESSION_KEY" -a "$SESSION_KEY" != "$BASE_KEY" -a -n "$SESSION_SECRET" -a -n "$SESSION_TOKEN"
check "child has AWS_CREDENTIAL_EXPIRATION, AUDEX_SESSION_ID, region" \
  test -n "$(child AWS_CREDENTIAL_EXPIRATION)" -a -n "$(child AUDEX_SESSION_ID)" -a "$(child AWS_REGION)" = us-east-1
check "child keeps AWS_ENDPOINT_URL" test "$(child AWS_ENDPOINT_URL)" = "$MOTO_URL"
check "child has no AWS_PROFILE or container credentials" \
  bash -c "! grep -qE '^(AWS_PROFILE|AWS_CONTAINER_[A-Z_]*)=' '$TMP/child.env'"
check "child's shared files hold no credentials" \
  test "$(child AWS_SHARED_CREDENTIALS_FILE)" = /dev/null -a "$(child AWS_CONFIG_FILE)" = /dev/null
check "base secret absent from the child's environment" bash -c "! grep -qF -- '$BASE_SECRET' '$TMP/child.env'"

# The policy moto received is byte for byte the one the plan shows.
"$BIN" run --dry-run --json --allow "s3:ListAllMyBuckets,s3:GetObject" -- true >"$TMP/plan.json"
check "moto received exactly the planned session policy" \
  "$PY" - "$MOTO_URL" "$TMP/plan.json" "$SESSION_KEY" <<'PY'
import json, sys, urllib.request
planned = json.dumps(json.load(open(sys.argv[2]))["policy"], separators=(",", ":"))
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
sent = [r.get("policy") for r in data.get("sts", {}).get("AssumedRole", [])
        if r.get("access_key_id") == sys.argv[3]]
sys.exit(0 if sent == [planned] else f"sent {sent!r}, planned {planned!r}")
PY

# --- the aws CLI as the child, signed with the session credentials ----------
"$BIN" run --role-arn "$ROLE" --allow s3:ListAllMyBuckets -- aws s3api list-buckets >"$TMP/out2" 2>"$TMP/err2"
check "aws CLI child calls moto with the session credentials" test $? -eq 0

# --- exit codes ---------------------------------------------------------------
"$BIN" run --role-arn "$ROLE" --allow s3:GetObject -- sh -c 'exit 7' 2>>"$TMP/err-all"
check "child's exit code 7 passed through" test $? -eq 7
"$BIN" run --role-arn "$ROLE" --allow s3:GetObject -- sh -c 'kill -TERM $$' 2>>"$TMP/err-all"
check "death by SIGTERM reported as 143" test $? -eq 143
"$BIN" run --role-arn "$ROLE" --allow s3:GetObject -- audex-no-such-program 2>"$TMP/err3"
rc=$?
check "command not found -> 127 with a message" bash -c "test $rc -eq 127 && grep -q 'command not found: audex-no-such-program' '$TMP/err3'"

# --- the record -----------------------------------------------------------------
"$BIN" audit verify >"$TMP/verify" 2>&1
check "audit verify: chain intact" bash -c "grep -q 'chain intact' '$TMP/verify'"
"$BIN" audit show --json >"$TMP/audit.json"
check "each session: session_created, credentials_issued, session_ended in order" "$PY" - "$TMP/audit.json" <<'PY'
import json, sys
raw = open(sys.argv[1]).read().strip()
events = json.loads(raw) if raw.startswith("[") else [json.loads(l) for l in raw.splitlines() if l]
by_session = {}
for e in events:
    by_session.setdefault(e["session_id"], []).append(e["event"])
want = ["session_created", "credentials_issued", "session_ended"]
bad = {s: v for s, v in by_session.items() if v != want}
sys.exit(0 if len(by_session) == 5 and not bad else f"{len(by_session)} sessions, unexpected: {bad}")
PY
"$BIN" sessions list --all --json >"$TMP/sessions.json"
check "sessions list --all shows 5 ended sessions with exit codes" "$PY" - "$TMP/sessions.json" <<'PY'
import json, sys
sessions = json.load(open(sys.argv[1]))
if isinstance(sessions, dict):
    sessions = sessions.get("sessions", [])
codes = sorted(s.get("exit_code") for s in sessions if s.get("exit_code") is not None)
sys.exit(0 if len(sessions) == 5 and codes == [0, 0, 7, 127] else f"{sessions}")
PY

# --- errors -----------------------------------------------------------------------
AWS_SECRET_ACCESS_KEY=wrong-secret "$BIN" run --role-arn "$ROLE" --allow s3:GetObject -- true \
  >"$TMP/out4" 2>"$TMP/err4"
rc=$?
check "wrong base secret -> exit 4 naming SignatureDoesNotMatch" \
  bash -c "test $rc -eq 4 && grep -q SignatureDoesNotMatch '$TMP/err4'"
check "the wrong secret is not echoed" bash -c "! grep -q wrong-secret '$TMP/err4'"
"$BIN" sessions list --all >"$TMP/list4" 2>&1
check "sessions list: the refused session's RESULT names STS's error code" \
  grep -q 'failed  *[0-9TZ:-]*  *[0-9TZ:-]*  *refused (SignatureDoesNotMatch)' "$TMP/list4"
"$BIN" run --allow s3:GetObject -- true >"$TMP/out5" 2>"$TMP/err5"
rc=$?
check "no role -> exit 2 naming --role-arn, AUDEX_ROLE_ARN and role_arn" \
  bash -c "test $rc -eq 2 && grep -q -- --role-arn '$TMP/err5' && grep -q AUDEX_ROLE_ARN '$TMP/err5' && grep -q role_arn '$TMP/err5'"

# --- health ------------------------------------------------------------------
"$BIN" health --check aws --role-arn "$ROLE" >"$TMP/out6" 2>"$TMP/err6"
rc=$?
check "health --check aws: exit 0, names the key's source and the caller" \
  bash -c "test $rc -eq 0 && grep -q 'from environment' '$TMP/out6' && grep -q 'user/audex-tester' '$TMP/out6'"

# --- a cut audit log: both refusals say how to start over --------------------
cp -r "$AUDEX_HOME" "$TMP/cut"
truncate -s -1 "$TMP/cut/audit.jsonl"
AUDEX_HOME="$TMP/cut" "$BIN" audit verify >"$TMP/out7" 2>"$TMP/err7"
rc=$?
check "cut log: audit verify exits 1 and says how to start a new log" \
  bash -c "test $rc -eq 1 && grep -q BROKEN '$TMP/out7' && grep -q 'audit.key aside' '$TMP/err7'"
AUDEX_HOME="$TMP/cut" "$BIN" run --role-arn "$ROLE" --allow s3:GetObject -- true \
  >/dev/null 2>"$TMP/err8"
rc=$?
check "cut log: run exits 5 naming audit verify and how to start over" \
  bash -c "test $rc -eq 5 && grep -q 'audit verify' '$TMP/err8' && grep -q 'audit.key aside' '$TMP/err8'"

# --- no secret anywhere -------------------------------------------------------
cat "$TMP"/err* >"$TMP/all-stderr"
for secret in "$SESSION_SECRET" "$SESSION_TOKEN" "$BASE_SECRET"; do
  check "secret (${#secret} chars) in no file under AUDEX_HOME" bash -c "! grep -rqF -- '$secret' '$AUDEX_HOME'"
  check "secret (${#secret} chars) in no captured stderr or stdout" \
    bash -c "! grep -qF -- '$secret' '$TMP/all-stderr' '$TMP/out1' '$TMP/out2' '$TMP/out4' '$TMP/out5' '$TMP/out6'"
done
finish
