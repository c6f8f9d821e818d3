#!/usr/bin/env bash
# Start-up and planning, one binary against another in the same run (issue
# 14's check that the engine refactor costs nothing): `--version` and
# `run --dry-run`. Instructions executed (valgrind's callgrind count, the
# same on every run) do not move with the machine's load; wall-clock medians
# (hyperfine) do, so both are printed.
#
#   bash bench/startup_compare.sh BEFORE_TRYAUDEX AFTER_TRYAUDEX [RUNS]
set -euo pipefail
before=${1:?usage: startup_compare.sh BEFORE AFTER [RUNS]}
after=${2:?usage: startup_compare.sh BEFORE AFTER [RUNS]}
runs=${3:-50}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/audex-startup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export AUDEX_HOME="$tmp/home" HOME="$tmp" AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
  AWS_SECRET_ACCESS_KEY=benchsecret AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Bench \
  AWS_REGION=us-east-1
mkdir -p "$AUDEX_HOME"
dry=(run --dry-run --allow "s3:GetObject,s3:ListBucket,dynamodb:Query" -- true)

instructions() {  # BINARY ARGS... -> instructions executed, dynamic loading included
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    awk '/Collected :/ {print $NF}'
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %15s %15s %8s\n' case before after change
for case in version dry-run; do
  if [[ $case == version ]]; then args=(--version); else args=("${dry[@]}"); fi
  b=$(instructions "$before" "${args[@]}")
  a=$(instructions "$after" "${args[@]}")
  printf '%-22s %15s %15s %7.1f%%\n' "$case (instructions)" "$b" "$a" \
    "$(echo "($a - $b) * 100 / $b" | bc -l)"
done
hyperfine -N --warmup 5 --runs "$runs" --export-json "$tmp/r.json" \
  -n "before --version" "$before --version" -n "after --version" "$after --version" \
  -n "before dry-run" "$before ${dry[*]}" -n "after dry-run" "$after ${dry[*]}" >/dev/null
python3 - "$tmp/r.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"{r['command']:<22} median {r['median'] * 1000:7.2f} ms")
PY
