#!/usr/bin/env bash
# A team-server grant capped by its caller's OIDC token ends where it is
# enforced (issue 17, item 5): STS will not issue for less than 900 s, so
# the server asks for 900 s and appends AudexGrantEnds to the session policy
# (Deny * once aws:CurrentTime is past the token's end). Ceph radosgw's STS
# evaluates session policies with that condition key, so here the grant's
# credentials really stop working at the token's end, before STS's own
# expiry: the aws CLI child lists the bucket, waits past the end, and is
# refused. Real parts: radosgw as STS and S3, a loopback GitHub-shaped
# issuer (npm jose, tests/oidc/github_issuer.mjs), the aws CLI as child.
#
#   bash tests/e2e/grant_ends_radosgw_test.sh path/to/tryaudex path/to/oidc_npm_dir
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup grant-ends-rgw "$@"
NPM_DIR=${2:-}
[[ -f $NPM_DIR/node_modules/jose/package.json ]] ||
  abort "the npm packages of tests/oidc are installed in $NPM_DIR (the build's audex_oidc_test_npm)"
need_tool node "scripts/setup installs nodejs"
need_tool aws "pip's awscli is on the machine image"

start_radosgw
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN AUDEX_ROLE_ARN
mkdir -p "$HOME"

node "$NPM_DIR/github_issuer.mjs" >"$TMP/gh.ready" 2>"$TMP/gh.log" &
kill_at_exit $!
wait_for_file "$TMP/gh.ready" 20 || abort "the GitHub-shaped issuer starts ($(cat "$TMP/gh.log"))"
GH="http://127.0.0.1:$("$PY" -c "import json; print(json.load(open('$TMP/gh.ready'))['port'])")"

mkdir -p "$TMP/etc"
cat >"$TMP/etc/server.toml" <<TOML
listen = "127.0.0.1:0"
store = "sqlite://$TMP/team.db"
state_dir = "$TMP/state"
role_arn = "$RGW_ROLE_ARN"
region = "us-east-1"
sts_cache = false

[[oidc.issuers]]
name = "gh"
kind = "github"
issuer = "$GH/gh"
audience = "https://audex.test"
[oidc.issuers.require]
repository_owner_id = "2020"

[policies.deploy]
profiles = ["s3-readonly"]
max_ttl = "1h"
issuers = ["gh"]
[policies.deploy.claims]
repository_id = "424242"
TOML
chmod 600 "$TMP/etc/server.toml"
CONF="$TMP/etc/server.toml"
"$BIN" server migrate --config "$CONF" >"$TMP/migrate.out" 2>&1 || { cat "$TMP/migrate.out"; abort "server migrate"; }
# Only the server holds radosgw's keys.
AWS_ACCESS_KEY_ID="$RGW_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$RGW_SECRET_KEY" \
  "$BIN" server --config "$CONF" --ready-file "$TMP/server.ready" 2>"$TMP/server.log" &
kill_at_exit $!
wait_for_file "$TMP/server.ready" 15 || { cat "$TMP/server.log"; abort "tryaudex server starts"; }
URL=$(head -1 "$TMP/server.ready")

# A token with 40 s left: the grant is capped there.
NOW=$(date +%s)
TOKEN=$(curl -sf -X POST -H 'Content-Type: application/json' \
  --data-binary "{\"claims\":{\"iat\":$NOW,\"nbf\":$NOW,\"exp\":$((NOW + 40))}}" "$GH/gh/mint")
check "the issuer mints a token" test -n "$TOKEN"

# The child lists the bucket, waits until 3 s past the token's end, then
# lists again: STS's credentials are good for 15 minutes, the policy is not.
AUDEX_SERVER="$URL" AUDEX_SERVER_TOKEN="$TOKEN" "$BIN" run --profile s3-readonly --ttl 30m -- \
  sh -c "aws s3api list-objects-v2 --bucket $RGW_BUCKET >/dev/null 2>'$TMP/first.err'; echo \$? >'$TMP/first.rc'
    i=0; while [ \$(date +%s) -lt $((NOW + 43)) ] && [ \$i -lt 900 ]; do sleep 0.1; i=\$((i+1)); done
    aws --debug s3api list-objects-v2 --bucket $RGW_BUCKET >/dev/null 2>'$TMP/second.err'; echo \$? >'$TMP/second.rc'
    true" >"$TMP/run.out" 2>"$TMP/run.err"
rc=$?
check "run --server with the short-lived token runs its child (exit $rc)" test $rc = 0
((rc == 0)) || sed 's/^/    /' "$TMP/run.err" | tail -5
first=$(cat "$TMP/first.rc" 2>/dev/null)
second=$(cat "$TMP/second.rc" 2>/dev/null)
check "the grant's credentials list the bucket before the token's end (exit ${first:-none})" test "$first" = 0
[[ $first == 0 ]] || sed 's/^/    /' "$TMP/first.err" 2>/dev/null | tail -5
check "radosgw refuses the same credentials after the token's end (AudexGrantEnds, aws:CurrentTime; exit ${second:-none})" \
  test -n "$second" -a "$second" != 0
check "the refusal is radosgw's 403 AccessDenied on the wire, not a transport error" grep -q "<Code>AccessDenied</Code>" "$TMP/second.err"
check "the server log names no token" bash -c "! grep -q '$TOKEN' '$TMP/server.log'"
finish
