#!/usr/bin/env bash
# `tryaudex server` keeps answering while many connections sit open and
# idle. cpp-httplib serves each open connection on one thread until it
# closes or idles out (5 s between requests); with a fixed pool of
# `threads`, that many idle clients (browser tabs on /ui, SDKs keeping
# connections alive) held every thread and everyone else waited. The
# server here has threads = 2: 12 connections are opened and left idle,
# then /healthz and a real API call must still be answered, well inside
# the 5 s an idle connection holds its thread; with max_connections = 4,
# what is beyond it waits, and is answered once the idle ones are gone.
# And the listening socket takes a burst of new connections.
#
#   bash tests/e2e/team_connections_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup team-connections "$@"
need_tool curl "scripts/setup installs curl"
need_tool ss "scripts/setup installs iproute2"

start_server() {  # NAME MAX_CONNECTIONS: sets URL
  local name=$1
  mkdir -p "$TMP/$name"
  cat >"$TMP/$name/server.toml" <<TOML
listen = "127.0.0.1:0"
store = "sqlite://$TMP/$name/team.db"
state_dir = "$TMP/$name/state"
role_arn = "arn:aws:iam::123456789012:role/Audex"
region = "us-east-1"
threads = 2
max_connections = $2

[policies.ops]
actions = ["*"]
admin = true
TOML
  "$BIN" server migrate --config "$TMP/$name/server.toml" >/dev/null 2>&1 ||
    abort "server migrate ($name)"
  "$BIN" server token create --config "$TMP/$name/server.toml" --name ops --policy ops \
    >"$TMP/$name/token" 2>/dev/null || abort "server token create ($name)"
  AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=not-used \
    "$BIN" server --config "$TMP/$name/server.toml" --ready-file "$TMP/$name/ready" \
    >/dev/null 2>"$TMP/$name/log" &
  kill_at_exit $!
  wait_for_file "$TMP/$name/ready" 10 || abort "the server ($name) starts: $(cat "$TMP/$name/log")"
  URL=$(head -1 "$TMP/$name/ready")
}

# Opens COUNT connections to HOST:PORT and keeps them idle for SECONDS
# (in the background); writes "open" to FILE once all are connected.
hold_idle() {  # URL COUNT SECONDS FILE
  "$PY" - "$@" <<'PY' &
import socket, sys, time, urllib.parse
url, count, seconds, ready = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
parts = urllib.parse.urlsplit(url)
held = [socket.create_connection((parts.hostname, parts.port), timeout=5) for _ in range(count)]
open(ready, "w").write("open\n")
time.sleep(seconds)
PY
  kill_at_exit $!
  wait_for_file "$4" 10
}

start_server wide 256
# The listening socket's backlog (ss shows it as Send-Q): cpp-httplib's own
# is 5, and clients connecting at once beyond it got SYN cookies and, when a
# cookie failed, a reset for their first request (listen_backlog.h).
port=${URL##*:}
backlog=$(ss -Hltn "sport = :$port" | awk '{print $3}')
check "the server listens with the system's backlog, not cpp-httplib's 5 (got ${backlog:-none})" \
  test "${backlog:-0}" -ge 128
# 48 clients connecting at the same moment each get their answer.
"$PY" - "$URL" >"$TMP/burst" 2>&1 <<'PY'
import sys, threading, urllib.request
url, answered, barrier = sys.argv[1], [], threading.Barrier(48)
def ask():
    barrier.wait()
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as reply:
            answered.append(reply.status)
    except Exception as error:
        print("no answer:", error)
threads = [threading.Thread(target=ask) for _ in range(48)]
[t.start() for t in threads]
[t.join() for t in threads]
print(f"{answered.count(200)} of 48 answered")
PY
check "48 clients connecting at once are all answered ($(tail -1 "$TMP/burst"))" \
  grep -qx "48 of 48 answered" "$TMP/burst"
hold_idle "$URL" 12 8 "$TMP/wide.held" || abort "12 idle connections open"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$URL/healthz")
check "with 12 idle connections open (threads = 2), /healthz answers within 3 s" test "$code" = 200
TOKEN=$(cat "$TMP/wide/token")
code=$(curl -s -o "$TMP/wide/whoami" -w '%{http_code}' --max-time 3 \
  -H "Authorization: Bearer $TOKEN" "$URL/v1/whoami")
check "and so does an API call (GET /v1/whoami)" test "$code" = 200

# max_connections bounds the threads: the fifth connection waits until an
# idle one lets go (cpp-httplib drops it after 5 s without a request).
start_server narrow 4
hold_idle "$URL" 4 30 "$TMP/narrow.held" || abort "4 idle connections open"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$URL/healthz")
check "with max_connections = 4 held, a fifth connection waits" test "$code" = 000
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 15 "$URL/healthz")
check "and is answered once the idle ones are let go" test "$code" = 200
finish
