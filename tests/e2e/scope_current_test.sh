#!/usr/bin/env bash
# `run --scope-current` and `credential-process --scope-current` end to end
# against a loopback STS that speaks GetScopedCredentials' documented wire
# format (STS API reference, API_GetScopedCredentials; no local
# implementation exists): form fields, the session-token header, the reply.
#   - the child gets the scoped credentials for a TTL in seconds
#   - the exact session policy reaches STS; credentials_scoped is audited
#   - long-lived base keys: exit 4 with the fix, no call made
#   - the global endpoint is refused
#
#   bash tests/e2e/scope_current_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup scope "$@"

cat >"$TMP/sts.py" <<'PY'
import datetime, http.server, json, sys, urllib.parse
log = sys.argv[1]
class Sts(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True).items()}
        with open(log, "a") as out:
            out.write(json.dumps({"form": form, "token": self.headers.get("X-Amz-Security-Token"),
                                  "auth": self.headers.get("Authorization", "")[:40]}) + "\n")
        def reply(status, text):
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text.encode())
        if form.get("Action") != "GetScopedCredentials" or form.get("Version") != "2011-06-15":
            return reply(400, "<ErrorResponse><Error><Code>InvalidAction</Code><Message>no</Message></Error></ErrorResponse>")
        if not self.headers.get("X-Amz-Security-Token"):
            return reply(403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>temporary credentials required</Message></Error></ErrorResponse>")
        seconds = int(form.get("DurationSeconds", "3600"))
        if not 1 <= seconds <= 129600:
            return reply(400, "<ErrorResponse><Error><Code>ValidationError</Code><Message>DurationSeconds</Message></Error></ErrorResponse>")
        expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
        reply(200, f"""<GetScopedCredentialsResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetScopedCredentialsResult>
    <Credentials><AccessKeyId>ASIASCOPEDE2E</AccessKeyId><SecretAccessKey>scoped-e2e-secret</SecretAccessKey>
      <SessionToken>scoped-e2e-token</SessionToken><Expiration>{expires}</Expiration></Credentials>
    <ScopedSession><Arn>arn:aws:sts::123456789012:assumed-role/dev/alice</Arn><ScopedSessionId>AROAE2E:alice</ScopedSessionId></ScopedSession>
  </GetScopedCredentialsResult>
  <ResponseMetadata><RequestId>e2e</RequestId></ResponseMetadata>
</GetScopedCredentialsResponse>""")
server = http.server.HTTPServer(("127.0.0.1", 0), Sts)
print(server.server_port, flush=True)
server.serve_forever()
PY
"$PY" "$TMP/sts.py" "$TMP/calls.jsonl" >"$TMP/port" &
kill_at_exit $!
wait_for_file "$TMP/port"
PORT=$(head -1 "$TMP/port")

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" AWS_ENDPOINT_URL_STS="http://127.0.0.1:$PORT"
export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=ASIABASEE2E AWS_SECRET_ACCESS_KEY=base-e2e-secret
export AWS_SESSION_TOKEN=base-e2e-session-token
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_ENDPOINT_URL
mkdir -p "$HOME"

"$BIN" run --scope-current --allow s3:GetObject --ttl 30s -- sh -c "env > '$TMP/child.env'" \
  >"$TMP/out1" 2>"$TMP/err1"
rc=$?
check "run --scope-current --ttl 30s exits 0 without any role configured" test "$rc" -eq 0
child() { grep -E "^$1=" "$TMP/child.env" | head -1 | cut -d= -f2-; }
check "child got the scoped credentials" \
  test "$(child AWS_ACCESS_KEY_ID)" = ASIASCOPEDE2E -a "$(child AWS_SESSION_TOKEN)" = scoped-e2e-token
check "the scoped credentials expire in about 30 s" "$PY" - "$(child AWS_CREDENTIAL_EXPIRATION)" <<'PY'
import datetime, sys
left = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc) - datetime.datetime.now(datetime.timezone.utc)
sys.exit(0 if 0 < left.total_seconds() <= 31 else f"{left}")
PY
"$BIN" run --dry-run --json --allow s3:GetObject -- true >"$TMP/plan.json"
check "STS got GetScopedCredentials with the planned policy, DurationSeconds=30 and the base session token" \
  "$PY" - "$TMP/calls.jsonl" "$TMP/plan.json" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1])]
planned = json.dumps(json.load(open(sys.argv[2]))["policy"], separators=(",", ":"))
c = calls[-1]
ok = (c["form"].get("Policy") == planned and c["form"].get("DurationSeconds") == "30"
      and c["token"] == "base-e2e-session-token" and c["auth"].startswith("AWS4-HMAC-SHA256 Credential=ASIABASEE2E/"))
sys.exit(0 if ok else f"{c}")
PY
"$BIN" audit show --json >"$TMP/audit.json"
check "audit: credentials_scoped with the base key id" \
  bash -c "grep -q credentials_scoped '$TMP/audit.json' && grep -q ASIABASEE2E '$TMP/audit.json'"

"$BIN" credential-process --scope-current --allow s3:GetObject --ttl 45s >"$TMP/cp.json" 2>"$TMP/err2"
check "credential-process --scope-current prints the scoped credentials" \
  bash -c "grep -q ASIASCOPEDE2E '$TMP/cp.json'"

calls_before=$(wc -l <"$TMP/calls.jsonl")
AWS_SESSION_TOKEN= "$BIN" run --scope-current --no-cache --allow s3:GetObject -- true >"$TMP/out3" 2>"$TMP/err3"
rc=$?
calls_after=$(wc -l <"$TMP/calls.jsonl")
check "long-lived base keys: exit 4, the fix named, no call made" \
  bash -c "test $rc -eq 4 && grep -q 'get-session-token' '$TMP/err3' && test $calls_before -eq $calls_after"

AWS_ENDPOINT_URL_STS=https://sts.amazonaws.com "$BIN" run --scope-current --allow s3:GetObject -- true \
  >"$TMP/out4" 2>"$TMP/err4"
rc=$?
check "the global endpoint is refused with exit 2" bash -c "test $rc -eq 2 && grep -q 'regional' '$TMP/err4'"

"$BIN" run --scope-current --allow s3:GetObject --ttl 40h -- true >"$TMP/out5" 2>"$TMP/err5"
check "a TTL over 36 h is refused with exit 3 (outside the provider's bounds)" test $? -eq 3
"$BIN" run --scope-current --role-arn arn:aws:iam::123456789012:role/R --allow s3:GetObject \
  -- true >/dev/null 2>"$TMP/err6"
check "--scope-current with --role-arn: exit 2, says which to drop" \
  bash -c "test $? -eq 2 && grep -q 'drop --role-arn' '$TMP/err6'"
"$BIN" credential-process --scope-current --role-arn arn:aws:iam::123456789012:role/R \
  --allow s3:GetObject >/dev/null 2>"$TMP/err7"
check "credential-process --scope-current with --role-arn: exit 2" \
  bash -c "test $? -eq 2 && grep -q 'drop --role-arn' '$TMP/err7'"
"$BIN" run --scope-current --provider gcp --allow storage:read --dry-run -- true >/dev/null \
  2>"$TMP/err8"
check "--scope-current with GCP: exit 2, AWS only" \
  bash -c "test $? -eq 2 && grep -q 'AWS only' '$TMP/err8'"

cat "$TMP"/err* "$TMP"/out* >"$TMP/all"
for secret in scoped-e2e-secret scoped-e2e-token base-e2e-secret base-e2e-session-token; do
  check "$secret in no file under AUDEX_HOME and no stderr" \
    bash -c "! grep -rqF -- '$secret' '$AUDEX_HOME' '$TMP/all'"
done
finish
