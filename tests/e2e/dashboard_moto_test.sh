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
mkdir -p "$AUDEX_HOME"
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

export AUDEX_E2E_ROLE="$ROLE"
# Run from NPM_DIR so that its imports find puppeteer-core and axe-core.
cp "$ROOT/tests/dashboard/dashboard_test.mjs" "$NPM_DIR/dashboard_test.mjs"
"$NODE" "$NPM_DIR/dashboard_test.mjs" "$BIN" "$SHOTS"
browser_status=$?
check "the browser checks pass (tests/dashboard/dashboard_test.mjs)" test "$browser_status" -eq 0
finish
