#!/usr/bin/env bash
# Smoke test of the local Ceph radosgw that the README's demo and the
# integration tests use: scripts/local-cloud starts it in a temporary
# directory (installing the Debian packages if missing), then the aws CLI
# checks that STS AssumeRole with a session policy really narrows what the
# credentials can do, and that radosgw refuses what it should. Stops the
# cluster on any exit. About a minute (the first run adds the install).
#
# Prints `ok - ...` / `not ok - ...` lines and ends with `N passed, M failed`.
# Registered in CTest as integration.radosgw.smoke (integration/radosgw.cmake).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root=$(pwd)

# check, finish, need_tool; ok and not_ok count on the same tallies.
. "$root/tests/e2e/lib.sh"
ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }

need_tool aws "pip's awscli is on the machine image"
need_tool curl "scripts/setup installs it"
need_tool python3 "scripts/setup installs it"
need_tool ss "scripts/setup installs iproute2"

work=$(mktemp -d "${TMPDIR:-/tmp}/audex-radosgw-smoke.XXXXXX")
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  "$root/scripts/local-cloud" radosgw stop "$work/cloud" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- start -----------------------------------------------------------------
started=$SECONDS
if ! "$root/scripts/local-cloud" radosgw start "$work/cloud" >"$work/start.out" 2>&1; then
  sed 's/^/# /' "$work/start.out"
  not_ok "scripts/local-cloud radosgw start"
  finish
fi
ok "scripts/local-cloud radosgw start ($((SECONDS - started))s)"

envf=$work/cloud/radosgw.env
missing=""
for key in RGW_URL RGW_PORT RGW_ACCESS_KEY RGW_SECRET_KEY RGW_ROLE_ARN RGW_BUCKET RGW_PID RGW_OSD_PID RGW_MON_PID; do
  grep -q "^$key=." "$envf" || missing+=" $key"
done
check "radosgw.env has every key${missing:+ (missing:$missing)}" test -z "$missing"
set -a
# shellcheck disable=SC1090
. "$envf"
set +a

check "radosgw listens on 127.0.0.1 only" \
  bash -c "ss -ltnH | awk '{print \$4}' | grep -q '^127.0.0.1:$RGW_PORT\$' &&
           ! ss -ltnH | awk '{print \$4}' | grep -v '^127.0.0.1:' | grep -q ':$RGW_PORT\$'"

"$root/scripts/local-cloud" radosgw start "$work/cloud" >"$work/start2.out" 2>&1
check "a second start reuses the running cluster" grep -q "^RGW_PID=$RGW_PID\$" "$work/start2.out"
check "status reports it running" bash -c "'$root/scripts/local-cloud' status '$work/cloud' | grep -q '^radosgw: running'"

# --- aws CLI helpers -------------------------------------------------------
# A clean environment: only the credentials given, no profile or config.
clean_env=(env -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN -u AWS_SECURITY_TOKEN
  -u AWS_ENDPOINT_URL_STS -u AWS_ENDPOINT_URL_S3 -u AWS_ENDPOINT_URL_IAM
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
  AWS_DEFAULT_REGION="${RGW_REGION:-us-east-1}" AWS_ENDPOINT_URL="$RGW_URL")
as_user() {
  "${clean_env[@]}" AWS_ACCESS_KEY_ID="$RGW_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$RGW_SECRET_KEY" \
    timeout 60 aws --cli-connect-timeout 10 --cli-read-timeout 30 "$@"
}
as_session() { # as_session CREDS_FILE aws-args...
  local creds=$1
  shift
  "${clean_env[@]}" AWS_ACCESS_KEY_ID="$(sed -n 1p "$creds")" AWS_SECRET_ACCESS_KEY="$(sed -n 2p "$creds")" \
    AWS_SESSION_TOKEN="$(sed -n 3p "$creds")" \
    timeout 60 aws --cli-connect-timeout 10 --cli-read-timeout 30 "$@"
}
# The aws CLI (v1) cannot parse radosgw's bare <Error> STS replies (it says
# "Unknown"), and crashes on its S3 errors' empty <Message> ("argument of type
# 'NoneType' is not iterable"): read the code and status from --debug.
error_code() { grep -o '<Code>[A-Za-z]*</Code>' "$1" | head -n 1 | sed 's/<[^>]*>//g'; }
# assume FILE POLICY [aws-args...]: AssumeRole as the test user; on success
# FILE.creds holds key id, secret and token, one a line; FILE has the debug log.
assume() {
  local out=$1 policy=$2
  shift 2
  local args=(sts assume-role --role-arn "$RGW_ROLE_ARN" --role-session-name audex-smoke
    --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text "$@")
  [ -z "$policy" ] || args+=(--policy "$policy")
  as_user --debug "${args[@]}" >"$out.stdout" 2>"$out" || return 1
  tr '\t' '\n' <"$out.stdout" >"$out.creds"
  [ "$(grep -c . "$out.creds")" -eq 3 ]
}

readonly_policy='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}'
echo "a file Audex's session must not be able to write" >"$work/upload.txt"

# --- the session policy is enforced ----------------------------------------
if assume "$work/ro" "$readonly_policy"; then
  ok "AssumeRole with a read-only session policy returns credentials"
  check "the session's access key differs from the user's" \
    test "$(sed -n 1p "$work/ro.creds")" != "$RGW_ACCESS_KEY"

  as_session "$work/ro.creds" s3 ls "s3://$RGW_BUCKET" >"$work/ls.out" 2>&1
  check "session: aws s3 ls s3://$RGW_BUCKET lists $RGW_OBJECT" grep -q " $RGW_OBJECT\$" "$work/ls.out"

  as_session "$work/ro.creds" s3 cp "s3://$RGW_BUCKET/$RGW_OBJECT" "$work/got.txt" >/dev/null 2>&1
  check "session: GetObject works" grep -q "Hello from Audex" "$work/got.txt"

  if as_session "$work/ro.creds" --debug s3 cp "$work/upload.txt" "s3://$RGW_BUCKET/x" >/dev/null 2>"$work/put.err"; then
    not_ok "session: aws s3 cp FILE s3://$RGW_BUCKET/x is refused (it succeeded)"
  else
    check "session: aws s3 cp FILE s3://$RGW_BUCKET/x is refused with 403 AccessDenied" \
      bash -c "grep -q '\"PUT /$RGW_BUCKET/x HTTP/1.1\" 403' '$work/put.err' &&
               [ \"\$(grep -o '<Code>[A-Za-z]*</Code>' '$work/put.err' | head -n 1)\" = '<Code>AccessDenied</Code>' ]"
  fi
  # s3 ls of a missing key exits 1 with no output.
  as_user s3 ls "s3://$RGW_BUCKET/x" >"$work/x.out" 2>&1
  check "the refused object was not written" test ! -s "$work/x.out"
else
  sed 's/^/# /' "$work/ro" | grep -v 'DEBUG' | tail -n 5
  not_ok "AssumeRole with a read-only session policy returns credentials (code $(error_code "$work/ro"))"
fi

# Without a session policy the role's own s3:* applies: the session policy is
# the only thing that narrowed the credentials above.
if assume "$work/full" ""; then
  if as_session "$work/full.creds" s3 cp "$work/upload.txt" "s3://$RGW_BUCKET/allowed.txt" >/dev/null 2>&1 &&
    as_user s3 ls "s3://$RGW_BUCKET/allowed.txt" 2>/dev/null | grep -q allowed.txt; then
    ok "without a session policy the role may write (PutObject works)"
  else
    not_ok "without a session policy the role may write (PutObject works)"
  fi
else
  not_ok "AssumeRole without a session policy (code $(error_code "$work/full"))"
fi

# --- radosgw refuses what it should ----------------------------------------
expect_code() { # expect_code DESCRIPTION CODE POLICY [aws-args...]
  local description=$1 code=$2 policy=$3 out=$work/case$((passed + failed))
  shift 3
  if assume "$out" "$policy" "$@"; then
    not_ok "$description: expected $code, got credentials"
  elif [ "$(error_code "$out")" = "$code" ]; then
    ok "$description: $code"
  else
    not_ok "$description: expected $code, got '$(error_code "$out")'"
  fi
}
big_policy=$(python3 -c '
import json
resources = ["arn:aws:s3:::audex-demo-bucket-number-%03d/*" % i for i in range(50)]
print(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": resources}]}, separators=(",", ":")))')
expect_code "a ${#big_policy}-character session policy" PackedPolicyTooLarge "$big_policy"
expect_code "a malformed session policy" MalformedPolicyDocument \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"'
expect_code "--duration-seconds 7200 (role max 3600)" InvalidArgument "$readonly_policy" --duration-seconds 7200
if assume "$work/max" "$readonly_policy" --duration-seconds 3600; then
  ok "--duration-seconds 3600 (the role max) is accepted"
else
  not_ok "--duration-seconds 3600 (the role max) is accepted (code $(error_code "$work/max"))"
fi

# --- stop ------------------------------------------------------------------
"$root/scripts/local-cloud" radosgw stop "$work/cloud" >"$work/stop.out" 2>&1
check "scripts/local-cloud radosgw stop" test $? -eq 0
gone=1
for pid in "$RGW_PID" "$RGW_OSD_PID" "$RGW_MON_PID"; do
  # Gone, or a zombie that its new parent has not reaped yet.
  case $(ps -o stat= -p "$pid" 2>/dev/null) in "" | Z*) ;; *) gone=0 ;; esac
done
check "rgw, osd and mon processes are gone" test $gone -eq 1
check "the port is closed" bash -c "! curl -s -o /dev/null --max-time 2 '$RGW_URL'"
"$root/scripts/local-cloud" radosgw stop "$work/cloud" >/dev/null 2>&1
check "a second stop is harmless" test $? -eq 0

finish
