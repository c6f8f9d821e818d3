#!/usr/bin/env bash
# `tryaudex learn` end to end against moto (SigV4 checking and IAM
# enforcement on), with real SDK children (the aws CLI and boto3):
#   - the learned actions equal those derived from moto's own request
#     recording of the same run (S3 through moto's ACTION_MAP, JSON and
#     query protocols through X-Amz-Target / Action=), not through Audex's
#     exception table
#   - call counts, a failing call (NoSuchKey) counted as failed
#   - the learned set is usable: a role whose only permissions are the
#     learned actions runs the same child under `tryaudex run --allow
#     <learned>`; the same role minus one learned action is refused
#   - a command with no AWS call: "No AWS API calls observed", exit 1
#   - --save-profile writes profiles.toml, keeps comments and other
#     profiles, and the saved profile plans with `run --dry-run`
#   - --source cloudtrail against a loopback LookupEvents server (delivery
#     delay, pagination, throttling), filtered by the session's access key
#   - audit chain and exit-code pass-through; no session secret printed
#
#   bash tests/e2e/learn_moto_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup learn-moto "$@"
need_tool aws "pip's awscli is on the machine image"
need_python_module boto3 "pip's boto3 is on the machine image"

# moto writes its request recording to this file (default: ./moto_recording).
export MOTO_RECORDER_FILEPATH="$TMP/moto_recording"
start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_CSM_ENABLED AWS_CSM_PORT
ALL='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/audex-tester"},"Action":"sts:AssumeRole"}]}'
setup_moto_user_and_role LearnRole all "$ALL"

# Data the child reads, created with the base user's keys (signed, allowed).
aws s3api create-bucket --bucket learn-data >/dev/null
echo hello >"$TMP/obj.txt"
aws s3api put-object --bucket learn-data --key in/obj.txt --body "$TMP/obj.txt" >/dev/null
aws dynamodb create-table --table-name learn-table --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH >/dev/null

# The child: the aws CLI (S3 list/get/head/put, DynamoDB list/query, STS
# GetCallerIdentity, a get of a missing key that fails) and boto3.
cat >"$TMP/child.sh" <<SH
set -u
aws s3api list-objects-v2 --bucket learn-data >/dev/null
aws s3api get-object --bucket learn-data --key in/obj.txt "$TMP/got.txt" >/dev/null
aws s3api head-object --bucket learn-data --key in/obj.txt >/dev/null
aws s3api put-object --bucket learn-data --key out/result.txt --body "$TMP/obj.txt" >/dev/null
aws dynamodb list-tables >/dev/null
aws dynamodb query --table-name learn-table --key-condition-expression 'pk = :v' \
  --expression-attribute-values '{":v":{"S":"a"}}' >/dev/null
aws sts get-caller-identity >/dev/null
aws s3api get-object --bucket learn-data --key in/missing.txt "$TMP/none.txt" >/dev/null 2>&1
"$PY" -c 'import boto3; s3 = boto3.client("s3"); s3.list_buckets(); s3.get_object(Bucket="learn-data", Key="in/obj.txt")["Body"].read()'
exit 0
SH

curl -s -X POST "$MOTO_URL/moto-api/recorder/reset-recording" >/dev/null
curl -s -X POST "$MOTO_URL/moto-api/recorder/start-recording" >/dev/null
"$BIN" learn --role-arn "$ROLE" --json -- bash "$TMP/child.sh" >"$TMP/learn.json" 2>"$TMP/learn.err"
rc=$?
curl -s -X POST "$MOTO_URL/moto-api/recorder/stop-recording" >/dev/null
curl -s "$MOTO_URL/moto-api/recorder/download-recording" >"$TMP/recording.jsonl"
check "learn exits 0 after a child that exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { cat "$TMP/learn.err" "$TMP/learn.json"; }

check "the broad session was assumed without a session policy" "$PY" - "$MOTO_URL" "$ROLE" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
sent = [r.get("policy") for r in data["sts"]["AssumedRole"] if r.get("role_arn") == sys.argv[2]]
sys.exit(0 if len(sent) == 1 and not sent[0] else f"policies sent: {sent!r}")
PY

# The session's access key: the one moto saw AssumeRole issue to learn.
SESSION_KEY=$("$PY" - "$MOTO_URL" "$ROLE" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
keys = [r["access_key_id"] for r in data.get("sts", {}).get("AssumedRole", [])
        if r.get("role_arn") == sys.argv[2]]
print(keys[-1] if keys else "")
PY
)
check "moto issued a session key to learn" test -n "$SESSION_KEY"

# Ground truth from moto's recording: every request signed with the session
# key, mapped to IAM actions the way moto's own IAM enforcement maps them
# (moto.s3.responses.ACTION_MAP for S3 REST; the operation in X-Amz-Target or
# Action= for JSON and query protocols). sts:GetCallerIdentity needs no
# permission (IAM documentation), so it is not an action to grant.
"$PY" - "$TMP/recording.jsonl" "$SESSION_KEY" >"$TMP/truth.json" <<'PY'
import base64, collections, json, sys, urllib.parse
from moto.s3.responses import ACTION_MAP
key = sys.argv[2]
counts = collections.Counter()
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    r = json.loads(line)
    h = {k.lower(): v for k, v in r["headers"].items()}
    auth = h.get("authorization", "")
    if "Credential=" + key + "/" not in auth:
        continue
    service = auth.split("Credential=")[1].split("/")[3]
    url = urllib.parse.urlsplit(r["url"])
    body = r.get("body") or ""
    if r.get("body_encoded") and body:
        body = base64.b64decode(body).decode("utf-8", "replace")
    if service == "s3":
        parts = [p for p in url.path.split("/") if p]
        qs = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if not parts:
            action = "ListAllMyBuckets"  # GET / : the service-level list
        else:
            table = ACTION_MAP["BUCKET" if len(parts) == 1 else "KEY"][r["method"]]
            action = next((v for k, v in table.items() if k in qs), table.get("DEFAULT"))
        counts["s3:" + action] += 1
    elif "x-amz-target" in h:
        counts[service + ":" + h["x-amz-target"].split(".")[-1]] += 1
    else:
        form = urllib.parse.parse_qs(body or url.query)
        counts[service + ":" + form["Action"][0]] += 1
counts.pop("sts:GetCallerIdentity", None)
json.dump(dict(counts), sys.stdout)
PY
check "learned actions equal moto's recording of the same run" "$PY" - "$TMP/learn.json" "$TMP/truth.json" <<'PY'
import json, sys
learned = {a["action"].lower() for a in json.load(open(sys.argv[1]))["actions"]}
truth = {a.lower() for a in json.load(open(sys.argv[2]))}
sys.exit(0 if learned == truth else f"learned {sorted(learned)} != recorded {sorted(truth)}")
PY
check "call counts equal the recorded request counts" "$PY" - "$TMP/learn.json" "$TMP/truth.json" <<'PY'
import json, sys
learned = {a["action"].lower(): a["calls"] for a in json.load(open(sys.argv[1]))["actions"]}
truth = {a.lower(): n for a, n in json.load(open(sys.argv[2])).items()}
sys.exit(0 if learned == truth else f"learned {learned} != recorded {truth}")
PY
check "expected actions, GetCallerIdentity as no-permission, the failed get counted" "$PY" - "$TMP/learn.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
acts = {a["action"]: a for a in j["actions"]}
want = {"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:ListAllMyBuckets",
        "dynamodb:ListTables", "dynamodb:Query"}
assert set(acts) == want, sorted(acts)
assert acts["s3:GetObject"]["failed"] == 1, acts["s3:GetObject"]
assert acts["s3:GetObject"]["calls"] == 4, acts["s3:GetObject"]  # get, head, missing, boto3 get
assert [c["operation"] for c in j["no_permission"]] == ["GetCallerIdentity"], j["no_permission"]
assert j["allow"] == "dynamodb:ListTables,dynamodb:Query,s3:GetObject,s3:ListAllMyBuckets,s3:ListBucket,s3:PutObject", j["allow"]
assert j["other_clients"] == 0 and j["malformed"] == 0, j
PY
LEARNED=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["allow"])' "$TMP/learn.json")
check "no session secret in learn's output" bash -c \
  "! grep -qiE 'SecretAccessKey|SessionToken|$BASE_SECRET' '$TMP/learn.json' '$TMP/learn.err'"

# --- --allow is an upper bound: it becomes the session policy ------------------
"$BIN" learn --role-arn "$ROLE" --allow "s3:ListBucket,s3:GetObject" --json \
  -- sh -c 'aws s3api list-objects-v2 --bucket learn-data >/dev/null' >"$TMP/bounded.json" 2>/dev/null
check "learn --allow sends that bound as the session policy" "$PY" - "$MOTO_URL" "$ROLE" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
last = [r.get("policy") for r in data["sts"]["AssumedRole"] if r.get("role_arn") == sys.argv[2]][-1]
actions = json.loads(last)["Statement"][0]["Action"]
sys.exit(0 if sorted(actions) == ["s3:GetObject", "s3:ListBucket"] else f"policy {last!r}")
PY

# --- without a bound the deny list still applies --------------------------------
mkdir -p "$AUDEX_HOME"
printf '[deny]\nactions = ["iam:*", "dynamodb:DeleteTable"]\n' >"$AUDEX_HOME/deny-list.toml"
"$BIN" learn --role-arn "$ROLE" --json \
  -- sh -c 'aws s3api list-objects-v2 --bucket learn-data >/dev/null' >"$TMP/denylist.json" \
  2>"$TMP/denylist.err"
rc=$?
rm -f "$AUDEX_HOME/deny-list.toml"
check "learn without --allow sends Allow * minus the deny list as the session policy" \
  "$PY" - "$MOTO_URL" "$ROLE" "$rc" <<'PY'
import json, sys, urllib.request
assert sys.argv[3] == "0", f"learn exited {sys.argv[3]}"
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
last = json.loads([r.get("policy") for r in data["sts"]["AssumedRole"] if r.get("role_arn") == sys.argv[2]][-1])
allow, deny = last["Statement"]
assert allow["Effect"] == "Allow" and allow["Action"] in ("*", ["*"]), last
assert deny["Effect"] == "Deny" and sorted(deny["Action"]) == ["dynamodb:DeleteTable", "iam:*"], last
PY
check "and no warning that the deny list is skipped" bash -c "! grep -qi 'not applied' '$TMP/denylist.err'"

# --- text output -------------------------------------------------------------
"$BIN" learn --role-arn "$ROLE" -- aws s3api list-objects-v2 --bucket learn-data >"$TMP/text.out" 2>&1
check "text output lists observed actions and the recommendation" bash -c \
  "grep -q '^Observed actions:' '$TMP/text.out' && grep -q '^  s3:ListBucket (1 call)' '$TMP/text.out' && grep -q '^Recommended policy: s3:ListBucket$' '$TMP/text.out'"

# --- the learned set is enough, and each action in it is needed -------------
aws_setup_signed() { aws --output json "$@"; }
aws_setup_signed iam create-role --role-name LearnedRole --assume-role-policy-document "$TRUST" >/dev/null
"$PY" - "$LEARNED" >"$TMP/learned-policy.json" <<'PY'
import json, sys
print(json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": sys.argv[1].split(","), "Resource": "*"}]}))
PY
aws_setup_signed iam put-role-policy --role-name LearnedRole --policy-name learned \
  --policy-document "file://$TMP/learned-policy.json"
"$BIN" run --role-arn arn:aws:iam::123456789012:role/LearnedRole --allow "$LEARNED" \
  -- bash "$TMP/child.sh" >"$TMP/rerun.out" 2>"$TMP/rerun.err"
rc=$?
check "the child succeeds under run --allow <learned> on a role allowed only that" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$TMP/rerun.err"
# Control: moto really enforces the role policy here.
"$PY" - "$LEARNED" >"$TMP/less-policy.json" <<'PY'
import json, sys
actions = [a for a in sys.argv[1].split(",") if a != "dynamodb:Query"]
print(json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": actions, "Resource": "*"}]}))
PY
aws_setup_signed iam put-role-policy --role-name LearnedRole --policy-name learned \
  --policy-document "file://$TMP/less-policy.json"
"$BIN" run --role-arn arn:aws:iam::123456789012:role/LearnedRole --allow "$LEARNED" \
  -- aws dynamodb query --table-name learn-table --key-condition-expression 'pk = :v' \
  --expression-attribute-values '{":v":{"S":"a"}}' >/dev/null 2>"$TMP/less.err"
check "control: without dynamodb:Query in the role policy the query is refused" \
  bash -c "test $? -ne 0 && grep -qi 'AccessDenied\|not authorized' '$TMP/less.err'"

# --- denied calls are reported as denied -------------------------------------
"$BIN" learn --role-arn arn:aws:iam::123456789012:role/LearnedRole --json \
  -- aws dynamodb query --table-name learn-table --key-condition-expression 'pk = :v' \
  --expression-attribute-values '{":v":{"S":"a"}}' >"$TMP/denied.json" 2>/dev/null
rc=$?
check "learn passes the child's failure code through (aws exits 255)" test "$rc" -eq 255
check "the refused call is counted as denied" "$PY" - "$TMP/denied.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
a = {x["action"]: x for x in j["actions"]}
assert a["dynamodb:Query"]["denied"] == a["dynamodb:Query"]["calls"] >= 1, a
PY

# --- a command with no AWS call ----------------------------------------------
"$BIN" learn --role-arn "$ROLE" -- true >"$TMP/none.out" 2>"$TMP/none.err"
rc=$?
check "no AWS calls: exit 1 and a clear line" bash -c \
  "test $rc -eq 1 && grep -q '^No AWS API calls observed' '$TMP/none.out'"
"$BIN" learn --role-arn "$ROLE" --wait 5m -- true >/dev/null 2>"$TMP/wait.err"
rc=$?
check "--wait without --source cloudtrail: exit 2, not silently ignored" bash -c \
  "test $rc -eq 2 && grep -q 'add --source cloudtrail or drop --wait' '$TMP/wait.err'"

# --- --save-profile ------------------------------------------------------------
mkdir -p "$AUDEX_HOME"
cat >"$TMP/profiles.seed" <<'TOML'
# Team profiles. This comment must survive.
[profiles.keep-me]
description = "Hand-written"   # and this one
actions = "s3:GetObject"

[profiles.learned-list]
description = "old"
actions = "s3:*"

# Last one
[profiles.tail]
actions = "dynamodb:Query"
TOML
PROFILES_FILE="$AUDEX_HOME/profiles.toml"  # AUDEX_HOME holds config and state
# A symlink, as dotfile managers make it: the save edits the file it points to.
cp "$TMP/profiles.seed" "$TMP/dotfiles-profiles.toml"
ln -s "$TMP/dotfiles-profiles.toml" "$PROFILES_FILE"
"$BIN" learn --role-arn "$ROLE" --save-profile learned-list \
  -- aws s3api list-objects-v2 --bucket learn-data >/dev/null 2>"$TMP/save.err"
check "--save-profile exits 0" test $? -eq 0
check "--save-profile keeps a symlinked profiles.toml a symlink and edits its target" \
  bash -c "test -L '$PROFILES_FILE' && grep -q 's3:ListBucket' '$TMP/dotfiles-profiles.toml'"
check "--save-profile keeps comments and other profiles byte for byte" "$PY" - "$TMP/profiles.seed" "$PROFILES_FILE" <<'PY'
import sys
seed, new = open(sys.argv[1]).read(), open(sys.argv[2]).read()
head = seed.split("[profiles.learned-list]")[0]
tail = seed[seed.index("# Last one"):]
assert new.startswith(head), new
assert new.endswith(tail), new
assert 'actions = "s3:ListBucket"' in new and 's3:*' not in new, new
PY
"$BIN" run --dry-run --json --profile learned-list -- true >"$TMP/saved-plan.json" 2>&1
check "the saved profile plans with run --dry-run" "$PY" - "$TMP/saved-plan.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["allow"] == "s3:ListBucket", j["allow"]
PY

# --- --source cloudtrail against a loopback LookupEvents server ---------------
# moto has no LookupEvents (HTTP 500): a small server speaking the documented
# JSON 1.1 protocol delivers the session's events 2 s after the first
# request, 3 per page, and throttles requests closer than 450 ms.
cat >"$TMP/cloudtrail.py" <<'PY'
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
state = {"first": None, "last": 0.0, "keys": set(), "bad": 0, "throttled": 0}
EVENTS = [("s3.amazonaws.com", "ListBuckets", None), ("s3.amazonaws.com", "GetBucketLocation", None),
          ("dynamodb.amazonaws.com", "ListTables", None), ("sts.amazonaws.com", "GetCallerIdentity", None),
          ("iam.amazonaws.com", "CreateRole", "AccessDenied")]
class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args): pass
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        now = time.time()
        if (self.headers.get("X-Amz-Target") != "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"
                or self.headers.get("Content-Type") != "application/x-amz-json-1.1"
                or "/cloudtrail/aws4_request" not in self.headers.get("Authorization", "")):
            state["bad"] += 1
            return self.reply(400, {"__type": "UnknownOperationException"})
        if now - state["last"] < 0.45:
            state["throttled"] += 1
            state["last"] = now
            return self.reply(400, {"__type": "ThrottlingException", "message": "Rate exceeded"})
        state["last"] = now
        state["first"] = state["first"] or now
        key = body["LookupAttributes"][0]["AttributeValue"]
        state["keys"].add(key)
        visible = EVENTS if now - state["first"] >= 2 else []
        start = int(body.get("NextToken", "0"))
        page = visible[start:start + 3]
        events = [{"EventId": f"e{start + i}", "EventName": n, "EventSource": s, "AccessKeyId": key,
                   "EventTime": now, "Resources": [],
                   "CloudTrailEvent": json.dumps({"eventSource": s, "eventName": n, "eventID": f"e{start + i}",
                                                  **({"errorCode": e} if e else {})})}
                  for i, (s, n, e) in enumerate(page)]
        out = {"Events": events}
        if start + 3 < len(visible):
            out["NextToken"] = str(start + 3)
        self.reply(200, out)
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()  # until the test closes our stdin
json.dump({"keys": sorted(state["keys"]), "bad": state["bad"], "throttled": state["throttled"]},
          open(sys.argv[1], "w"))
PY
mkfifo "$TMP/ct.in"
"$PY" "$TMP/cloudtrail.py" "$TMP/ct.state" <"$TMP/ct.in" >"$TMP/ct.port" &
CT_PID=$!
kill_at_exit "$CT_PID"
exec 7>"$TMP/ct.in"
wait_for_file "$TMP/ct.port"
CT_URL="http://127.0.0.1:$(head -1 "$TMP/ct.port")"
# stderr on a terminal (tests/e2e/pty_run.py): the rounds show as a progress line.
AWS_ENDPOINT_URL_CLOUDTRAIL="$CT_URL" "$PY" "$HERE/pty_run.py" "$TMP/ct.json" "$TMP/ct.err" 60 \
  "$BIN" learn --role-arn "$ROLE" --source cloudtrail --wait 8s --json \
  -- sh -c 'aws s3api list-buckets >/dev/null'
rc=$?
exec 7>&-
wait "$CT_PID"
check "learn --source cloudtrail exits 0" test "$rc" -eq 0
[ "$rc" -eq 0 ] || cat "$TMP/ct.err"
check "CloudTrail: a progress line on the terminal, erased at the end" \
  bash -c "grep -qF $'\r\e[Ktryaudex: CloudTrail: ' '$TMP/ct.err' && grep -qF $'at most 8s)\r\e[K' '$TMP/ct.err'"
check "CloudTrail: events mapped, denied and no-permission calls reported" "$PY" - "$TMP/ct.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
acts = {a["action"]: a for a in j["actions"]}
assert set(acts) == {"s3:ListAllMyBuckets", "s3:GetBucketLocation", "dynamodb:ListTables", "iam:CreateRole"}, sorted(acts)
assert acts["iam:CreateRole"]["denied"] == 1, acts
assert [c["operation"] for c in j["no_permission"]] == ["GetCallerIdentity"], j
assert j["source"] == "CloudTrail" and j["stopped_early"] is True, j
assert any(c["action"] == "iam:TagRole" for c in j["conditional"]), j["conditional"]
PY
check "CloudTrail: looked up only the session's access key, well-formed requests" "$PY" - "$TMP/ct.state" "$TMP/ct.json" "$MOTO_URL" "$ROLE" <<'PY'
import json, sys, urllib.request
state = json.load(open(sys.argv[1]))
data = json.load(urllib.request.urlopen(sys.argv[3] + "/moto-api/data.json"))
keys = [r["access_key_id"] for r in data["sts"]["AssumedRole"] if r.get("role_arn") == sys.argv[4]]
assert state["keys"] == [keys[-1]], (state, keys[-1])
assert state["bad"] == 0, state
PY

# --- usage errors: exit 2 with the fix named -------------------------------------
"$BIN" learn --source foo -- true 2>"$TMP/usage1"
check "--source foo: exit 2 naming the choices" bash -c "test $? -eq 2 && grep -q 'give auto, endpoint, csm' '$TMP/usage1'"
"$BIN" learn --resource arn:aws:s3:::b -- true 2>"$TMP/usage2"
check "--resource without --allow: exit 2" bash -c "test $? -eq 2 && grep -q 'give one of them too' '$TMP/usage2'"
"$BIN" learn --role-arn "$ROLE" --save-profile 'bad name' -- true 2>"$TMP/usage3"
check "--save-profile with a bad name: exit 2 before anything runs" \
  bash -c "test $? -eq 2 && grep -q 'profile name' '$TMP/usage3'"
chmod 444 "$TMP/dotfiles-profiles.toml"
"$BIN" learn --role-arn "$ROLE" --save-profile ro-test -- touch "$TMP/ran-anyway" 2>"$TMP/usage4"
rc=$?
chmod 644 "$TMP/dotfiles-profiles.toml"
check "--save-profile into a read-only profiles.toml: exit 5 before anything runs, file untouched" \
  bash -c "test $rc -eq 5 && grep -q 'is read-only; make it writable' '$TMP/usage4' && test ! -e '$TMP/ran-anyway' && ! grep -q ro-test '$TMP/dotfiles-profiles.toml'"

# --- the record ------------------------------------------------------------------
"$BIN" audit verify >"$TMP/verify" 2>&1
check "audit verify: chain intact after learn sessions" grep -q 'chain intact' "$TMP/verify"

finish
