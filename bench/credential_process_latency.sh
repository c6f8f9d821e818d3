#!/usr/bin/env bash
# Whole-process cost of `tryaudex credential-process` on one moto server
# (issue 19, row 1: the cached call under 5 ms, no new session file per hit):
#   cached:   the entry is warm, no STS call (what the AWS CLI pays per command)
#   no-cache: --no-cache, one AssumeRole each time
#   version:  tryaudex --version (process start, for reference)
# For the cached call also its instructions (callgrind), its system calls
# and fsync/fdatasync calls (strace -c), and the session files 20 hits
# leave. With BEFORE, every figure for both binaries side by side, each
# with its own AUDEX_HOME.
#
#   bash bench/credential_process_latency.sh path/to/tryaudex [RUNS] [BEFORE_TRYAUDEX]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The set-up of the e2e scripts: BIN, TMP (removed at exit), moto (stopped at
# exit) with every AWS client and tryaudex pointed at it.
. "$here/../tests/e2e/lib.sh"
. "$here/compare_lib.sh"
e2e_setup bench-credential-process-latency "$@"
RUNS=${2:-50}
BEFORE=${3:+$(cd "$(dirname "$3")" && pwd)/$(basename "$3")}
start_moto
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=benchsecret
export AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Bench
cp_args=(credential-process --allow s3:GetObject)

declare -A figure
measure() {  # NAME BINARY: fills figure[NAME.*]
  local name=$1 bin=$2
  export AUDEX_HOME="$TMP/audex-$name"
  "$bin" "${cp_args[@]}" >/dev/null  # the one STS call; the cache is warm after it
  local sessions_before
  sessions_before=$(find "$AUDEX_HOME" -path '*/sessions/*.json' | wc -l)
  for _ in $(seq 20); do "$bin" "${cp_args[@]}" >/dev/null; done
  figure[$name.sessions]=$(($(find "$AUDEX_HOME" -path '*/sessions/*.json' | wc -l) - sessions_before))
  figure[$name.instructions]=$(instructions "$bin" "${cp_args[@]}")
  read -r figure[$name.syscalls] figure[$name.syncs] < <(syscalls "$bin" "${cp_args[@]}")
  "$bin" audit verify >/dev/null || echo "$name: audit verify FAILED" >&2
}

names=(after)
[[ -n $BEFORE ]] && names=(before after) && measure before "$BEFORE"
measure after "$BIN"
# Wall clock: every case in turn, RUNS rounds (compare_lib.sh, interleaved_ms).
cases=()
for n in "${names[@]}"; do
  bin=$BIN
  [[ $n == before ]] && bin=$BEFORE
  home="AUDEX_HOME=$TMP/audex-$n"
  cases+=("$n.cached=$home $bin ${cp_args[*]}"
    "$n.nocache=$home $bin credential-process --no-cache --allow s3:GetObject"
    "$n.version=$bin --version")
done
start_load=$(load)
while read -r key ms; do figure[$key]="$ms"; done < <(interleaved_ms "$RUNS" "${cases[@]}")
end_load=$(load)
for n in "${names[@]}"; do figure[$n.start_load]=$start_load figure[$n.end_load]=$end_load; done
printf '%-40s' "cached credential-process"
for n in "${names[@]}"; do printf '%24s' "$n"; done
echo
row() {  # LABEL KEY [UNIT]
  printf '%-40s' "$1"
  for n in "${names[@]}"; do printf '%24s' "${figure[$n.$2]}${3:-}"; done
  echo
}
row "instructions (callgrind)" instructions
row "system calls (strace -c)" syscalls
row "  of which fsync/fdatasync" syncs
row "new session files after 20 hits" sessions
row "load (1, 5, 15 min) at the start" start_load
row "wall median, cached" cached " ms"
row "wall median, --no-cache (STS call)" nocache " ms"
row "wall median, --version" version " ms"
row "load at the end" end_load
