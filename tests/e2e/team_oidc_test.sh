#!/usr/bin/env bash
# The team server's OIDC callers end to end (issue 17, items 1, 2 and 5),
# with real parts: moto as STS (SigV4 checked), the aws CLI as the child, a
# loopback GitHub-Actions-shaped issuer whose tokens npm's `jose` mints with
# rotating keys (tests/oidc/github_issuer.mjs), and the certified npm
# `oidc-provider` with the device flow (tests/oidc/oidc_provider.mjs) whose
# forms a node script fills in as the person would:
#   - seven bad CI tokens (wrong aud, wrong iss, expired, tampered,
#     replayed jti, another repository id, a disallowed ref): each 401 with
#     the refusing check in the reply and in the server's log
#   - good tokens (before and after a key rotation) get credentials, the aws
#     CLI child runs with them through `run --server`; the grant is capped at
#     the token's end (a session-policy deny, STS's floor being 15 minutes)
#   - an issuer that cannot be reached: 503
#   - no token in the store, the audit chain or the logs
#   - a person: tryaudex login (device flow) -> whoami -> run --server ->
#     logout -> whoami refused
#
#   bash tests/e2e/team_oidc_test.sh path/to/tryaudex path/to/oidc_npm_dir
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup team-oidc "$@"
NPM_DIR=${2:-}
[[ -f $NPM_DIR/node_modules/oidc-provider/package.json ]] ||
  abort "the npm packages of tests/oidc are installed in $NPM_DIR (the build's audex_oidc_test_npm)"
need_tool node "scripts/setup installs nodejs"
need_tool aws "pip's awscli is on the machine image"
start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN
setup_moto_user_and_role AudexOidcRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'

# --- the two identity providers -------------------------------------------------
node "$NPM_DIR/github_issuer.mjs" >"$TMP/gh.ready" 2>"$TMP/gh.log" &
kill_at_exit $!
node "$NPM_DIR/oidc_provider.mjs" >"$TMP/idp.ready" 2>"$TMP/idp.log" &
kill_at_exit $!
wait_for_file "$TMP/gh.ready" 20 || abort "the GitHub-shaped issuer starts ($(cat "$TMP/gh.log"))"
wait_for_file "$TMP/idp.ready" 20 || abort "oidc-provider starts ($(cat "$TMP/idp.log"))"
GH_PORT=$("$PY" -c "import json; print(json.load(open('$TMP/gh.ready'))['port'])")
IDP=$("$PY" -c "import json; print(json.load(open('$TMP/idp.ready'))['issuer'])")
GH="http://127.0.0.1:$GH_PORT"
# A port nothing listens on: an issuer that cannot be reached.
DOWN_PORT=$("$PY" -c "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1]); s.close()")

mkdir -p "$TMP/etc"
cat >"$TMP/etc/server.toml" <<TOML
listen = "127.0.0.1:0"
store = "sqlite://$TMP/team.db"
state_dir = "$TMP/state"
role_arn = "$ROLE"
region = "us-east-1"
sts_cache = false

[[oidc.issuers]]
name = "gh"
kind = "github"
issuer = "$GH/gh"
audience = "https://audex.test"
jwks_refetch_interval = "1s"
[oidc.issuers.require]
repository_owner_id = "2020"

[[oidc.issuers]]
name = "corp"
issuer = "$IDP"
audience = "audex-cli"
name_claim = "email"
groups_claim = "groups"
jti_once = false
login = true
login_scope = "email groups"

[[oidc.issuers]]
name = "down"
issuer = "http://127.0.0.1:$DOWN_PORT/down"
audience = "https://audex.test"

[policies.deploy]
profiles = ["s3-readonly"]
actions = ["s3:Get*", "s3:List*"]
max_ttl = "1h"
issuers = ["gh", "down"]
[policies.deploy.claims]
repository_id = "424242"
ref = ["refs/heads/main", "refs/tags/v*"]

[policies.people]
profiles = ["s3-readonly"]
issuers = ["corp"]
groups = ["platform"]
TOML
chmod 600 "$TMP/etc/server.toml"
CONF="$TMP/etc/server.toml"
"$BIN" server migrate --config "$CONF" >"$TMP/migrate.out" 2>&1 || { cat "$TMP/migrate.out"; abort "server migrate"; }
"$BIN" server --config "$CONF" --ready-file "$TMP/server.ready" 2>"$TMP/server.log" &
kill_at_exit $!
wait_for_file "$TMP/server.ready" 15 || { cat "$TMP/server.log"; abort "tryaudex server starts with three issuers"; }
URL=$(head -1 "$TMP/server.ready")

mint() {  # mint ISSUER JSON -> a token on stdout
  curl -sf -X POST -H 'Content-Type: application/json' --data-binary "$2" "$GH/$1/mint"
}
post() {  # post TOKEN -> status in $TMP/status, body in $TMP/body
  curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' \
    --data-binary '{"profile":"s3-readonly","ttl":"30m","reason":"e2e"}' "$URL/v1/grants" >"$TMP/status"
}
rule_of() { "$PY" -c "import json; print(json.load(open('$TMP/body'))['error'].get('rule',''))"; }
TOKENS=()

# --- a good token: the aws CLI child through run --server ---------------------------
GOOD=$(mint gh '{}')
TOKENS+=("$GOOD")
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AUDEX_HOME="$TMP/ci" AUDEX_SERVER="$URL" \
  AUDEX_SERVER_TOKEN="$GOOD" "$BIN" run --profile s3-readonly --ttl 30m -- aws s3api list-buckets --output json \
  >"$TMP/run-ci.out" 2>"$TMP/run-ci.err"
check "a good GitHub-shaped token gets credentials: the aws CLI child runs (run --server)" \
  grep -q '"Buckets"' "$TMP/run-ci.out"
check "the server logs the OIDC caller bound to policy deploy, with its repository id" \
  bash -c "grep '\"oidc caller\"' '$TMP/server.log' | grep '\"policy\":\"deploy\"' | grep -q '\"repository_id\":\"424242\"'"
curl -s "$MOTO_URL/moto-api/data.json" >"$TMP/moto.json"
check "the grant is capped at the token's 5 minutes: STS's 900 s floor, a session-policy deny after it" \
  "$PY" - "$TMP/moto.json" <<'PY'
import json, sys
sessions = json.load(open(sys.argv[1]))["sts"]["AssumedRole"]
assert len(sessions) == 1, sessions
policy = json.loads(sessions[0]["policy"])
ends = [s for s in policy["Statement"] if s.get("Sid") == "AudexGrantEnds"]
assert ends and ends[0]["Effect"] == "Deny" and ends[0]["Action"] == "*", policy
assert "aws:CurrentTime" in ends[0]["Condition"]["DateGreaterThan"], policy
PY

# --- seven bad tokens, each 401 naming its check ----------------------------------
NOW=$(date +%s)
declare -A BAD
BAD[aud]=$(mint gh '{"claims":{"aud":"sts.amazonaws.com"}}')
BAD[iss]=$(mint other '{}')
BAD[exp]=$(mint gh "{\"claims\":{\"iat\":$((NOW - 900)),\"nbf\":$((NOW - 905)),\"exp\":$((NOW - 600))}}")
BAD[signature]=$(mint gh '{"mode":"tampered"}')
BAD[replay]=$GOOD
BAD[bind:repository_id]=$(mint gh '{"claims":{"repository_id":"999999","repository":"octo-org/other"}}')
BAD[bind:ref]=$(mint gh '{"claims":{"ref":"refs/heads/feature"}}')
for check_name in aud iss exp signature replay bind:repository_id bind:ref; do
  token=${BAD[$check_name]}
  TOKENS+=("$token")
  post "$token"
  check "bad token ($check_name): 401 with rule $check_name" \
    bash -c "test \"\$(cat '$TMP/status')\" = 401 && test \"\$($PY -c \"import json; print(json.load(open('$TMP/body'))['error']['rule'])\")\" = '$check_name'"
  check "bad token ($check_name): the refusal and its reason are in the server's log" \
    bash -c "grep '\"oidc token refused\"' '$TMP/server.log' | grep -q '\"check\":\"$check_name\"'"
done

# --- rotating keys: a token under a new key is verified after one re-fetch -------
JWKS_BEFORE=$(curl -s "$GH/stats" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['gh']['jwks'])")
curl -sf -X POST "$GH/gh/rotate" >/dev/null
sleep 1.2  # jwks_refetch_interval: an unknown kid re-fetches at most once a second here
ROTATED=$(mint gh '{}')
TOKENS+=("$ROTATED")
post "$ROTATED"
check "after a key rotation a token signed with the new key gets a grant (201)" test "$(cat "$TMP/status")" = 201
JWKS_AFTER=$(curl -s "$GH/stats" | "$PY" -c "import json,sys; print(json.load(sys.stdin)['gh']['jwks'])")
check "the unknown kid made exactly one more JWKS fetch" test "$JWKS_AFTER" = "$((JWKS_BEFORE + 1))"
check "the grant reply says the TTL was capped by the OIDC token" \
  "$PY" -c "import json; d=json.load(open('$TMP/body')); c=d['ttl_cap']; assert c['by']=='oidc_token' and c['capped'] and c['ttl_seconds']<=300 and d['ttl_seconds']==c['ttl_seconds'] and c['ended_by']=='session_policy', d"

# --- an issuer that cannot be reached: 503 ------------------------------------------
UNREACHABLE=$(mint gh "{\"claims\":{\"iss\":\"http://127.0.0.1:$DOWN_PORT/down\"}}")
TOKENS+=("$UNREACHABLE")
post "$UNREACHABLE"
check "a token of an issuer whose keys cannot be fetched: 503 (neither accepted nor refused)" \
  test "$(cat "$TMP/status")" = 503

# --- a person: login (device flow) -> whoami -> run --server -> logout --------------
export AUDEX_HOME="$TMP/person"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$BIN" login --server "$URL" \
  >"$TMP/login.out" 2>"$TMP/login.err" &
LOGIN_PID=$!
kill_at_exit $LOGIN_PID
for _ in $(seq 1 100); do grep -q 'enter the code' "$TMP/login.err" && break; sleep 0.1; done
VERIFY_URI=$(sed -n '2p' "$TMP/login.err" | tr -d ' ')
USER_CODE=$(sed -n '4p' "$TMP/login.err" | tr -d ' ')
check "login prints the provider's verification URI and a user code" \
  bash -c "[[ '$VERIFY_URI' == $IDP/* && -n '$USER_CODE' ]]"
node "$NPM_DIR/complete_device_login.mjs" "$VERIFY_URI" "$USER_CODE" ada >"$TMP/browser.out" 2>&1
BROWSER_RC=$?
check "the person confirms the code at the provider (its own forms)" test "$BROWSER_RC" = 0
LOGIN_RC=124
for _ in $(seq 1 300); do
  if ! kill -0 $LOGIN_PID 2>/dev/null; then wait $LOGIN_PID; LOGIN_RC=$?; break; fi
  sleep 0.1
done
check "tryaudex login exits 0 once the provider issued the tokens" test "$LOGIN_RC" = 0
check "login says where it is logged in" grep -q "Logged in to $URL" "$TMP/login.out"
ID_TOKEN_KEPT=$(find "$AUDEX_HOME" -type f -name 'login-*' | head -1)
check "the login tokens are kept sealed (an entry, no JWT in it)" \
  bash -c "test -n '$ID_TOKEN_KEPT' && ! grep -aq 'eyJ' '$ID_TOKEN_KEPT'"
"$BIN" whoami --server "$URL" >"$TMP/whoami.out" 2>"$TMP/whoami.err"
check "whoami: the server knows the person by email, bound to policy people by group" \
  bash -c "grep -q 'caller   corp:ada@example.com' '$TMP/whoami.out' && grep -q 'policy   people' '$TMP/whoami.out' && grep -q 'platform' '$TMP/whoami.out'"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$BIN" run --server "$URL" --profile s3-readonly \
  --ttl 15m -- aws s3api list-buckets --output json >"$TMP/run-person.out" 2>"$TMP/run-person.err"
check "run --server URL (the flag) with no API token presents the login's ID token: the aws CLI child runs" \
  grep -q '"Buckets"' "$TMP/run-person.out"
check "the person's grant is recorded under their name" \
  bash -c "grep '\"oidc caller\"' '$TMP/server.log' | grep -q '\"caller\":\"corp:ada@example.com\"'"
"$BIN" logout --server "$URL" >"$TMP/logout.out" 2>&1
check "logout forgets the login" grep -q "Logged out of $URL" "$TMP/logout.out"
"$BIN" whoami --server "$URL" >/dev/null 2>"$TMP/whoami2.err"
WHOAMI_RC=$?
check "after logout whoami fails with exit 4 and says how to log in" \
  bash -c "test $WHOAMI_RC = 4 && grep -q 'tryaudex login' '$TMP/whoami2.err'"
unset AUDEX_HOME

# --- no secret stored --------------------------------------------------------------
leaks=0
for token in "${TOKENS[@]}"; do
  signature=${token##*.}
  [[ -z $signature ]] && continue
  if grep -aqF "$signature" "$TMP"/team.db* "$TMP/server.log" 2>/dev/null; then leaks=$((leaks + 1)); fi
done
check "no token (nor its signature) is in the SQLite store or the server's log" test "$leaks" = 0
"$BIN" server audit export --config "$CONF" --to "$TMP/export" >/dev/null 2>&1
check "the audit records the CI caller's repository id and run id" \
  bash -c "grep 'grant_requested' '$TMP/export/audit.jsonl' | grep -q '\"repository_id\":\"424242\".*\"run_id\":\"22259804324\"'"
check "the audit chain names the OIDC callers and holds no token" \
  bash -c "grep -q 'gh:octo-org/deploy' '$TMP/export/audit.jsonl' && grep -q 'corp:ada@example.com' '$TMP/export/audit.jsonl' && ! grep -q 'eyJ' '$TMP/export/audit.jsonl'"
"$BIN" server audit verify --config "$CONF" >"$TMP/verify.out" 2>&1
VERIFY_RC=$?
check "the audit chain verifies" test "$VERIFY_RC" = 0
finish
