#!/usr/bin/env bash
# The team server's web UI (/ui) end to end, with real parts: moto as STS
# and IAM (SigV4 checked), `tryaudex server` on SQLite, the certified npm
# oidc-provider (tests/oidc/oidc_provider.mjs) with the authorization code
# flow and PKCE as the people's IdP, grants made by real `run --server`
# calls (the aws CLI as the child), and Debian's Chromium, headless, driven
# by puppeteer-core (tests/dashboard/server_ui_test.mjs holds the browser
# checks: the OIDC login with PKCE, the API-token login, what a non-admin
# and an admin see, CSRF and Origin refusals, the CSP, axe-core, 200 %
# zoom, no secret in any response, screenshots).
#
#   bash tests/e2e/server_ui_test.sh path/to/tryaudex DASHBOARD_NPM_DIR OIDC_NPM_DIR NODE SCREENSHOT_DIR [CHROMIUM]
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup server-ui "$@"
NPM_DIR="$(cd "${2:-.}" && pwd)"
OIDC_NPM_DIR="$(cd "${3:-.}" && pwd)"
NODE="${4:-node}"
SHOTS="${5:-$TMP/screenshots}"
export AUDEX_E2E_CHROMIUM="${6:-/usr/bin/chromium}"
need_tool "$NODE" "scripts/setup installs nodejs"
need_tool "$AUDEX_E2E_CHROMIUM" "scripts/setup installs chromium"
need_tool aws "pip's awscli is on the machine image"
[[ -f $NPM_DIR/node_modules/puppeteer-core/package.json ]] ||
  abort "puppeteer-core is installed in $NPM_DIR (build the audex_dashboard_test_npm target)"
[[ -f $OIDC_NPM_DIR/node_modules/oidc-provider/package.json ]] ||
  abort "oidc-provider is installed in $OIDC_NPM_DIR (build the audex_oidc_test_npm target)"

start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AUDEX_AGENT_ID BROWSER
setup_moto_user_and_role AudexUiRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'

# The server's port is chosen first: the IdP must know the redirect URI
# (http://127.0.0.1:PORT/ui/callback) before the server starts.
PORT=$("$PY" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1]); s.close()")
URL="http://127.0.0.1:$PORT"
AUDEX_UI_REDIRECT_URI="$URL/ui/callback" node "$OIDC_NPM_DIR/oidc_provider.mjs" \
  >"$TMP/idp.ready" 2>"$TMP/idp.log" &
kill_at_exit $!
wait_for_file "$TMP/idp.ready" 20 || abort "oidc-provider starts ($(cat "$TMP/idp.log"))"
IDP=$("$PY" -c "import json; print(json.load(open('$TMP/idp.ready'))['issuer'])")

mkdir -p "$TMP/etc"
cat >"$TMP/etc/server.toml" <<TOML
listen = "127.0.0.1:$PORT"
store = "sqlite://$TMP/team.db"
state_dir = "$TMP/state"
role_arn = "$ROLE"
region = "us-east-1"
sts_cache = false

[[oidc.issuers]]
name = "corp"
issuer = "$IDP"
audience = "audex-cli"
name_claim = "email"
groups_claim = "groups"
jti_once = false
login = true
login_scope = "email groups"

[policies.ci]
profiles = ["s3-readonly"]
actions = ["s3:Get*", "s3:List*"]
max_ttl = "1h"

[policies.people]
profiles = ["s3-readonly"]
issuers = ["corp"]
groups = ["platform"]

[policies.ops]
admin = true

# The Approvals view: one approval from sec, never the requester's own;
# break-glass allowed (issued at once, reviewed after).
[policies.prod]
profiles = ["s3-readonly"]
actions = ["s3:Get*", "s3:List*", "s3:PutObject"]
max_ttl = "1h"
approval = { approvals = 1, groups = ["sec"], pending_ttl = "10m", break_glass = true }
TOML
chmod 600 "$TMP/etc/server.toml"
CONF="$TMP/etc/server.toml"
"$BIN" server migrate --config "$CONF" >"$TMP/migrate.out" 2>&1 || { cat "$TMP/migrate.out"; abort "server migrate"; }
"$BIN" server --config "$CONF" --ready-file "$TMP/server.ready" 2>"$TMP/server.log" &
kill_at_exit $!
wait_for_file "$TMP/server.ready" 15 || { cat "$TMP/server.log"; abort "tryaudex server starts"; }

CI=$("$BIN" server token create --config "$CONF" --name ci-bot --policy ci 2>/dev/null)
ADMIN=$("$BIN" server token create --config "$CONF" --name ops-admin --policy ops 2>/dev/null)
check "two API tokens (ci, admin)" bash -c "[[ '$CI' =~ ^audex_[0-9a-f]{64}$ && '$ADMIN' =~ ^audex_[0-9a-f]{64}$ ]]"
# A requester under prod (in sec too: still never their own approver) and
# an approver in sec whose own rule set is ci.
DEV=$("$BIN" server token create --config "$CONF" --name dev --policy prod --group sec 2>/dev/null)
SEC=$("$BIN" server token create --config "$CONF" --name sec-alice --policy ci --group sec 2>/dev/null)
check "two API tokens with group sec (requester, approver)" \
  bash -c "[[ '$DEV' =~ ^audex_[0-9a-f]{64}$ && '$SEC' =~ ^audex_[0-9a-f]{64}$ ]]"

# Grants made by real `run --server` calls: the aws CLI child runs with them.
for n in 1 2; do
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AUDEX_HOME="$TMP/client" AUDEX_SERVER="$URL" \
    AUDEX_SERVER_TOKEN="$CI" "$BIN" run --profile s3-readonly --ttl 30m -- aws s3 ls \
    >"$TMP/run$n.out" 2>&1
  check "run --server #$n: the aws CLI child runs on the server's grant" test $? -eq 0
done
# A refused request (an action outside policy ci): the activity's refusals.
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AUDEX_HOME="$TMP/client" AUDEX_SERVER="$URL" \
  AUDEX_SERVER_TOKEN="$CI" "$BIN" run --allow s3:PutObject --ttl 30m -- true >"$TMP/run3.out" 2>&1
check "run --server with an action outside the rule set is refused" test $? -ne 0

export AUDEX_E2E_URL="$URL" AUDEX_E2E_CI_TOKEN="$CI" AUDEX_E2E_ADMIN_TOKEN="$ADMIN"
export AUDEX_E2E_DEV_TOKEN="$DEV" AUDEX_E2E_SEC_TOKEN="$SEC" AUDEX_E2E_CLIENT_HOME="$TMP/client"
export AUDEX_E2E_CONF="$CONF" AUDEX_E2E_IDP="$IDP"
# Run from NPM_DIR so that its imports find puppeteer-core and axe-core.
cp "$ROOT/tests/dashboard/server_ui_test.mjs" "$ROOT/tests/e2e/tap.mjs" "$NPM_DIR/"
"$NODE" "$NPM_DIR/server_ui_test.mjs" "$BIN" "$SHOTS"
check "the browser checks pass (tests/dashboard/server_ui_test.mjs)" test $? -eq 0
check "no token or secret key in the server's log" \
  bash -c "! grep -qF -e '$CI' -e '$ADMIN' -e '$DEV' -e '$SEC' -e \"\$AWS_SECRET_ACCESS_KEY\" '$TMP/server.log'"
check "the server's log names each UI login" bash -c "grep '\"ui login\"' '$TMP/server.log' | grep -q oidc:corp"
finish
