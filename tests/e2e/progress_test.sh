#!/usr/bin/env bash
# Progress lines on long waits (adapters/process/progress_line.h): shown on
# a terminal (a pseudo-terminal, tests/e2e/pty_run.py), never when stderr
# is a file or with --quiet. `server migrate` on a SQLite store (each
# migration under way), and `drift` on a role with many policies in moto
# (each policy read). learn --wait's CloudTrail rounds: learn_moto_test.sh
# checks that a file gets none of them.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup progress "$@"
need_python_module boto3 "pip's boto3 is on the machine image"
pty_run() { "$PY" "$HERE/pty_run.py" "$@"; }
erase=$'\r\e[K'
no_progress() { ! grep -qF $'\e[K' "$1"; }

# --- server migrate ---------------------------------------------------------------
mkdir -p "$TMP/etc" "$TMP/state"
conf() {
  cat >"$TMP/etc/$1.toml" <<TOML
listen = "127.0.0.1:0"
store = "sqlite://$TMP/state/$1.db"
state_dir = "$TMP/state/$1"
role_arn = "arn:aws:iam::123456789012:role/AudexRole"
region = "us-east-1"

[policies.ci]
actions = ["s3:Get*"]
TOML
  chmod 600 "$TMP/etc/$1.toml"
  mkdir -p "$TMP/state/$1"
  echo "$TMP/etc/$1.toml"
}
pty_run "$TMP/m1.out" "$TMP/m1.tty" 60 "$BIN" server migrate --config "$(conf tty)"
check "migrate on a terminal: exit 0" test $? = 0
check "migrate on a terminal: a progress line for the migration under way" \
  grep -qF "${erase}tryaudex server: migration 1: audit" "$TMP/m1.tty"
check "migrate on a terminal: each migration applied is still its own line" \
  grep -q "migration 1: .*: applied in [0-9]* ms" "$TMP/m1.tty"
check "migrate on a terminal: the progress line is erased before each result line" \
  grep -qF " ...${erase}tryaudex server: migration 1: " "$TMP/m1.tty"

"$BIN" server migrate --config "$(conf file)" >"$TMP/m2.out" 2>"$TMP/m2.err"
check "migrate with stderr in a file: exit 0" test $? = 0
check "migrate with stderr in a file: no progress line" no_progress "$TMP/m2.err"
check "migrate with stderr in a file: the migrations applied are listed" \
  grep -q "migration 1: .*: applied in" "$TMP/m2.err"

pty_run "$TMP/m3.out" "$TMP/m3.tty" 60 "$BIN" server migrate --quiet --config "$(conf quiet)"
check "migrate --quiet on a terminal: exit 0" test $? = 0
check "migrate --quiet on a terminal: no progress line" no_progress "$TMP/m3.tty"

# --- drift on a role with many policies ------------------------------------------
start_moto
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_IAM
"$PY" - "$MOTO_URL" <<'PY' >"$TMP/setup.log" 2>&1
import json, sys
import boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIASETUPSETUPSETUP0", aws_secret_access_key="setup")
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
iam.create_role(RoleName="Many", AssumeRolePolicyDocument=trust)
for i, action in enumerate(["s3:GetObject", "s3:ListBucket", "ec2:DescribeInstances"] * 8):
    arn = iam.create_policy(PolicyName=f"many-{i:02d}", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]}))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="Many", PolicyArn=arn)
print("setup done")
PY
grep -q "setup done" "$TMP/setup.log" || { cat "$TMP/setup.log"; abort "moto: a role with 24 policies"; }
export AWS_ACCESS_KEY_ID=AKIADRIFTDRIFTDRIFT0 AWS_SECRET_ACCESS_KEY=drift-secret
drift=("$BIN" drift --role-arn arn:aws:iam::123456789012:role/Many --expected-policy s3-readonly)

pty_run "$TMP/d1.out" "$TMP/d1.tty" 60 "${drift[@]}"
status=$?
check "drift on a terminal: exit 1 (the role drifts)" test $status = 1
check "drift on a terminal: a progress line per policy read (24 of them)" \
  grep -qF "${erase}tryaudex: reading the role's managed policies: 24 of 24 (many-23)" "$TMP/d1.tty"
check "drift on a terminal: the line is erased when the reading ends" \
  grep -qF "(many-23)$erase" "$TMP/d1.tty"
check "drift on a terminal: the report on stdout is untouched" grep -q "s3-readonly" "$TMP/d1.out"

"${drift[@]}" >"$TMP/d2.out" 2>"$TMP/d2.err"
check "drift with stderr in a file: nothing on stderr" test ! -s "$TMP/d2.err"
check "drift with stderr in a file: the same report" cmp -s "$TMP/d1.out" "$TMP/d2.out"

pty_run "$TMP/d3.out" "$TMP/d3.tty" 60 "${drift[@]}" --quiet
check "drift --quiet on a terminal: no progress line" no_progress "$TMP/d3.tty"
finish
