#!/usr/bin/env bash
# What the CSM listener adds to a real child, on one moto server: a boto3
# child making CALLS DynamoDB ListTables calls, timed under
#   run:    tryaudex run --allow dynamodb:ListTables -- child   (no listener)
#   learn:  tryaudex learn -- child                             (listener on, CSM on)
# and the SDK's own share: the child alone with AWS_CSM_ENABLED off / on.
# Medians of RUNS runs each: wall-clock milliseconds, and CPU time (user+sys
# of tryaudex and the child), which a loaded machine disturbs less.
#
#   bash bench/learn_overhead.sh path/to/tryaudex [RUNS] [CALLS]
set -euo pipefail
# The set-up of the e2e scripts: BIN, TMP (removed at exit), moto (stopped at
# exit) with every AWS client and tryaudex pointed at it.
. "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"
e2e_setup bench-learn-overhead "$@"
RUNS=${2:-7}
CALLS=${3:-200}
start_moto
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=benchsecret
export AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Bench
unset AWS_CSM_ENABLED AWS_CSM_PORT
cat >"$TMP/child.py" <<PY
import boto3
client = boto3.client("dynamodb")
for _ in range($CALLS):
    client.list_tables()
PY
median_ms() {  # median wall time of "$@" over RUNS runs, in ms
  local times=()
  for _ in $(seq "$RUNS"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}
median_cpu_ms() {  # median user+sys CPU of "$@" and its children over RUNS runs, in ms
  local times=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%U %S' -o "$TMP/cpu" "$@" >/dev/null 2>&1 || true
    times+=($(awk '{printf "%d", ($1 + $2) * 1000}' "$TMP/cpu"))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}
plain=$(median_ms python3 "$TMP/child.py")
csm_on=$(env AWS_CSM_ENABLED=true AWS_CSM_PORT=9 bash -c "$(declare -f median_ms); RUNS=$RUNS median_ms python3 '$TMP/child.py'")
run=$(median_ms "$BIN" run --allow dynamodb:ListTables -- python3 "$TMP/child.py")
learn=$(median_ms "$BIN" learn -- python3 "$TMP/child.py")
run_cpu=$(median_cpu_ms "$BIN" run --allow dynamodb:ListTables -- python3 "$TMP/child.py")
learn_cpu=$(median_cpu_ms "$BIN" learn -- python3 "$TMP/child.py")
echo "child: boto3, $CALLS dynamodb:ListTables calls against moto; medians of $RUNS runs"
echo "  child alone, CSM off:        ${plain} ms"
echo "  child alone, CSM on (port 9): ${csm_on} ms   (the SDK's own cost of reporting)"
echo "  tryaudex run:                ${run} ms"
echo "  tryaudex learn (listener):   ${learn} ms"
echo "  learn - run:                 $((learn - run)) ms  ($(((learn - run) * 1000 / CALLS)) us per call)"
echo "  CPU (user+sys, with the child): run ${run_cpu} ms, learn ${learn_cpu} ms, difference $((learn_cpu - run_cpu)) ms"
