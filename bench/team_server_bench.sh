#!/usr/bin/env bash
# Grants per second and p50/p99 latency of one `tryaudex server` replica,
# on SQLite and on PostgreSQL, with a warm STS cache (every grant reuses a
# live session) and with every grant calling moto's STS. Clients are
# threads of build/bench/audex_grant_load (C++, keep-alive connections) on
# the same 2-core machine, over loopback; AUDEX_BENCH_CLIENT=python uses
# tests/e2e/team_load.py instead (it costs about as much CPU per request
# as the server, so it measures the pair).
#
#   bench/team_server_bench.sh [COUNT] [CONCURRENCY]     (defaults 2000, 16)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/build/tryaudex"
LOAD="$ROOT/build/bench/audex_grant_load"
CLIENT=${AUDEX_BENCH_CLIENT:-cpp}
COUNT=${1:-2000}
CONCURRENCY=${2:-16}
PY=$(python3 -c 'import sys; print(sys.executable)')
TMP="$(mktemp -d "${TMPDIR:-/tmp}/audex-team-bench.XXXXXX")"
CLOUD="$TMP/cloud"
chmod 711 "$TMP"  # PostgreSQL runs as postgres and must pass through into $CLOUD
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  "$ROOT/scripts/local-cloud" moto stop "$CLOUD" >/dev/null 2>&1 || true
  "$ROOT/scripts/local-cloud" postgres stop "$CLOUD" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

for built in "$BIN" "$ROOT/build/tryaudex-server" "$LOAD"; do
  [ -x "$built" ] || { echo "build first: scripts/build tryaudex tryaudex-server audex_grant_load" >&2; exit 1; }
done
"$ROOT/scripts/local-cloud" moto start "$CLOUD" >/dev/null
"$ROOT/scripts/local-cloud" postgres start "$CLOUD" >/dev/null
set -a; . "$CLOUD/moto.env"; set +a
PG_URL=$(sed -n 's/^PG_URL=//p' "$CLOUD/postgres.env")
export AWS_ENDPOINT_URL=$MOTO_URL AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH0 \
  AWS_SECRET_ACCESS_KEY=bench HOME="$TMP/home"
mkdir -p "$HOME"
aws iam create-role --role-name Bench --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}' \
  >/dev/null

run_one() {  # run_one STORE CACHE
  local store=$1 cache=$2 dir="$TMP/run-$RANDOM"
  mkdir -p "$dir"
  cat >"$dir/server.toml" <<EOF
listen = "127.0.0.1:0"
store = "$store"
state_dir = "$dir/state"
role_arn = "arn:aws:iam::123456789012:role/Bench"
region = "us-east-1"
sts_cache = $cache
threads = 16
[policies.bench]
actions = ["s3:*"]
EOF
  chmod 600 "$dir/server.toml"
  if [[ $store == postgresql* ]]; then
    PGOPTIONS=--client-min-messages=warning psql "$store" -qc 'drop schema public cascade; create schema public;' >/dev/null
  fi
  "$BIN" server migrate --config "$dir/server.toml" >/dev/null 2>&1
  local token
  token=$("$BIN" server token create --config "$dir/server.toml" --name bench --policy bench 2>/dev/null)
  "$BIN" server --config "$dir/server.toml" --ready-file "$dir/ready" 2>"$dir/log" &
  SERVER_PID=$!
  for _ in $(seq 1 100); do [ -s "$dir/ready" ] && break; sleep 0.1; done
  local url; url=$(cat "$dir/ready")
  # Warm-up (and, with the cache, the one session every grant then reuses).
  "$PY" "$ROOT/tests/e2e/team_load.py" --urls "$url" --tokens "$token" --count 20 \
    --concurrency 1 --body '{"allow":"s3:GetObject","ttl":"15m"}' >/dev/null
  if [ "$CLIENT" = python ]; then
    "$PY" "$ROOT/tests/e2e/team_load.py" --urls "$url" --tokens "$token" --count "$COUNT" \
      --concurrency "$CONCURRENCY" --body '{"allow":"s3:GetObject","ttl":"15m"}' >"$dir/result.json"
  else
    "$LOAD" --url "$url" --token "$token" --count "$COUNT" \
      --concurrency "$CONCURRENCY" --body '{"allow":"s3:GetObject","ttl":"15m"}' >"$dir/result.json"
  fi
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  "$PY" - "$dir/result.json" "$store" "$cache" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = r["status"].get("201", 0)
kind = "PostgreSQL" if sys.argv[2].startswith("postgresql") else "SQLite"
cache = "warm STS cache" if sys.argv[3] == "true" else "STS every time"
print(f"{kind:<10}  {cache:<15}  {ok:>5} grants  {ok / r['seconds']:8.0f} grants/s  "
      f"p50 {r.get('p50_ms', 0):6.2f} ms  p99 {r.get('p99_ms', 0):7.2f} ms  "
      f"other {dict((k, v) for k, v in r['status'].items() if k != '201')}"
      f"{' broken ' + str(r['broken']) + ' ' + str(sorted(set(r.get('errors', [])))) if r.get('broken') else ''}"
      f"  (load {open('/proc/loadavg').read().split()[0]})")
PY
}

echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $COUNT grants, $CONCURRENCY clients ($CLIENT)"
run_one "sqlite://$TMP/team.db" true
run_one "sqlite://$TMP/team2.db" false
run_one "$PG_URL" true
run_one "$PG_URL" false
