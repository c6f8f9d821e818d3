#!/usr/bin/env bash
# build.libcrypto_on_demand: tryaudex opens libcrypto on first use
# (src/cli/libcrypto_on_demand.cc). It is not in tryaudex's DT_NEEDED (an
# OpenSSL function called without a definition there would bring it back),
# commands that never hash or encrypt do not load it (a dry run erases the
# base credentials it read without it), and a cache miss of
# credential-process, which does, loads it. A libcrypto that cannot be
# loaded (a broken installation) is said in words with exit code 2, as
# docs/exit-codes says of an environment problem, never a crash.
#
#   bash libcrypto_on_demand_test.sh PATH_TO_TRYAUDEX
set -euo pipefail
bin=${1:?usage: libcrypto_on_demand_test.sh PATH_TO_TRYAUDEX}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/audex-libcrypto.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -m 700 "$tmp/audex"
export HOME="$tmp" AUDEX_HOME="$tmp/audex" AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
  AWS_SECRET_ACCESS_KEY=not-a-real-secret AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Test \
  AWS_REGION=us-east-1
failures=0
check() {  # NAME COMMAND...: passes when COMMAND succeeds
  local name=$1
  shift
  if "$@"; then echo "ok - $name"; else echo "not ok - $name"; failures=$((failures + 1)); fi
}
# loads ARGS...: whether `tryaudex ARGS...` loads libcrypto (its exit status is not the point).
# The whole output is read first: grep -q would stop early and, with
# pipefail, turn the writer's SIGPIPE into a failure.
# shellcheck disable=SC2317 # called through check
loads() {
  local files
  files=$(LD_DEBUG=files "$bin" "$@" 2>&1 >/dev/null || true)
  grep -q 'file=libcrypto\.so' <<<"$files"
}
# shellcheck disable=SC2317
loads_not() { ! loads "$@"; }
# shellcheck disable=SC2317
needed_not() {
  local dynamic
  dynamic=$(readelf -d "$bin")
  ! grep -q 'NEEDED.*libcrypto' <<<"$dynamic"
}

check "libcrypto is not in DT_NEEDED" needed_not
check "--version does not load libcrypto" loads_not --version
check "policies expand does not load libcrypto" loads_not policies expand 's3:Get*'
check "run --dry-run does not load libcrypto" loads_not run --dry-run --allow s3:GetObject -- true
# No STS answers on port 9: the call fails, but the cache key is hashed first.
AWS_ENDPOINT_URL=http://127.0.0.1:9 check "credential-process loads libcrypto" \
  loads credential-process --allow s3:GetObject
# A libcrypto.so.3 that is not a library, found first through
# LD_LIBRARY_PATH: the command that needs it stops with the message.
mkdir "$tmp/broken"
: >"$tmp/broken/libcrypto.so.3"
# shellcheck disable=SC2317
broken_is_said() {
  local out rc=0
  out=$(LD_LIBRARY_PATH="$tmp/broken" AWS_ENDPOINT_URL=http://127.0.0.1:9 \
    "$bin" credential-process --allow s3:GetObject 2>&1 >/dev/null) || rc=$?
  [[ $rc -eq 2 && $out == *"cannot load libcrypto.so.3"*"install libssl3"* ]] ||
    { echo "# exit $rc: $out"; return 1; }
}
check "an unloadable libcrypto is said (exit 2, install libssl3)" broken_is_said
# shellcheck disable=SC2317
broken_unneeded() { LD_LIBRARY_PATH="$tmp/broken" "$bin" --version >/dev/null; }
check "a command that needs no libcrypto runs without one" broken_unneeded
exit $((failures > 0))
