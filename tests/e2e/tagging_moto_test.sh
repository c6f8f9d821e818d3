#!/usr/bin/env bash
# Issue 20 end to end against moto (SigV4 checking and IAM enforcement on),
# with the aws CLI as the child:
#   - a chain of two roles (--role-arn A --chain B): the child's identity is
#     B, the session policy reached STS on B's AssumeRole only, the plan caps
#     the TTL at one hour and says so
#   - --policy-arn: the managed policy reached STS as PolicyArns on the last
#     hop, and the plan lists it
#   - --tag-session: the policy text (aws:RequestTag Deny on the taggable
#     creates, the Deny on changing the tag), the plan's untaggable creates,
#     AUDEX_SESSION_ID/AUDEX_SESSION_TAG in the child
#   - cleanup SESSION --dry-run lists exactly the bucket, its object, the
#     table, the security group, an instance in it, a queue and a topic the
#     session made, in dependency order; cleanup --yes deletes them
#     and leaves an untagged bucket alone
#   - replay SESSION: the replay's policy reached STS byte for byte as the
#     original's
#   - report --format json: counts equal those computed here from the JSONL
# moto does not enforce session policies, so a create without the tag is
# not refused here: the policy text is what is checked (README, cleanup).
#
#   bash tests/e2e/tagging_moto_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup tagging-moto "$@"
need_tool aws "pip's awscli is on the machine image"

# moto's recording of every request: the exact AssumeRole bodies (its
# data.json keeps the policy but not PolicyArns or Tags).
export MOTO_RECORDER_FILEPATH="$TMP/moto_recording"
# Five setup calls for the user and role A, two for role B.
start_moto --auth 7
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN
ALL='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
setup_moto_user_and_role AudexFirst all "$ALL"
ROLE_A=$ROLE
# moto compares a trust policy's principal with the caller's ARN literally,
# and a session of A is arn:aws:sts::...:assumed-role/AudexFirst/<name>: AWS
# matches that to A's role ARN, moto does not. So B trusts any principal.
TRUST_B='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:TagSession"]}]}'
aws_setup iam create-role --role-name AudexSecond --assume-role-policy-document "$TRUST_B" >/dev/null
aws_setup iam put-role-policy --role-name AudexSecond --policy-name all --policy-document "$ALL"
ROLE_B=arn:aws:iam::123456789012:role/AudexSecond

# The AssumeRole calls moto received while recording, one JSON object a
# line: role, the access key that signed the call, and the form parameters.
curl -s -X POST "$MOTO_URL/moto-api/recorder/start-recording" >/dev/null
assume_calls() {
  curl -s "$MOTO_URL/moto-api/recorder/download-recording" >"$TMP/recording.jsonl"
  "$PY" - "$TMP/recording.jsonl" <<'PY'
import base64, json, sys, urllib.parse
for line in open(sys.argv[1]):
    if not line.strip():
        continue
    r = json.loads(line)
    body = r.get("body") or ""
    if r.get("body_encoded") and body:
        body = base64.b64decode(body).decode("utf-8", "replace")
    form = {k: v[0] for k, v in urllib.parse.parse_qs(body).items()}
    if form.get("Action") != "AssumeRole":
        continue
    auth = {k.lower(): v for k, v in r["headers"].items()}.get("authorization", "")
    form["signed_by"] = auth.split("Credential=")[1].split("/")[0] if "Credential=" in auth else ""
    print(json.dumps(form))
PY
}
# moto's record of the sessions it issued: which role and session name
# each access key belongs to.
issued() {
  "$PY" - "$MOTO_URL" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
print(json.dumps(data.get("sts", {}).get("AssumedRole", [])))
PY
}

# --- a chain of two roles -----------------------------------------------------
"$BIN" run --dry-run --json --role-arn "$ROLE_A" --chain "$ROLE_B" --ttl 2h \
  --allow sts:GetCallerIdentity -- true >"$TMP/chain-plan.json" 2>"$TMP/chain-plan.err"
check "a chain's plan caps the TTL at one hour and says so" "$PY" - "$TMP/chain-plan.json" "$TMP/chain-plan.err" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
said = open(sys.argv[2]).read() + json.dumps(plan)
sys.exit(0 if plan["ttl_seconds"] == 3600 and "one hour" in said
         else f"ttl {plan['ttl_seconds']}, said {said[:400]}")
PY
"$BIN" run --role-arn "$ROLE_A" --chain "$ROLE_B" --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess \
  --allow sts:GetCallerIdentity -- sh -c "env > '$TMP/chain.env'; aws sts get-caller-identity" \
  >"$TMP/chain.out" 2>"$TMP/chain.err"
rc=$?
check "chained run exits 0" test "$rc" -eq 0
check "the child's identity is the second role" grep -q 'assumed-role/AudexSecond/audex-' "$TMP/chain.out"
CHAIN_KEY=$(grep -E '^AWS_ACCESS_KEY_ID=' "$TMP/chain.env" | cut -d= -f2-)
assume_calls >"$TMP/chain-calls.jsonl"
issued >"$TMP/issued1.json"
check "A with the base key, then B with A's key; policy and PolicyArns on B's call only" \
  "$PY" - "$TMP/chain-calls.jsonl" "$TMP/issued1.json" "$CHAIN_KEY" "$ROLE_A" "$ROLE_B" "$BASE_KEY" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
issued = {c["access_key_id"]: c for c in json.load(open(sys.argv[2]))}
key, role_a, role_b, base = sys.argv[3:7]
if len(calls) != 2:
    sys.exit(f"{len(calls)} AssumeRole calls: {calls}")
first, second = calls
if first["RoleArn"] != role_a or first["signed_by"] != base:
    sys.exit(f"first hop: {first}")
if second["RoleArn"] != role_b or issued.get(second["signed_by"], {}).get("role_arn") != role_a:
    sys.exit(f"second hop not signed with A's session: {second}")
if issued.get(key, {}).get("role_arn") != role_b:
    sys.exit(f"the child's key {key} is not B's session")
if "Policy" in first or any(k.startswith("PolicyArns") for k in first):
    sys.exit(f"the first hop carried a policy: {first}")
if "sts:GetCallerIdentity" not in second.get("Policy", "") or \
        second.get("PolicyArns.member.1.arn") != "arn:aws:iam::aws:policy/ReadOnlyAccess":
    sys.exit(f"the second hop lacks the policy or PolicyArns: {second}")
if first.get("DurationSeconds") != "900":
    sys.exit(f"the first hop asked for {first.get('DurationSeconds')} s, not STS's minimum")
PY
check "the plan lists the ceiling with its source" bash -c "
  '$BIN' run --dry-run --role-arn '$ROLE_A' --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess \
    --allow s3:GetObject -- true 2>&1 | grep -q 'Ceiling: *arn:aws:iam::aws:policy/ReadOnlyAccess (--policy-arn)'"
"$BIN" run --dry-run --role-arn "$ROLE_A" --allow s3:GetObject \
  --policy-arn "$(seq -s, -f 'arn:aws:iam::123456789012:policy/P%g' 1 11)" -- true >/dev/null 2>"$TMP/arns.err"
rc=$?
check "eleven managed policies: exit 2 naming the limit of 10" \
  bash -c "test $rc -eq 2 && grep -q 10 '$TMP/arns.err'"

# --- --tag-session ------------------------------------------------------------
ALLOW="s3:CreateBucket,s3:PutBucketTagging,s3:PutObject,dynamodb:CreateTable,ec2:CreateSecurityGroup,ec2:CreateTags"
ALLOW="$ALLOW,ec2:RunInstances,lambda:CreateFunction,lambda:TagResource,iam:PassRole,sqs:CreateQueue,sqs:TagQueue,sns:CreateTopic,sns:TagResource"
"$BIN" run --dry-run --json --role-arn "$ROLE_A" --tag-session --allow "$ALLOW" -- true \
  >"$TMP/tag-plan.json" 2>"$TMP/tag-plan.err"
check "--tag-session dry run exits 0" test $? -eq 0
check "the policy refuses untagged creates and changing the tag" "$PY" - "$TMP/tag-plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
statements = plan["policy"]["Statement"]
def denies(action):
    for s in statements:
        actions = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        cond = s.get("Condition", {}).get("StringNotEquals", {})
        if s["Effect"] == "Deny" and action in actions and "aws:RequestTag/audex-session" in cond:
            return True
    return False
missing = [a for a in ("dynamodb:CreateTable", "ec2:CreateSecurityGroup", "s3:CreateBucket",
                      "ec2:RunInstances", "lambda:CreateFunction", "sqs:CreateQueue",
                      "sns:CreateTopic") if not denies(a)]
keep = [s for s in statements if s["Effect"] == "Deny" and
        "aws:ResourceTag/audex-session" in json.dumps(s.get("Condition", {})) and
        "aws:TagKeys" in json.dumps(s.get("Condition", {}))]
sys.exit(0 if not missing and keep else f"missing {missing}, keep {keep}: {statements}")
PY
"$BIN" run --dry-run --role-arn "$ROLE_A" --tag-session --allow "$ALLOW,logs:CreateLogStream,dynamodb:CreateBackup" \
  -- true >"$TMP/tag-plan.txt" 2>&1
check "the plan names the session tag and lists the creates that cannot be tagged" \
  bash -c "grep -q 'Session tag: audex-session=' '$TMP/tag-plan.txt' &&
    grep -A2 'Cannot be tagged at creation (2' '$TMP/tag-plan.txt' | grep -q dynamodb:CreateBackup &&
    grep -A2 'Cannot be tagged at creation (2' '$TMP/tag-plan.txt' | grep -q logs:CreateLogStream"

# The child makes a bucket, an object in it, a table and a security group,
# each carrying the session's tag. (The bucket is tagged by a second call:
# moto keeps no tags given to CreateBucket, and does not enforce the policy
# that AWS would use to refuse the untagged CreateBucket.)
cat >"$TMP/child.sh" <<'SH'
set -e
env > "$OUT/tag.env"
value=${AUDEX_SESSION_TAG#audex-session=}
aws s3api create-bucket --bucket audex-made >/dev/null
aws s3api put-bucket-tagging --bucket audex-made --tagging "TagSet=[{Key=audex-session,Value=$value}]"
echo data > "$OUT/object.txt"
aws s3api put-object --bucket audex-made --key dir/object.txt --body "$OUT/object.txt" >/dev/null
aws dynamodb create-table --table-name audex-table --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH \
  --tags "Key=audex-session,Value=$value" >/dev/null
aws ec2 create-security-group --group-name audex-sg --description made-by-session \
  --tag-specifications "ResourceType=security-group,Tags=[{Key=audex-session,Value=$value}]" \
  --query GroupId --output text > "$OUT/sg.id"
aws ec2 run-instances --image-id "$AMI" --count 1 --instance-type t2.micro \
  --security-group-ids "$(cat "$OUT/sg.id")" \
  --tag-specifications "ResourceType=instance,Tags=[{Key=audex-session,Value=$value}]" \
  --query 'Instances[0].InstanceId' --output text > "$OUT/instance.id"
# awscli v1 sends SQS to its own host in us-east-1 unless told.
aws sqs create-queue --endpoint-url "$AWS_ENDPOINT_URL" --queue-name audex-queue \
  --tags "audex-session=$value" >/dev/null
aws sns create-topic --name audex-topic --tags "Key=audex-session,Value=$value" >/dev/null
SH
AMI=$(aws ec2 describe-images --owners amazon --query 'Images[0].ImageId' --output text)
OUT=$TMP AMI=$AMI "$BIN" run --role-arn "$ROLE_A" --tag-session --allow "$ALLOW" -- bash "$TMP/child.sh" \
  >"$TMP/tag.out" 2>"$TMP/tag.err"
rc=$?
check "the tagged session's child made its resources" test "$rc" -eq 0
cat "$TMP/tag.err" >&2
SESSION=$(grep -E '^AUDEX_SESSION_ID=' "$TMP/tag.env" | cut -d= -f2-)
check "the child has AUDEX_SESSION_ID and AUDEX_SESSION_TAG=audex-session=<id>" \
  bash -c "test -n '$SESSION' && grep -qx 'AUDEX_SESSION_TAG=audex-session=$SESSION' '$TMP/tag.env'"
SG=$(cat "$TMP/sg.id" 2>/dev/null)
INSTANCE=$(cat "$TMP/instance.id" 2>/dev/null)

# Made outside the session, with no tag: cleanup must leave it.
aws s3api create-bucket --bucket outside-bucket >/dev/null
aws s3api put-object --bucket outside-bucket --key keep.txt --body "$TMP/object.txt" >/dev/null

"$BIN" cleanup "$SESSION" --dry-run --json >"$TMP/cleanup-dry.json" 2>"$TMP/cleanup-dry.err"
check "cleanup --dry-run exits 0" test $? -eq 0
cat "$TMP/cleanup-dry.err" >&2
# (No Lambda function: moto 5.2.1 with IAM checks on refuses even botocore's
# own signature on DeleteFunction.)
check "cleanup --dry-run lists exactly the session's seven resources, in dependency order" \
  "$PY" - "$TMP/cleanup-dry.json" "$SG" "$INSTANCE" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
arns = [r["arn"] for r in plan["resources"]]
# Objects before their bucket, the instance before the security group it
# uses; tables, topics and queues depend on nothing here (ARN order).
want = ["arn:aws:s3:::audex-made/dir/object.txt",
        f"arn:aws:ec2:us-east-1:123456789012:instance/{sys.argv[3]}",
        "arn:aws:dynamodb:us-east-1:123456789012:table/audex-table",
        "arn:aws:sns:us-east-1:123456789012:audex-topic",
        "arn:aws:sqs:us-east-1:123456789012:audex-queue",
        f"arn:aws:ec2:us-east-1:123456789012:security-group/{sys.argv[2]}",
        "arn:aws:s3:::audex-made"]
sys.exit(0 if arns == want else f"listed {arns}, want {want}")
PY
"$BIN" cleanup "$SESSION" --dry-run >"$TMP/cleanup-dry.txt" 2>&1
check "the text listing names each ARN and type" \
  bash -c "grep -q 'arn:aws:s3:::audex-made' '$TMP/cleanup-dry.txt' && grep -q 'dynamodb' '$TMP/cleanup-dry.txt' && grep -q 'Dry run: nothing was deleted' '$TMP/cleanup-dry.txt'"
check "a dry run deletes nothing" bash -c "aws s3api head-bucket --bucket audex-made >/dev/null"
"$BIN" cleanup "$SESSION" </dev/null >"$TMP/cleanup-noterm.out" 2>"$TMP/cleanup-noterm.err"
rc=$?
check "cleanup without a terminal and without --yes refuses (exit 2), naming --yes" \
  bash -c "test $rc -eq 2 && grep -q -- --yes '$TMP/cleanup-noterm.err'"

"$BIN" cleanup "$SESSION" --yes >"$TMP/cleanup.out" 2>"$TMP/cleanup.err"
rc=$?
cat "$TMP/cleanup.out" "$TMP/cleanup.err" >&2
check "cleanup --yes exits 0 and reports seven deletions" \
  bash -c "test $rc -eq 0 && grep -q 'Deleted 7 of 7; 0 failed, 0 skipped' '$TMP/cleanup.out'"
check "the session's bucket is gone" bash -c "! aws s3api head-bucket --bucket audex-made 2>/dev/null"
check "the session's table is gone" \
  bash -c "! aws dynamodb describe-table --table-name audex-table >/dev/null 2>&1"
check "the session's security group is gone" \
  bash -c "! aws ec2 describe-security-groups --group-ids '$SG' >/dev/null 2>&1"
check "the session's instance is terminated" bash -c "test \"\$(aws ec2 describe-instances --instance-ids '$INSTANCE' \
  --query 'Reservations[0].Instances[0].State.Name' --output text)\" = terminated"
check "the session's queue and topic are gone" bash -c "
  ! aws sqs get-queue-url --endpoint-url '$MOTO_URL' --queue-name audex-queue >/dev/null 2>&1 &&
  ! aws sns list-topics --output text | grep -q audex-topic"
check "the untagged bucket and its object are left alone" \
  bash -c "aws s3api head-object --bucket outside-bucket --key keep.txt >/dev/null"
check "the deletions are in the audit log under the session (resources_deleted)" \
  "$PY" - "$AUDEX_HOME/audit.jsonl" "$SESSION" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
deleted = [l for l in lines if l["event"] == "resources_deleted" and l["session_id"] == sys.argv[2]]
sys.exit(0 if len(deleted) == 1 and len(deleted[0]["fields"]["deleted"]) == 7 else f"{deleted}")
PY
"$BIN" cleanup "$SESSION" --dry-run >"$TMP/cleanup-after.txt" 2>&1
check "after cleanup nothing carries the tag" grep -q 'Nothing carries the tag' "$TMP/cleanup-after.txt"

# --- replay -------------------------------------------------------------------
"$BIN" replay "$SESSION" -- sh -c "env > '$TMP/replay.env'" >"$TMP/replay.out" 2>"$TMP/replay.err"
rc=$?
check "replay exits 0" test "$rc" -eq 0
assume_calls >"$TMP/all-calls.jsonl"
check "the replay's policy reached STS byte for byte as the original's" \
  "$PY" - "$TMP/all-calls.jsonl" "$SESSION" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
session = sys.argv[2]
original = [c for c in calls if c["RoleSessionName"] == "audex-" + session]
tagged = [c for c in calls if c.get("Tags.member.1.Value") == session]
replay = [c for c in tagged if c["RoleSessionName"] != "audex-" + session]
if len(original) != 1 or len(replay) != 1:
    sys.exit(f"original {original}, replay {replay}")
sys.exit(0 if original[0]["Policy"] == replay[0]["Policy"]
         else f"{original[0]['Policy']!r} != {replay[0]['Policy']!r}")
PY
check "the tagged sessions sent the session tag to STS" \
  "$PY" - "$TMP/all-calls.jsonl" "$SESSION" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
tagged = [c for c in calls if c.get("Tags.member.1.Key") == "audex-session"]
values = {c.get("Tags.member.1.Value") for c in tagged}
sys.exit(0 if len(tagged) == 2 and values == {sys.argv[2]} else f"{tagged}")
PY
check "the replay has its own id and the original's tag" \
  bash -c "test \"\$(grep -E '^AUDEX_SESSION_ID=' '$TMP/replay.env' | cut -d= -f2-)\" != '$SESSION' && grep -qx 'AUDEX_SESSION_TAG=audex-session=$SESSION' '$TMP/replay.env'"

# A failed session for the report: STS refuses a wrong secret.
AWS_SECRET_ACCESS_KEY=wrong-secret "$BIN" run --role-arn "$ROLE_A" --allow s3:GetObject -- true \
  >/dev/null 2>"$TMP/failed.err"
check "a wrong secret fails the session (exit 4)" test $? -eq 4

# --- report -------------------------------------------------------------------
"$BIN" report --format json >"$TMP/report.json" 2>"$TMP/report.err"
rc=$?
check "report exits 0 (chain intact)" test "$rc" -eq 0
check "report's counts equal those computed from audit.jsonl" \
  "$PY" - "$TMP/report.json" "$AUDEX_HOME/audit.jsonl" <<'PY'
import json, sys, collections
report = json.load(open(sys.argv[1]))
events = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
def name(e): return e.get("event") or e.get("name")
def field(e, k): return e.get(k, e.get("fields", {}).get(k))
created = [e for e in events if name(e) == "session_created"]
failed = {e["session_id"] for e in events if name(e) == "credentials_failed"}
providers = collections.Counter(field(e, "provider") for e in created)
want = {
    "events": len(events),
    "sessions": len(created),
    "replays": sum(1 for e in created if field(e, "replay_of")),
    "tagged_sessions": sum(1 for e in created if field(e, "session_tag")),
    "failed": len(failed),
    "providers": dict(providers),
}
got = {
    "events": report["events"],
    "sessions": report["sessions"],
    "replays": report["replays"],
    "tagged_sessions": report["tagged_sessions"],
    "failed": len(report["failed"]),
    "providers": report["sessions_by_provider"],
}
print(want, file=sys.stderr)
sys.exit(0 if want == got and want["replays"] == 1 and want["tagged_sessions"] == 2
         and want["failed"] == 1 else f"report {got}, log {want}")
PY
"$BIN" report --format csv >"$TMP/report.csv" 2>&1
check "report --format csv prints a header" test -s "$TMP/report.csv"
"$BIN" report --format md --since 1d >"$TMP/report.md" 2>&1
check "report --format md --since 1d exits 0 with a heading" grep -q '^#' "$TMP/report.md"
# --- no secret anywhere ---------------------------------------------------------
for file in chain.env tag.env replay.env; do
  secret=$(grep -E '^AWS_SECRET_ACCESS_KEY=' "$TMP/$file" | cut -d= -f2-)
  check "the secret of $file's session is in no file under AUDEX_HOME, no output and no report" \
    bash -c "test -n '$secret' && ! grep -rqF -- '$secret' '$AUDEX_HOME' '$TMP'/*.out '$TMP'/*.err '$TMP/report.json' '$TMP/cleanup-dry.json' '$TMP/tag-plan.json' '$TMP/report.csv' '$TMP/report.md'"
done
check "the base secret is in no file under AUDEX_HOME" bash -c "! grep -rqF -- '$BASE_SECRET' '$AUDEX_HOME'"

"$BIN" report --format xml >/dev/null 2>"$TMP/report-bad.err"
rc=$?
check "report --format xml: exit 2 naming md, csv and json" \
  bash -c "test $rc -eq 2 && grep -q csv '$TMP/report-bad.err'"
finish
