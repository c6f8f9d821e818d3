#!/usr/bin/env bash
# Whole-process latency of `tryaudex credential-process` on one moto server:
#   cached:   the entry is warm, no STS call (what the AWS CLI pays per command)
#   no-cache: --no-cache, one AssumeRole each time
#   version:  tryaudex --version (process start, for reference)
# Medians over RUNS runs each (hyperfine is not on the image: a bash loop
# with nanosecond timestamps).
#
#   bash bench/credential_process_latency.sh path/to/tryaudex [RUNS]
set -euo pipefail
# The set-up of the e2e scripts: BIN, TMP (removed at exit), moto (stopped at
# exit) with every AWS client and tryaudex pointed at it.
. "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"
e2e_setup bench-credential-process-latency "$@"
RUNS=${2:-50}
start_moto
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=benchsecret
export AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Bench

median_ms() {  # command... ; prints the median wall time in ms
  local times=() start end
  for _ in $(seq "$RUNS"); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m/1000}'
}

"$BIN" credential-process --allow s3:GetObject >/dev/null  # warm the cache
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cached    median $(median_ms "$BIN" credential-process --allow s3:GetObject) ms"
echo "no-cache  median $(median_ms "$BIN" credential-process --no-cache --allow s3:GetObject) ms"
echo "version   median $(median_ms "$BIN" --version) ms"
