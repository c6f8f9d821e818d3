# shellcheck shell=bash
# shellcheck disable=SC2034 # BIN, ROOT, ROLE, ... are for the scripts that source this
# Shared by the e2e scripts (and tests/integration's shell tests). Source it
# first, then call e2e_setup:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   e2e_setup NAME "$@"
#
# `check DESCRIPTION COMMAND...` prints an `ok - ...` / `not ok - ...` line
# and counts; `finish` prints the `N passed, M failed` line and exits
# non-zero when anything failed. A tool the test needs and that scripts/setup
# (or the machine image) provides is asked for with need_tool or
# need_python_module: when it is missing the script fails, never skips.
passed=0
failed=0
check() {
  local description=$1
  shift
  if "$@"; then
    echo "ok - $description"
    passed=$((passed + 1))
  else
    echo "not ok - $description"
    failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  ((failed == 0))
  exit
}

# abort DESCRIPTION: a failed check that makes every later one meaningless
# (a server that did not start, a tool that is missing): ends the script.
# (Self-contained: policies_test.sh has a `finish` of its own.)
abort() {
  echo "not ok - $1"
  failed=$((failed + 1))
  echo "$passed passed, $failed failed"
  exit 1
}

# need_tool PROGRAM HINT: ends the script with a failed check when PROGRAM is
# not on PATH. HINT says where it comes from ("scripts/setup installs ...").
need_tool() {
  command -v "$1" >/dev/null 2>&1 || abort "$1 is installed ($2)"
}

# need_python_module MODULE HINT: the same for a module of python3 ($PY).
need_python_module() {
  "$PY" -c "import $1" >/dev/null 2>&1 || abort "python3 can import $1 ($2)"
}

# --- set-up and clean-up -----------------------------------------------------
# at_exit COMMAND [ARGS...]: runs COMMAND (quietly, errors ignored) when the
# script exits, the last registered first, before $TMP is removed.
# kill_at_exit PID...: the same for stopping background servers.
e2e_at_exit=()
at_exit() {
  e2e_at_exit+=("$(printf '%q ' "$@")")
}
kill_at_exit() {
  local pid
  for pid in "$@"; do at_exit kill "$pid"; done
}
e2e_cleanup() {
  local i
  for ((i = ${#e2e_at_exit[@]} - 1; i >= 0; i--)); do
    eval "${e2e_at_exit[i]}" >/dev/null 2>&1 || true
  done
  if [[ -n ${TMP:-} ]]; then
    if [[ -n ${AUDEX_E2E_KEEP:-} ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
  fi
}

# e2e_setup NAME BINARY: the start of every e2e script. Fails (usage) unless
# BINARY is an executable, and needs python3. Sets
#   BIN    BINARY as an absolute path (the tryaudex under test)
#   HERE   tests/e2e;  ROOT  the repository
#   PY     python3's real interpreter (not a version manager's shim: some
#          scripts run it dozens of times)
#   TMP    a new private directory, removed at exit (kept, and named, when
#          AUDEX_E2E_KEEP is set);  CLOUD  $TMP/cloud, for scripts/local-cloud
# and arms the exit trap that runs what at_exit registered.
e2e_setup() {
  local name=$1 binary=${2:-}
  if [[ -z $binary || -d $binary || ! -x $binary ]]; then
    abort "usage: bash ${name}_test.sh PATH_TO_TRYAUDEX (got '$binary', not an executable)"
  fi
  BIN="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
  HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  ROOT="$(cd "$HERE/../.." && pwd)"
  need_tool python3 "scripts/setup installs it"
  PY=$(python3 -c 'import sys; print(sys.executable)')
  TMP="$(mktemp -d "${TMPDIR:-/tmp}/audex-$name.XXXXXX")"
  CLOUD="$TMP/cloud"
  trap e2e_cleanup EXIT
  # The loopback servers import loopback_server.py: no __pycache__ beside it.
  export PYTHONDONTWRITEBYTECODE=1
}

# wait_for_file FILE [SECONDS]: waits until a server has written FILE (its
# port, usually), at most SECONDS (default 10); fails when it has not.
wait_for_file() {
  local file=$1 tenths=$((${2:-10} * 10)) i
  for ((i = 0; i < tenths; i++)); do
    [[ -s $file ]] && return 0
    sleep 0.1
  done
  [[ -s $file ]]
}

# --- moto --------------------------------------------------------------------
# start_moto [local-cloud options...]: starts moto in $CLOUD (log in
# $TMP/moto.log; stopped at exit), loads $CLOUD/moto.env (MOTO_URL, ...), and
# points HOME, AUDEX_HOME and every AWS client at it in us-east-1. When moto
# does not start it prints the log and a failed check and ends the script.
start_moto() {
  need_python_module moto "pip's moto is on the machine image"
  at_exit "$ROOT/scripts/local-cloud" moto stop "$CLOUD"
  if ! "$ROOT/scripts/local-cloud" moto start "$@" "$CLOUD" >"$TMP/moto.log" 2>&1; then
    cat "$TMP/moto.log"
    abort "moto starts"
  fi
  set -a
  . "$CLOUD/moto.env"
  set +a
  export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" AWS_ENDPOINT_URL="$MOTO_URL"
  export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
  mkdir -p "$HOME"
}

# start_radosgw: Ceph's radosgw (scripts/local-cloud), stopped at exit; its
# radosgw.env (RGW_URL, RGW_ACCESS_KEY, RGW_SECRET_KEY, RGW_ROLE_ARN, ...)
# exported, and HOME, AUDEX_HOME and every AWS client pointed at it.
start_radosgw() {
  at_exit "$ROOT/scripts/local-cloud" radosgw stop "$CLOUD"
  if ! "$ROOT/scripts/local-cloud" radosgw start "$CLOUD" >"$TMP/rgw.log" 2>&1; then
    tail -20 "$TMP/rgw.log"
    abort "radosgw starts"
  fi
  set -a
  . "$CLOUD/radosgw.env"
  set +a
  export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" AWS_ENDPOINT_URL="$RGW_URL"
}

# aws_setup ARGS...: the aws CLI with a throwaway key, for the calls moto
# answers before it starts checking signatures (local-cloud --auth N).
aws_setup() {
  AWS_ACCESS_KEY_ID=AKIASETUPSETUPSETUP0 AWS_SECRET_ACCESS_KEY=setup aws --output json "$@"
}

# setup_moto_user_and_role ROLE_NAME POLICY_NAME POLICY_JSON: five setup
# calls (for local-cloud --auth 5). Creates user audex-tester allowed
# everything, with an access key, and role ROLE_NAME that trusts it, with
# POLICY_JSON inline. Sets BASE_KEY, BASE_SECRET and ROLE, and makes the
# user's key the base credentials.
setup_moto_user_and_role() {
  local role_name=$1 policy_name=$2 policy=$3
  local all='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
  local trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/audex-tester"},"Action":"sts:AssumeRole"}]}'
  need_tool aws "pip's awscli is on the machine image"
  aws_setup iam create-user --user-name audex-tester >/dev/null
  read -r BASE_KEY BASE_SECRET < <(aws_setup iam create-access-key --user-name audex-tester |
    python3 -c 'import json,sys; k=json.load(sys.stdin)["AccessKey"]; print(k["AccessKeyId"], k["SecretAccessKey"])')
  aws_setup iam put-user-policy --user-name audex-tester --policy-name all --policy-document "$all"
  aws_setup iam create-role --role-name "$role_name" --assume-role-policy-document "$trust" >/dev/null
  aws_setup iam put-role-policy --role-name "$role_name" --policy-name "$policy_name" \
    --policy-document "$policy"
  ROLE=arn:aws:iam::123456789012:role/$role_name
  export AWS_ACCESS_KEY_ID=$BASE_KEY AWS_SECRET_ACCESS_KEY=$BASE_SECRET
}
