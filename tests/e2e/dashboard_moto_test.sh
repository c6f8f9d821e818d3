#!/usr/bin/env bash
# `tryaudex dashboard` end to end in a real browser: sessions made by real
# `tryaudex run`s against moto (SigV4 checking on), then Debian's Chromium,
# headless, driven by puppeteer-core (tests/dashboard/dashboard_test.mjs
# holds the checks: the one-time link, the session list, a session's policy
# equal to what moto received, a session appearing live, the explorer's
# count equal to `policies expand`, a tampered audit log flagged, axe-core,
# 200 % zoom, keyboard use, no secret in any response).
#
#   bash tests/e2e/dashboard_moto_test.sh path/to/tryaudex NPM_DIR NODE SCREENSHOT_DIR [CHROMIUM]
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup dashboard-moto "$@"
NPM_DIR="$(cd "${2:-.}" && pwd)"
NODE="${3:-node}"
SHOTS="${4:-$TMP/screenshots}"
export AUDEX_E2E_CHROMIUM="${5:-/usr/bin/chromium}"
need_tool "$NODE" "scripts/setup installs nodejs"
need_tool "$AUDEX_E2E_CHROMIUM" "scripts/setup installs chromium"
need_tool aws "pip's awscli is on the machine image"
if [ ! -f "$NPM_DIR/node_modules/puppeteer-core/package.json" ]; then
  abort "puppeteer-core is installed in $NPM_DIR (build the audex_dashboard_test_npm target)"
fi

start_moto --auth 5
mkdir -p "$AUDEX_HOME" && chmod 700 "$AUDEX_HOME"
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AUDEX_AGENT_ID BROWSER
setup_moto_user_and_role AudexRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
printf 'region = "us-east-1"\n' >"$AUDEX_HOME/config.toml"

# Two sessions before the dashboard starts: a child that succeeds and one
# that fails (the dashboard shows each one's exit status).
"$BIN" run --role-arn "$ROLE" --allow "s3:ListAllMyBuckets,s3:GetObject" --ttl 15m \
  -- aws s3 ls >"$TMP/run1.out" 2>&1
check "a first run session against moto" test $? -eq 0
"$BIN" run --role-arn "$ROLE" --allow "s3:Get*" --ttl 15m -- sh -c 'exit 3' >"$TMP/run2.out" 2>&1
check "a second run session (its child exits 3)" test $? -eq 3

export AUDEX_E2E_ROLE="$ROLE" AUDEX_E2E_PIDS="$TMP/dashboard.pid"
# The dashboard the browser script starts is stopped here too, by its pid,
# should the script end early.
stop_dashboard() { [ -s "$AUDEX_E2E_PIDS" ] && kill "$(cat "$AUDEX_E2E_PIDS")"; }
at_exit stop_dashboard
# Run from NPM_DIR so that its imports find puppeteer-core and axe-core.
cp "$ROOT/tests/dashboard/dashboard_test.mjs" "$ROOT/tests/e2e/tap.mjs" "$NPM_DIR/"
"$NODE" "$NPM_DIR/dashboard_test.mjs" "$BIN" "$SHOTS"
browser_status=$?
check "the browser checks pass (tests/dashboard/dashboard_test.mjs)" test "$browser_status" -eq 0

# --- the browser is started only where one is configured (BROWSER) ----------
# A stand-in browser records its argument and environment.
printf '#!/bin/sh\nenv > "$0.env"\necho "$1" > "$0.url"\n' >"$TMP/browser"
chmod +x "$TMP/browser"
BROWSER="$TMP/browser" "$BIN" dashboard --no-open >"$TMP/no-open.out" 2>&1 &
no_open_pid=$!
kill_at_exit "$no_open_pid"
wait_for_file "$TMP/no-open.out" 10
sleep 1
check "--no-open prints the URL and starts no browser" \
  bash -c "grep -q 'login?token=' '$TMP/no-open.out' && test ! -e '$TMP/browser.url'"
kill "$no_open_pid"
wait "$no_open_pid"
check "SIGTERM ends the dashboard with exit 0" test $? -eq 0
BROWSER="$TMP/browser" "$BIN" dashboard >"$TMP/open.out" 2>&1 &
open_pid=$!
kill_at_exit "$open_pid"
check "BROWSER is started" wait_for_file "$TMP/browser.url" 10
check "BROWSER gets the printed one-time URL" \
  bash -c "grep -qE '^http://127\.0\.0\.1:[0-9]+/login\?token=[0-9a-f]{64}$' '$TMP/browser.url' &&
           grep -qF \"\$(cat '$TMP/browser.url')\" '$TMP/open.out'"
check "the browser's environment holds no secret key" \
  bash -c "grep -q '^AWS_ACCESS_KEY_ID=' '$TMP/browser.env' && ! grep -q '^AWS_SECRET_ACCESS_KEY=' '$TMP/browser.env'"
# (A background job of a script ignores SIGINT, so the terminal's Ctrl-C
# is not what this can send; SIGHUP, a closed terminal, is.)
kill -HUP "$open_pid"
wait "$open_pid"
check "SIGHUP ends the dashboard with exit 0" test $? -eq 0
finish
