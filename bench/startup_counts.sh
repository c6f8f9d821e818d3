#!/usr/bin/env bash
# Start-up cost of tryaudex, one binary against another, in figures that do
# not move with the machine's load (issue 19's speed goals): per path the
# user-space instructions (valgrind's callgrind, dynamic loading included),
# the page faults (perf stat's software counter: on a virtual machine
# without hardware counters perf cannot count instructions), and what the
# dynamic loader did (LD_DEBUG=statistics: symbol and relative relocations
# and its own cycles); then wall-clock min and median of RUNS runs of every
# case in turn, with the load average beside them.
#
# The paths: `--version` (start-up alone), `run --dry-run`, the cached
# `credential-process` (one STS call to moto warms each binary's cache
# first), `policies expand` on 300 patterns (when bench/audex_catalog_bench
# is built beside AFTER: scripts/build audex_catalog_bench) and `run -- true`
# with one AssumeRole against moto, and a bare signed curl AssumeRole.
#
#   bash bench/startup_counts.sh BEFORE_TRYAUDEX AFTER_TRYAUDEX [RUNS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/../tests/e2e/lib.sh"
. "$here/compare_lib.sh"
e2e_setup bench-startup-counts "${2:?usage: startup_counts.sh BEFORE AFTER [RUNS]}"
AFTER=$BIN
BEFORE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
RUNS=${3:-50}
start_moto
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=benchsecret
export AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Bench

# page_faults COMMAND... -> page faults of the process (children included:
# only `run -- true` has one, the same `true` for both binaries).
page_faults() {
  perf stat -x, -e page-faults "$@" 2>&1 >/dev/null | awk -F, '$3 == "page-faults" {print $1}'
}
# loader COMMAND... -> "STARTUP_SYMBOL_RELOCATIONS FINAL_SYMBOL_RELOCATIONS
# RELATIVE_RELOCATIONS LOADER_CYCLES" (LD_DEBUG=statistics): symbol
# relocations before main and at exit (libraries opened later and lazy
# bindings included), relative relocations and the loader's cycles before main.
loader() {
  LD_DEBUG=statistics "$@" 2>&1 >/dev/null | awk '
    /total startup time in dynamic loader/ && !c {c = $(NF - 1)}
    /  number of relocations:/ && !r {r = $NF}
    /final number of relocations:/ {f = $NF}
    /number of relative relocations/ && !rr {rr = $NF}
    END {printf "%d %d %d %d\n", r, f, rr, c}'
}

writer="$(dirname "$AFTER")/bench/audex_catalog_bench"
patterns=()
if [[ -x $writer ]]; then
  "$writer" --write-patterns="$TMP/all.txt" >/dev/null
  mapfile -t patterns < <(awk 'NR % 33 == 1' "$TMP/all.txt" | head -300)
fi

declare -A args
args[version]="--version"
args[dry-run]="run --dry-run --allow s3:GetObject,s3:ListBucket,dynamodb:Query -- true"
args[cached-cp]="credential-process --allow s3:GetObject"
args[run]="run --allow s3:ListAllMyBuckets -- true"
paths=(version dry-run cached-cp run)
if ((${#patterns[@]})); then
  args[expand]="policies expand ${patterns[*]}"
  paths+=(expand)
fi
curl_cmd="curl -s -o /dev/null --aws-sigv4 aws:amz:us-east-1:sts --user $AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY --data Action=AssumeRole&Version=2011-06-15&RoleArn=$AUDEX_ROLE_ARN&RoleSessionName=bench&DurationSeconds=900 $MOTO_URL/"

for who in before after; do
  bin=$AFTER
  [[ $who == before ]] && bin=$BEFORE
  mkdir -m 700 "$TMP/audex-$who"
  # The one STS call that warms this binary's credential cache.
  # shellcheck disable=SC2086 # the arguments are split on white space
  AUDEX_HOME="$TMP/audex-$who" $bin ${args[cached-cp]} >/dev/null
done

printf '%-34s %16s %16s\n' "load-independent" before after
for path in "${paths[@]}"; do
  declare -A fig=()
  for who in before after; do
    bin=$AFTER
    [[ $who == before ]] && bin=$BEFORE
    export AUDEX_HOME="$TMP/audex-$who"
    # shellcheck disable=SC2086 # the arguments are split on white space
    fig[$who.ins]=$(instructions $bin ${args[$path]})
    # shellcheck disable=SC2086
    fig[$who.pf]=$(page_faults $bin ${args[$path]})
    # shellcheck disable=SC2086
    read -r fig[$who.rel] fig[$who.final] fig[$who.relative] fig[$who.cycles] < <(loader $bin ${args[$path]})
  done
  for row in "ins:instructions" "pf:page faults" "rel:symbol relocs before main" \
    "final:symbol relocs at exit" "relative:relative relocs" "cycles:loader cycles (time)"; do
    printf '%-34s %16s %16s\n' "$path ${row#*:}" "${fig[before.${row%%:*}]}" "${fig[after.${row%%:*}]}"
  done
done
# shellcheck disable=SC2086
printf '%-34s %16s %16s\n' "curl AssumeRole instructions" "$(instructions $curl_cmd)" ""
# shellcheck disable=SC2086
printf '%-34s %16s %16s\n' "curl AssumeRole page faults" "$(page_faults $curl_cmd)" ""

# Wall clock: every case in turn, RUNS rounds; min and median.
cases=("curl=$curl_cmd")
for path in "${paths[@]}"; do
  for who in before after; do
    bin=$AFTER
    [[ $who == before ]] && bin=$BEFORE
    cases+=("$who.$path=AUDEX_HOME=$TMP/audex-$who $bin ${args[$path]}")
  done
done
echo
echo "wall clock, $RUNS rounds in turn; load (1, 5, 15 min) at the start: $(load)"
interleaved_ms --min "$RUNS" "${cases[@]}" | while read -r name median min; do
  printf '%-24s min %7.2f ms   median %7.2f ms\n' "$name" "$min" "$median"
done
echo "load at the end: $(load)"
