#!/usr/bin/env bash
# `tryaudex policies expand` on 300 patterns, one whole process, against
# node running @cloud-copilot/iam-expand on the same 300 (issue 19, row 4:
# at least 60x). The patterns are every 33rd of audex_catalog_bench's
# 10,000 (exact names in random case, Prefix*, infix A*B, svc:*, one '?',
# *:* and *:Get*), so every kind is in; the expanded totals must agree.
# Wall-clock medians (the cases in turn, with the load average), and for tryaudex
# its instructions (callgrind) and system calls (strace -c); with BEFORE,
# both binaries side by side.
#
#   bash bench/expand_vs_iam_expand.sh path/to/tryaudex [RUNS] [BEFORE_TRYAUDEX]
#
# Needs the pattern writer beside the binary (scripts/build audex_catalog_bench;
# or AUDEX_PATTERN_WRITER=path/to/audex_catalog_bench),
# node and npm (bench/iam-expand's lockfile), valgrind, strace.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/compare_lib.sh"
after=$(cd "$(dirname "${1:?usage: expand_vs_iam_expand.sh TRYAUDEX [RUNS] [BEFORE]}")" && pwd)/$(basename "$1")
runs=${2:-30}
before=${3:+$(cd "$(dirname "$3")" && pwd)/$(basename "$3")}
writer=${AUDEX_PATTERN_WRITER:-"$(dirname "$after")/bench/audex_catalog_bench"}
[[ -x $writer ]] || { echo "expand_vs_iam_expand: build $writer first (scripts/build audex_catalog_bench)" >&2; exit 2; }
ref="$here/iam-expand"
if [[ ! -d "$ref/node_modules/@cloud-copilot/iam-expand" ||
      "$ref/package-lock.json" -nt "$ref/node_modules/.package-lock.json" ]]; then
  (cd "$ref" && npm ci --no-audit --no-fund --loglevel=error)
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/audex-expand-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export AUDEX_HOME="$tmp/audex" HOME="$tmp"
"$writer" --write-patterns="$tmp/all.txt" >/dev/null
awk 'NR % 33 == 1' "$tmp/all.txt" | head -300 >"$tmp/patterns.txt"
mapfile -t patterns <"$tmp/patterns.txt"
# hyperfine runs one command line without a shell: the patterns hold no
# white space, so the line splits back into exactly these arguments.
line="policies expand ${patterns[*]}"

audex_total=$("$after" policies expand --json "${patterns[@]}" |
  python3 -c 'import json,sys; print(sum(e["count"] for e in json.load(sys.stdin)))')
node_total=$(cd "$ref" && node expand.mjs "$tmp/patterns.txt" --once | sed -n 's/.* expanded=\([0-9]*\).*/\1/p')
echo "${#patterns[@]} patterns; expanded actions summed: tryaudex $audex_total, iam-expand $node_total" \
  "($([[ $audex_total == "$node_total" ]] && echo agree || echo DIFFER))"

# The cases in turn, RUNS rounds (compare_lib.sh, interleaved_ms); node
# runs from bench/iam-expand, where its packages are.
cases=("tryaudex=$after $line" "iam-expand=node $ref/expand.mjs $tmp/patterns.txt --once")
[[ -n $before ]] && cases+=("tryaudex-before=$before $line")
echo "load at the start: $(load)"
(cd "$ref" && interleaved_ms "$runs" "${cases[@]}") >"$tmp/medians.txt"
echo "load at the end:   $(load)"
python3 - "$tmp/medians.txt" <<'PY'
import sys
med = {k: float(v) for k, v in (line.split() for line in open(sys.argv[1]))}
for k, v in med.items():
    print(f"{k:16s} median {v:8.2f} ms")
for who in ["tryaudex-before", "tryaudex"]:
    if who in med:
        print(f"iam-expand / {who:16s} = {med['iam-expand'] / med[who]:6.1f}x (goal >= 60x)")
PY
printf '\n%-28s' "tryaudex, load-independent"
binaries=("$after")
[[ -n $before ]] && binaries=("$before" "$after") && printf '%16s' before
printf '%16s\n' after
counts=()
for bin in "${binaries[@]}"; do
  read -r calls _ < <(syscalls "$bin" policies expand "${patterns[@]}")
  counts+=("$(instructions "$bin" policies expand "${patterns[@]}")|$calls")
done
for i in 1 2; do
  printf '%-28s' "$(sed -n "${i}p" <<<$'instructions\nsystem calls')"
  for c in "${counts[@]}"; do printf '%16s' "$(cut -d'|' -f"$i" <<<"$c")"; done
  echo
done
[[ $audex_total == "$node_total" ]]
