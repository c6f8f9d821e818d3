#!/usr/bin/env bash
# Runs the team store's tests (BINARY with gtest FILTER) against a
# PostgreSQL cluster of their own: started in a temporary directory on a
# free loopback port, named to the tests in AUDEX_TEST_PG_URL, stopped on
# every exit. Fails, never skips, when the cluster does not start.
#   team_store_test.sh BINARY FILTER
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BINARY GTEST_FILTER" >&2; exit 2; }
binary=$1
filter=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/audex-team-store.XXXXXX")

cleanup() {
  "$root/scripts/local-cloud" postgres stop "$dir" >/dev/null 2>&1 ||
    echo "team_store_test: could not stop the PostgreSQL cluster under $dir" >&2
  rm -rf "$dir"
}
trap cleanup EXIT

if ! LOCAL_CLOUD_TIMEOUT=60 "$root/scripts/local-cloud" postgres start "$dir" >"$dir/start.log" 2>&1; then
  cat "$dir/start.log" >&2
  echo "team_store_test: PostgreSQL did not start (scripts/setup installs postgresql-15)" >&2
  exit 1
fi
AUDEX_TEST_PG_URL=$(sed -n 's/^PG_URL=//p' "$dir/postgres.env")
# For a test that restarts the cluster under the store's feet.
AUDEX_TEST_PG_DIR=$dir
AUDEX_TEST_LOCAL_CLOUD=$root/scripts/local-cloud
export AUDEX_TEST_PG_URL AUDEX_TEST_PG_DIR AUDEX_TEST_LOCAL_CLOUD
"$binary" --gtest_filter="$filter"
