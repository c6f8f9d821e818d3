#!/usr/bin/env bash
# `tryaudex sessions revoke` against Ceph radosgw, whose STS and IAM
# evaluate a role's policies with their conditions: two `run` sessions of
# the same role are live; one is revoked; its next S3 call is refused
# while the other session's still works. This proves the Deny's text
# (StringLike aws:userid "<RoleId>:audex-<id>") where it is enforced; moto
# applies a Deny without its condition (team_revoke_test.sh reports that).
#
#   bash tests/e2e/revoke_radosgw_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup revoke-rgw "$@"
need_tool aws "pip's awscli is on the machine image"

start_radosgw
export AWS_ACCESS_KEY_ID="$RGW_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$RGW_SECRET_KEY"
export AWS_DEFAULT_REGION=us-east-1 AUDEX_ROLE_ARN="$RGW_ROLE_ARN"
unset AWS_PROFILE AWS_SESSION_TOKEN
mkdir -p "$HOME"

# Two sessions of the role: each lists the bucket, says it is ready, waits
# for "go", lists again and records how that went.
session() {
  local name=$1
  "$BIN" run --profile s3-readonly --ttl 20m -- sh -c "
    aws s3 ls s3://$RGW_BUCKET >/dev/null 2>'$TMP/$name.first.err' || exit 9
    echo ready >'$TMP/$name.ready'
    i=0; while [ ! -e '$TMP/go' ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i+1)); done
    aws s3 ls s3://$RGW_BUCKET >/dev/null 2>'$TMP/$name.err'; echo \$? >'$TMP/$name.rc'
    true" >"$TMP/$name.out" 2>"$TMP/$name.log" &
  kill_at_exit $!
}
session one
session two
wait_for_file "$TMP/one.ready" 30
wait_for_file "$TMP/two.ready" 30
check "two live sessions of $RGW_ROLE_NAME list the bucket" test -e "$TMP/one.ready" -a -e "$TMP/two.ready"
ONE=$("$BIN" sessions list --json | "$PY" -c '
import json, sys
for s in json.load(sys.stdin):
    if any("one.ready" in arg for arg in s["command"]):
        print(s["id"])')
check "the first session is listed as active" test -n "$ONE"

"$BIN" sessions revoke "$ONE" --reason "rgw test" --json >"$TMP/revoke.json" 2>"$TMP/revoke.err"
check "sessions revoke puts the Deny (exit 0)" test $? = 0
cat "$TMP/revoke.err"
ROLE_ID=$(aws iam get-role --role-name "$RGW_ROLE_NAME" --query Role.RoleId --output text)
check "the Deny names <RoleId>:audex-<session id>" \
  "$PY" -c "import json; r=json.load(open('$TMP/revoke.json')); assert r['user_id']=='$ROLE_ID:audex-$ONE', r"
echo "# the statement: $("$PY" -c "import json; print(json.load(open('$TMP/revoke.json'))['statement'])")"

touch "$TMP/go"
wait_for_file "$TMP/one.rc" 30
wait_for_file "$TMP/two.rc" 30
check "radosgw refuses the revoked session's next call" test "$(cat "$TMP/one.rc")" != 0
check "radosgw still serves the other session of the same role" test "$(cat "$TMP/two.rc")" = 0

"$BIN" sessions revoke --prune >"$TMP/prune.out" 2>&1
check "sessions revoke --prune keeps the live Deny" grep -q "unchanged" "$TMP/prune.out"
finish
