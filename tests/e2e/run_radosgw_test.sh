#!/usr/bin/env bash
# `tryaudex run` against Ceph radosgw, a real STS that enforces session
# policies: with --profile s3-readonly the child (the aws CLI) can list and
# read the bucket and is refused a write; a TTL beyond the role's maximum
# and an unknown role come back as clear errors.
#
#   bash tests/e2e/run_radosgw_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup run-rgw "$@"
need_tool aws "pip's awscli is on the machine image"

start_radosgw
export AWS_ACCESS_KEY_ID="$RGW_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$RGW_SECRET_KEY"
export AWS_DEFAULT_REGION=us-east-1 AUDEX_ROLE_ARN="$RGW_ROLE_ARN"
unset AWS_PROFILE AWS_SESSION_TOKEN
mkdir -p "$HOME"
echo "written by a read-only session?" >"$TMP/upload.txt"

"$BIN" run --profile s3-readonly -- aws s3 ls "s3://$RGW_BUCKET" >"$TMP/ls.out" 2>"$TMP/ls.err"
rc=$?
check "read-only session lists the bucket (exit 0)" test "$rc" -eq 0
check "the listing shows $RGW_OBJECT" grep -q "$RGW_OBJECT" "$TMP/ls.out"
check "s3:HeadObject was dropped with a note, so radosgw accepted the policy" \
  grep -q "note: dropped s3:HeadObject" "$TMP/ls.err"

"$BIN" run --profile s3-readonly -- aws s3 cp "s3://$RGW_BUCKET/$RGW_OBJECT" "$TMP/got.txt" \
  >/dev/null 2>&1
check "read-only session reads the object" test -s "$TMP/got.txt"

"$BIN" run --profile s3-readonly -- aws s3 cp "$TMP/upload.txt" "s3://$RGW_BUCKET/denied.txt" \
  >"$TMP/cp.out" 2>"$TMP/cp.err"
rc=$?
check "write is refused inside the child (non-zero exit passed through)" test "$rc" -ne 0
# The refusal itself, seen with the root keys: the object must not exist.
aws s3api head-object --bucket "$RGW_BUCKET" --key denied.txt >/dev/null 2>&1
check "the denied object was not written" test $? -ne 0

"$BIN" run --profile s3-readwrite -- aws s3 cp "$TMP/upload.txt" "s3://$RGW_BUCKET/allowed.txt" \
  >/dev/null 2>&1
check "a read-write session may write (the role allows it; only the policy narrowed)" test $? -eq 0

"$BIN" run --profile s3-readonly --ttl 2h -- true >/dev/null 2>"$TMP/ttl.err"
rc=$?
check "TTL above the role's maximum -> exit 4 with a message about --ttl" \
  bash -c "test $rc -eq 4 && grep -q 'ttl' '$TMP/ttl.err'"
"$BIN" run --role-arn arn:aws:iam:::role/NoSuchRole --profile s3-readonly -- true \
  >/dev/null 2>"$TMP/role.err"
rc=$?
check "unknown role -> exit 4 naming the role" \
  bash -c "test $rc -eq 4 && grep -q NoSuchRole '$TMP/role.err'"

"$BIN" audit verify >"$TMP/verify" 2>&1
check "audit chain intact after the sessions" grep -q "chain intact" "$TMP/verify"

finish
