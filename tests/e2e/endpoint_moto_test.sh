#!/usr/bin/env bash
# The forwarding endpoint end to end against moto with SigV4 checking on,
# with four real clients as children: the aws CLI, boto3, the JavaScript
# SDK v3 and Terraform (Go SDK v2), each making S3 (list, get, multipart
# put), DynamoDB, SQS and STS calls:
#   - learn --source endpoint: the learned actions and call counts equal
#     those derived from moto's own request recording of the same run
#   - run --broker: the child's environment holds no working credential (its
#     keys fail against moto directly, the session's key is not in it) and
#     every client still works; each call is a broker_call audit event
#   - a 200 MiB upload and download stream through: tryaudex's peak memory
#     stays far below the body size
#   - calls that hand out credentials (sts:AssumeRole, GetSessionToken) are
#     refused under --broker unless --allow-credential-calls, and audited
#   - bad input (no SigV4, unknown service, forged secret, another host, a
#     presigned URL) is refused with the AWS error shape and nothing reaches
#     moto
#
#   bash tests/e2e/endpoint_moto_test.sh path/to/tryaudex NPM_DIR NODE
# (NPM_DIR holds sdk_child.mjs beside the node_modules it imports from)
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup endpoint-moto "$@"
need_tool ss "scripts/setup installs iproute2"
NPM_DIR=${2:?usage: endpoint_moto_test.sh TRYAUDEX NPM_DIR NODE}
NODE=${3:?usage: endpoint_moto_test.sh TRYAUDEX NPM_DIR NODE}

export MOTO_RECORDER_FILEPATH="$TMP/moto_recording"
start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_CSM_ENABLED AWS_CSM_PORT
ALL='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
setup_moto_user_and_role EndpointRole all "$ALL"

aws s3api create-bucket --bucket ep-data >/dev/null
echo hello >"$TMP/obj.txt"
aws s3api put-object --bucket ep-data --key in/obj.txt --body "$TMP/obj.txt" >/dev/null
aws dynamodb create-table --table-name ep-table --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH >/dev/null
# awscli v1 sends SQS calls to queue.amazonaws.com whatever AWS_ENDPOINT_URL
# says (testbed.md): it is given the endpoint explicitly, here and in the child.
aws sqs create-queue --queue-name ep-queue --endpoint-url "$MOTO_URL" >/dev/null
# Text, not random bytes: moto's /moto-api/data.json cannot show binary objects.
head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$TMP/big.bin"

# --- the children --------------------------------------------------------------
cat >"$TMP/aws_cli.sh" <<SH
set -eu
aws s3api list-objects-v2 --bucket ep-data >/dev/null
aws s3api get-object --bucket ep-data --key in/obj.txt "$TMP/got-cli.txt" >/dev/null
# 9 MiB is over the CLI's 8 MiB threshold: a multipart upload.
aws s3 cp "$TMP/big.bin" s3://ep-data/cli/big.bin --quiet
aws s3 cp s3://ep-data/cli/big.bin "$TMP/big-back.bin" --quiet
cmp "$TMP/big.bin" "$TMP/big-back.bin"
aws dynamodb put-item --table-name ep-table --item '{"pk":{"S":"cli"}}'
aws dynamodb get-item --table-name ep-table --key '{"pk":{"S":"cli"}}' >/dev/null
URL=\$(aws sqs get-queue-url --queue-name ep-queue --query QueueUrl --output text --endpoint-url "\$AWS_ENDPOINT_URL")
aws sqs send-message --queue-url "\$URL" --message-body from-cli --endpoint-url "\$AWS_ENDPOINT_URL" >/dev/null
aws sts get-caller-identity >/dev/null
SH
cat >"$TMP/boto3_child.py" <<'PY'
import sys, boto3
from boto3.s3.transfer import TransferConfig
tmp = sys.argv[1]
s3 = boto3.client("s3")
s3.list_objects_v2(Bucket="ep-data")
s3.get_object(Bucket="ep-data", Key="in/obj.txt")["Body"].read()
s3.upload_file(tmp + "/big.bin", "ep-data", "py/big.bin",
               Config=TransferConfig(multipart_threshold=5 * 1024 * 1024,
                                     multipart_chunksize=5 * 1024 * 1024, max_concurrency=2))
ddb = boto3.client("dynamodb")
ddb.put_item(TableName="ep-table", Item={"pk": {"S": "py"}})
ddb.get_item(TableName="ep-table", Key={"pk": {"S": "py"}})
sqs = boto3.client("sqs")
url = sqs.get_queue_url(QueueName="ep-queue")["QueueUrl"]
sqs.send_message(QueueUrl=url, MessageBody="from boto3")
boto3.client("sts").get_caller_identity()
PY
mkdir -p "$TMP/tf"
cat >"$TMP/tf/main.tf" <<'TF'
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
provider "aws" {
  s3_use_path_style           = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
data "aws_caller_identity" "me" {}
data "aws_s3_objects" "all" {
  bucket = "ep-data"
}
data "aws_s3_object" "in" {
  bucket = "ep-data"
  key    = "in/obj.txt"
}
data "aws_dynamodb_table" "t" {
  name = "ep-table"
}
data "aws_sqs_queue" "q" {
  name = "ep-queue"
}
resource "aws_s3_object" "out" {
  bucket  = "ep-data"
  key     = "tf/out.txt"
  content = "from terraform ${data.aws_caller_identity.me.account_id}"
}
output "table_arn" { value = data.aws_dynamodb_table.t.arn }
TF
cat >"$TMP/tfrc" <<'RC'
provider_installation {
  filesystem_mirror {
    path    = "/opt/tf-plugins"
    include = ["registry.terraform.io/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/*"]
  }
}
RC
export TF_CLI_CONFIG_FILE="$TMP/tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
(cd "$TMP/tf" && terraform init -input=false -no-color >"$TMP/tf-init.log" 2>&1)
check "terraform init from the local provider mirror" test $? -eq 0
cat >"$TMP/terraform.sh" <<SH
set -eu
cd "$TMP/tf"
rm -f terraform.tfstate terraform.tfstate.backup
terraform apply -input=false -auto-approve -no-color >"$TMP/tf-apply.log" 2>&1
SH

declare -A CHILD=(
  [aws-cli]="bash $TMP/aws_cli.sh"
  [boto3]="$PY $TMP/boto3_child.py $TMP"
  [js-v3]="$NODE $NPM_DIR/sdk_child.mjs ep-data in/obj.txt ep-table ep-queue"
  [terraform]="bash $TMP/terraform.sh"
)

# Ground truth: every request moto recorded that was signed with KEY, mapped
# to IAM actions the way moto maps them (moto.s3.responses.ACTION_MAP for S3
# REST; X-Amz-Target or Action= for JSON and query protocols).
truth() {
  "$PY" - "$TMP/recording.jsonl" "$1" <<'PY'
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
            action = "ListAllMyBuckets"
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
}

# The session's access key: the one, other than the base user's and the
# child's placeholder, that signed requests in the last recording.
last_session_key() {
  "$PY" - "$TMP/recording.jsonl" "$BASE_KEY" <<'PY'
import json, re, sys
keys = []
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    auth = {k.lower(): v for k, v in json.loads(line)["headers"].items()}.get("authorization", "")
    m = re.search(r"Credential=([^/]+)/", auth)
    if m and m.group(1) != sys.argv[2] and not m.group(1).startswith("AUDX") and m.group(1) not in keys:
        keys.append(m.group(1))
print(keys[-1] if len(keys) == 1 else "")
PY
}

record_start() {
  curl -s -X POST "$MOTO_URL/moto-api/recorder/reset-recording" >/dev/null
  curl -s -X POST "$MOTO_URL/moto-api/recorder/start-recording" >/dev/null
}
# moto's recorder appends from several threads without a lock: concurrent
# requests (multipart uploads) can share a line. One record per line again:
record_stop() {
  curl -s -X POST "$MOTO_URL/moto-api/recorder/stop-recording" >/dev/null
  curl -s "$MOTO_URL/moto-api/recorder/download-recording" | "$PY" -c '
import json, sys
decoder = json.JSONDecoder()
for line in sys.stdin:
    line = line.strip()
    while line:
        record, end = decoder.raw_decode(line)
        print(json.dumps(record))
        line = line[end:].strip()
' >"$TMP/recording.jsonl"
}

# --- learn --source endpoint: every client, learned == recorded ----------------
for client in aws-cli boto3 js-v3 terraform; do
  record_start
  # The child's own output stays out of learn's JSON.
  "$BIN" learn --role-arn "$ROLE" --source endpoint --json -- bash -c "${CHILD[$client]} >/dev/null" \
    >"$TMP/learn-$client.json" 2>"$TMP/learn-$client.err"
  rc=$?
  record_stop
  check "learn --source endpoint with $client exits 0" test "$rc" -eq 0
  [ "$rc" -eq 0 ] || { tail -5 "$TMP/learn-$client.err"; tail -5 "$TMP/tf-apply.log" 2>/dev/null; }
  head -c 200 "$TMP/learn-$client.json" | grep -q '^{' || head -c 300 "$TMP/learn-$client.json"
  truth "$(last_session_key)" >"$TMP/truth-$client.json"
  check "$client: learned actions and counts equal moto's recording" \
    "$PY" - "$TMP/learn-$client.json" "$TMP/truth-$client.json" <<'PY'
import json, sys
learned = {a["action"].lower(): a["calls"] for a in json.load(open(sys.argv[1]))["actions"]}
truth = {a.lower(): n for a, n in json.load(open(sys.argv[2])).items()}
sys.exit(0 if learned == truth and truth else f"learned {learned} != recorded {truth}")
PY
done
check "the multipart uploads were seen as PutObject calls" "$PY" - "$TMP/learn-aws-cli.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
ops = {op.split(" ")[-1] for a in j["actions"] for op in a["operations"]}
need = {"CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "ListObjectsV2",
        "GetObject", "PutItem", "GetItem", "SendMessage"}
sys.exit(0 if need <= ops else f"missing {need - ops} in {ops}")
PY

# --- run --broker: no working credential in the child, everything works -------
cat >"$TMP/broker_child.sh" <<SH
set -u
env | grep '^AWS_' >"$TMP/child-env.txt"
ss -Hltn "sport = :\${AWS_ENDPOINT_URL##*:}" | awk '{print \$3}' >"$TMP/endpoint-backlog.txt"
status=0
for c in aws-cli boto3 js-v3 terraform; do
  case \$c in
    aws-cli) bash "$TMP/aws_cli.sh" || { echo "aws-cli failed" >&2; status=1; } ;;
    boto3) "$PY" "$TMP/boto3_child.py" "$TMP" || { echo "boto3 failed" >&2; status=1; } ;;
    js-v3) "$NODE" "$NPM_DIR/sdk_child.mjs" ep-data in/obj.txt ep-table ep-queue >/dev/null || { echo "js failed" >&2; status=1; } ;;
    terraform) bash "$TMP/terraform.sh" || { echo "terraform failed" >&2; status=1; } ;;
  esac
done
exit \$status
SH
record_start
"$BIN" run --broker --role-arn "$ROLE" --allow 's3:*,dynamodb:*,sqs:*,sts:GetCallerIdentity' \
  -- bash "$TMP/broker_child.sh" >"$TMP/broker.out" 2>"$TMP/broker.err"
rc=$?
record_stop
check "run --broker: every client works through the endpoint (exit 0)" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { tail -20 "$TMP/broker.err"; tail -5 "$TMP/tf-apply.log"; }
SESSION_KEY=$(last_session_key)
check "one session key signed the forwarded calls" test -n "$SESSION_KEY"
# SDKs open their connection pools at once (the JS SDK's multipart upload,
# Terraform's providers): cpp-httplib's backlog of 5 overflowed into SYN
# cookies and resets (listen_backlog.h).
check "the endpoint listens with the system's backlog ($(cat "$TMP/endpoint-backlog.txt"))" \
  test "$(cat "$TMP/endpoint-backlog.txt")" -ge 128
CHILD_KEY=$(sed -n 's/^AWS_ACCESS_KEY_ID=//p' "$TMP/child-env.txt")
CHILD_SECRET=$(sed -n 's/^AWS_SECRET_ACCESS_KEY=//p' "$TMP/child-env.txt")
check "the child's access key is a placeholder, not the session's" \
  bash -c "[[ '$CHILD_KEY' == AUDX* ]] && [ '$CHILD_KEY' != '$SESSION_KEY' ]"
check "the child holds no session token and its endpoint is Audex's" bash -c \
  "! grep -q '^AWS_SESSION_TOKEN=' '$TMP/child-env.txt' && grep -q '^AWS_ENDPOINT_URL=http://127.0.0.1:' '$TMP/child-env.txt'"
check "no session key or base key anywhere in the child's environment" bash -c \
  "! grep -qE '$SESSION_KEY|$BASE_KEY|$BASE_SECRET' '$TMP/child-env.txt'"
AWS_ACCESS_KEY_ID="$CHILD_KEY" AWS_SECRET_ACCESS_KEY="$CHILD_SECRET" \
  aws s3api list-objects-v2 --bucket ep-data >/dev/null 2>"$TMP/direct.err"
rc=$?
check "the child's credentials fail against moto directly" \
  bash -c "test $rc -ne 0 && grep -qE 'InvalidClientTokenId|InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied' '$TMP/direct.err'"
check "moto saw the child's calls signed with the session key only" "$PY" - "$TMP/recording.jsonl" "$SESSION_KEY" "$CHILD_KEY" <<'PY'
import json, sys
session = child = 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    auth = {k.lower(): v for k, v in json.loads(line)["headers"].items()}.get("authorization", "")
    session += ("Credential=" + sys.argv[2] + "/") in auth
    child += sys.argv[3] in auth
sys.exit(0 if session > 20 and child == 0 else f"session-signed {session}, child-signed {child}")
PY
check "every call is a broker_call audit event with service, operation and status" \
  "$PY" - "$AUDEX_HOME" "$SESSION_KEY" <<'PY'
import glob, json, os, sys
lines = []
for path in glob.glob(os.path.join(sys.argv[1], "**", "audit.jsonl"), recursive=True):
    lines += [json.loads(l) for l in open(path) if l.strip()]
started = [l for l in lines if l["event"] == "broker_started"]
assert started, "no broker_started"
sid = started[-1]["session_id"]
calls = [l["fields"] for l in lines if l["event"] == "broker_call" and l["session_id"] == sid]
ops = {(c["service"], c["operation"]) for c in calls}
need = {("S3", "ListObjectsV2"), ("S3", "UploadPart"), ("DynamoDB", "PutItem"),
        ("SQS", "SendMessage"), ("STS", "GetCallerIdentity")}
assert need <= ops, (need - ops, ops)
assert all(c["status"] is not None and not c["refused"] for c in calls), calls
ended = [l for l in lines if l["event"] == "session_ended" and l["session_id"] == sid]
assert ended, "no session_ended"
# The endpoint stops, its calls recorded, before the end is: no broker_call after it.
order = [l["event"] for l in lines if l["session_id"] == sid]
assert order[-1] == "session_ended" and order.count("session_ended") == 1, order[-5:]
text = open(glob.glob(os.path.join(sys.argv[1], "**", "audit.jsonl"), recursive=True)[0]).read()
assert sys.argv[2] not in text or True  # the access key id may be audited; secrets never are
PY
check "no secret of the child or the session in the audit log or tryaudex's output" bash -c \
  "! grep -rqE '$CHILD_SECRET|$BASE_SECRET' '$AUDEX_HOME' '$TMP/broker.err' '$TMP/broker.out'"

# --- run --broker: calls that would hand the child a credential --------------
"$BIN" run --broker --role-arn "$ROLE" --allow 's3:*' --dry-run --json -- true >"$TMP/dry.json"
check "--dry-run --json shows the broker and the child's endpoint variable" "$PY" - "$TMP/dry.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
env = j["child_environment"]
assert j["broker"] == {"allow_credential_calls": False}, j.get("broker")
assert "AWS_ENDPOINT_URL" in env and "AWS_SESSION_TOKEN" not in env, env
PY
"$BIN" run --broker --allow-credential-calls --role-arn "$ROLE" --allow 's3:*' --dry-run -- true \
  >"$TMP/dry.txt"
check "--dry-run says what the broker forwards" grep -q '^Broker: .*forwarded (--allow-credential-calls)' "$TMP/dry.txt"
"$BIN" run --allow-credential-calls --role-arn "$ROLE" --allow 's3:*' -- true 2>"$TMP/acc.err"
check "--allow-credential-calls without --broker: exit 2 naming the fix" bash -c \
  "test $? -eq 2 && grep -q 'add --broker or drop it' '$TMP/acc.err'"
"$BIN" run --broker --serve --role-arn "$ROLE" --allow 's3:*' -- true 2>"$TMP/bs.err"
check "--broker with --serve: exit 2" bash -c "test $? -eq 2 && grep -q -- '--broker and --serve' '$TMP/bs.err'"

cat >"$TMP/issuing.sh" <<SH
aws sts assume-role --role-arn "$ROLE" --role-session-name from-child >"$TMP/assume.out" 2>"$TMP/assume.err"
echo "assume \$?"
aws sts get-session-token >"$TMP/token.out" 2>"$TMP/token.err"
echo "token \$?"
aws sts get-caller-identity >/dev/null 2>&1
echo "identity \$?"
SH
record_start
"$BIN" run --broker --role-arn "$ROLE" --allow 'sts:AssumeRole,sts:GetSessionToken' \
  -- bash "$TMP/issuing.sh" >"$TMP/issuing.out" 2>"$TMP/issuing.err"
record_stop
SESSION_KEY=$(last_session_key)
check "sts:AssumeRole from a --broker child is refused naming --allow-credential-calls" bash -c \
  "grep -q '^assume [1-9]' '$TMP/issuing.out' && grep -q AccessDenied '$TMP/assume.err' && grep -q -- '--allow-credential-calls' '$TMP/assume.err' && ! grep -q AccessKeyId '$TMP/assume.out'"
check "sts:GetSessionToken is refused too; other STS calls still work" bash -c \
  "grep -q '^token [1-9]' '$TMP/issuing.out' && grep -q '^identity 0' '$TMP/issuing.out'"
check "neither credential call reached moto" "$PY" - "$TMP/recording.jsonl" "$SESSION_KEY" <<'PY'
import base64, json, sys, urllib.parse
actions = []
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    auth = {k.lower(): v for k, v in r["headers"].items()}.get("authorization", "")
    if ("Credential=" + sys.argv[2] + "/") not in auth:
        continue  # tryaudex's own AssumeRole, signed with the base key
    body = r.get("body") or ""
    if r.get("body_encoded") and body:
        body = base64.b64decode(body).decode("utf-8", "replace")
    actions += urllib.parse.parse_qs(body).get("Action", [])
sys.exit(0 if actions == ["GetCallerIdentity"] else f"the session key sent {actions}")
PY
check "the refusals are audited as refused STS broker_call events" "$PY" - "$AUDEX_HOME" <<'PY'
import glob, json, os
lines = []
for path in glob.glob(os.path.join(os.environ.get("AUDEX_HOME", "."), "**", "audit.jsonl"), recursive=True):
    lines += [json.loads(l) for l in open(path) if l.strip()]
sid = [l for l in lines if l["event"] == "broker_started"][-1]["session_id"]
calls = {(c["operation"], c["refused"], c["error_code"]) for c in
         (l["fields"] for l in lines if l["event"] == "broker_call" and l["session_id"] == sid)}
assert ("AssumeRole", True, "AccessDenied") in calls, calls
assert ("GetSessionToken", True, "AccessDenied") in calls, calls
assert ("GetCallerIdentity", False, "") in calls, calls
PY

# A role the session may assume (EndpointRole trusts only the base user).
CHILD_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
aws iam create-role --role-name ChildRole --assume-role-policy-document "$CHILD_TRUST" >/dev/null
record_start
"$BIN" run --broker --allow-credential-calls --role-arn "$ROLE" --allow 'sts:AssumeRole' \
  -- aws sts assume-role --role-arn "${ROLE%/*}/ChildRole" --role-session-name allowed-child \
  >"$TMP/allowed.out" 2>"$TMP/allowed.err"
rc=$?
record_stop
SESSION_KEY=$(last_session_key)
check "with --allow-credential-calls the child's AssumeRole is forwarded and answered" bash -c \
  "test $rc -eq 0 && grep -q AccessKeyId '$TMP/allowed.out'"
[ "$rc" -eq 0 ] || tail -5 "$TMP/allowed.err"
check "moto saw that AssumeRole signed with the session's key" "$PY" - "$TMP/recording.jsonl" "$SESSION_KEY" <<'PY'
import base64, json, sys
n = 0
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    body = r.get("body") or ""
    if r.get("body_encoded") and body:
        body = base64.b64decode(body).decode("utf-8", "replace")
    auth = {k.lower(): v for k, v in r["headers"].items()}.get("authorization", "")
    n += "allowed-child" in body and ("Credential=" + sys.argv[2] + "/") in auth
sys.exit(0 if n == 1 else f"{n} forwarded AssumeRole calls")
PY

# --- streaming: 200 MiB up and down, tryaudex's memory stays small -----------
head -c $((200 * 1024 * 1024)) /dev/zero | tr '\0' 'b' >"$TMP/huge.bin"
cat >"$TMP/stream.sh" <<'SH'
set -eu
sign() { curl -sf --aws-sigv4 aws:amz:us-east-1:s3 --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$@"; }
# One PutObject (no multipart) and one GetObject of the whole object.
sign -T "$HUGE" "$AWS_ENDPOINT_URL/ep-data/huge.bin" >/dev/null
sign -o "$HUGE.back" "$AWS_ENDPOINT_URL/ep-data/huge.bin"
cmp "$HUGE" "$HUGE.back"
# The endpoint runs in tryaudex, this command's parent: its peak resident set.
sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$PPID/status" >"$HWM"
SH
HUGE="$TMP/huge.bin" HWM="$TMP/hwm.txt" "$BIN" run --broker --role-arn "$ROLE" --allow 's3:*' \
  -- bash "$TMP/stream.sh" >"$TMP/stream.out" 2>"$TMP/stream.err"
rc=$?
check "a 200 MiB PutObject and GetObject through the endpoint, bytes intact" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -5 "$TMP/stream.err"
check "tryaudex's peak memory stays under 64 MiB: neither body was held whole" \
  bash -c "test -s '$TMP/hwm.txt' && test \$(cat '$TMP/hwm.txt') -lt 65536"
echo "# tryaudex peak RSS during 2 x 200 MiB through the endpoint: $(cat "$TMP/hwm.txt" 2>/dev/null) kB"
rm -f "$TMP/huge.bin" "$TMP/huge.bin.back"

# --- bad input: refused, nothing forwarded -------------------------------------
cat >"$TMP/bad.sh" <<'SH'
set -u
E=$AWS_ENDPOINT_URL
K=$AWS_ACCESS_KEY_ID
S=$AWS_SECRET_ACCESS_KEY
out() { echo "$1 $(curl -s -o "$OUT/$1.body" -w '%{http_code}' "${@:2}")"; }
out nosig "$E/"
out sigv2 -H "Authorization: AWS $K:c2lnbmF0dXJl" "$E/ep-data"
out unknown --aws-sigv4 "aws:amz:us-east-1:nosuchservice" --user "$K:$S" -X POST -d '{}' "$E/"
out forged --aws-sigv4 "aws:amz:us-east-1:s3" --user "$K:not-the-secret" "$E/ep-data"
out otherkey --aws-sigv4 "aws:amz:us-east-1:s3" --user "AKIAOTHER:$S" "$E/ep-data"
out otherhost --aws-sigv4 "aws:amz:us-east-1:s3" --user "$K:$S" -H "Host: s3.amazonaws.com" "$E/ep-data"
URL=$(aws s3 presign s3://ep-data/in/obj.txt)
out presigned "$URL"
SH
mkdir -p "$TMP/bad"
record_start
OUT="$TMP/bad" "$BIN" run --broker --role-arn "$ROLE" --allow 's3:*' -- bash "$TMP/bad.sh" \
  >"$TMP/bad.out" 2>"$TMP/bad.err"
record_stop
SESSION_KEY=$(last_session_key)
check "no SigV4 at all: 403 MissingAuthenticationToken" bash -c \
  "grep -qx 'nosig 403' '$TMP/bad.out' && grep -q MissingAuthenticationToken '$TMP/bad/nosig.body'"
check "SigV2 header (no scope): 400 AuthorizationHeaderMalformed" bash -c \
  "grep -qx 'sigv2 400' '$TMP/bad.out' && grep -q AuthorizationHeaderMalformed '$TMP/bad/sigv2.body'"
check "unknown service: 400 UnknownService" bash -c \
  "grep -qx 'unknown 400' '$TMP/bad.out' && grep -q UnknownService '$TMP/bad/unknown.body'"
check "forged secret: 403 SignatureDoesNotMatch in S3's error shape" bash -c \
  "grep -qx 'forged 403' '$TMP/bad.out' && grep -q '<Error><Code>SignatureDoesNotMatch' '$TMP/bad/forged.body'"
check "another access key: 403 InvalidClientTokenId" bash -c \
  "grep -qx 'otherkey 403' '$TMP/bad.out' && grep -q InvalidClientTokenId '$TMP/bad/otherkey.body'"
check "a request for another host: 400 InvalidHost" bash -c \
  "grep -qx 'otherhost 400' '$TMP/bad.out' && grep -q InvalidHost '$TMP/bad/otherhost.body'"
check "a presigned URL from the child: 403 naming presigned URLs" bash -c \
  "grep -qx 'presigned 403' '$TMP/bad.out' && grep -q presigned '$TMP/bad/presigned.body'"
check "nothing of the bad requests reached moto" "$PY" - "$TMP/recording.jsonl" "$SESSION_KEY" <<'PY'
import json, sys
n = sum(1 for l in open(sys.argv[1]) if l.strip() and ("Credential=" + sys.argv[2] + "/") in
        {k.lower(): v for k, v in json.loads(l)["headers"].items()}.get("authorization", ""))
sys.exit(0 if n == 0 else f"{n} requests forwarded")
PY
check "the refusals are audited as refused broker_call events" "$PY" - "$AUDEX_HOME" <<'PY'
import glob, json, os, sys
lines = []
for path in glob.glob(os.path.join(sys.argv[1], "**", "audit.jsonl"), recursive=True):
    lines += [json.loads(l) for l in open(path) if l.strip()]
sid = [l for l in lines if l["event"] == "broker_started"][-1]["session_id"]
calls = [l["fields"] for l in lines if l["event"] == "broker_call" and l["session_id"] == sid]
codes = sorted(c["error_code"] for c in calls if c["refused"])
assert len(codes) == 7, codes
assert "SignatureDoesNotMatch" in codes and "UnknownService" in codes, codes
PY

finish
