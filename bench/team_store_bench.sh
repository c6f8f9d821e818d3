#!/usr/bin/env bash
# Runs bench/team_store_bench.cc on SQLite and on a throwaway PostgreSQL 15
# cluster started for the run (scripts/local-cloud postgres) and stopped
# after it. Extra arguments go to Google Benchmark.
#   bench/team_store_bench.sh [build/bench/audex_team_store_bench] [--benchmark_filter=...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$root/build/bench/audex_team_store_bench
if [ $# -gt 0 ] && [ -x "$1" ]; then
  binary=$1
  shift
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/audex-team-store-bench.XXXXXX")
trap '"$root/scripts/local-cloud" postgres stop "$dir" >/dev/null 2>&1; rm -rf "$dir"' EXIT
"$root/scripts/local-cloud" postgres start "$dir" >/dev/null
AUDEX_BENCH_PG_URL=$(sed -n 's/^PG_URL=//p' "$dir/postgres.env") "$binary" "$@"
