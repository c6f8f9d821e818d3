#!/usr/bin/env bash
# `tryaudex server` end to end, with real parts: two replicas on one
# PostgreSQL 15 cluster (started here, scripts/local-cloud postgres), moto
# as STS with SigV4 checking on, the aws CLI and boto3 as clients:
#   - grants: the plan moto received, the caller's identity on the session,
#     the credentials working; every refusal naming its rule
#   - 200 concurrent grants from several callers over both replicas: none
#     lost or duplicated, each with its STS session and its audit events,
#     the chain intact
#   - a per-caller limit of 10/min across both replicas; another caller
#     unaffected; the STS cache reusing a live session
#   - bad input: a clear 4xx with a reason, nothing stored but the refusal
#   - one replica killed under load: under 0.5 % failed requests, no grant
#     left half-written; PostgreSQL stopped: 503 within 2 s, nothing issued
#   - SIGTERM: requests in flight finish, the replica exits 0
#   - run --server, credential-process --server, run --serve --server
#
#   bash tests/e2e/team_server_test.sh path/to/tryaudex [JS_SDK_DIR]
# (JS_SDK_DIR: the JavaScript SDK v3 installed by tests/endpoint; with it a
# node child of run --server is tried as well)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup team-server "$@"
JS_SDK_DIR=${2:-}
need_tool aws "pip's awscli is on the machine image"
need_tool psql "scripts/setup installs postgresql-15"
need_python_module boto3 "pip's boto3 is on the machine image"
# PostgreSQL gets a directory of its own: as root, its cluster runs as the
# postgres user, which may pass through that directory but not $TMP.
PGDIR="$(mktemp -d "${TMPDIR:-/tmp}/audex-team-pg.XXXXXX")"
at_exit rm -rf "$PGDIR"
at_exit "$ROOT/scripts/local-cloud" postgres stop "$PGDIR"
start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN
setup_moto_user_and_role AudexTeamRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
if ! LOCAL_CLOUD_TIMEOUT=60 "$ROOT/scripts/local-cloud" postgres start "$PGDIR" >"$TMP/pg.log" 2>&1; then
  cat "$TMP/pg.log"
  abort "PostgreSQL starts (scripts/setup installs postgresql-15)"
fi
PG_URL=$(sed -n 's/^PG_URL=//p' "$PGDIR/postgres.env")

mkdir -p "$TMP/etc"
cat >"$TMP/etc/server.toml" <<EOF
listen = "127.0.0.1:0"
store = "$PG_URL"
state_dir = "$TMP/state"
role_arn = "$ROLE"
region = "us-east-1"
deny = ["iam:*"]
sts_cache = false
issuing_timeout = "4s"

[policies.ci]
profiles = ["s3-readonly"]
actions = ["s3:Get*", "s3:List*"]
max_ttl = "1h"

[policies.limited]
actions = ["s3:Get*"]
rate = "10/min"

[policies.ops]
actions = ["*"]
admin = true
EOF
chmod 600 "$TMP/etc/server.toml"
CONF="$TMP/etc/server.toml"

"$BIN" server migrate --config "$CONF" >"$TMP/migrate.out" 2>"$TMP/migrate.err"
check "server migrate applies the schema" grep -q "Schema at version" "$TMP/migrate.out"
check "server migrate creates the keys, private" \
  test "$(stat -c %a "$TMP/state/server-audit.key")" = 600
newtoken() { "$BIN" server token create --config "$CONF" --name "$1" --policy "$2" 2>/dev/null; }
CI=$(newtoken ci-deploy ci)
CI2=$(newtoken ci-other ci)
CI3=$(newtoken ci-third ci)
LIMITED=$(newtoken limited-a limited)
LIMITED_B=$(newtoken limited-b limited)
OPS=$(newtoken ops ops)
check "token create prints an audex_ token once" bash -c "[[ '$CI' =~ ^audex_[0-9a-f]{64}$ ]]"
check "no token value is in the database" \
  bash -c "! psql '$PG_URL' -Atc 'select * from api_tokens' 2>/dev/null | grep -q '${CI#audex_}'"

start_replica() {
  local name=$1
  rm -f "$TMP/$name.ready"
  "$BIN" server --config "$CONF" --ready-file "$TMP/$name.ready" 2>"$TMP/$name.log" &
  kill_at_exit $!
  eval "${name}_PID=$!"
  wait_for_file "$TMP/$name.ready" 10
  eval "${name}_URL=$(head -1 "$TMP/$name.ready")"
}
start_replica A
start_replica B
check "two replicas listen" test -n "$A_URL" -a -n "$B_URL"

post() {  # post URL TOKEN BODY -> status in $TMP/status, body in $TMP/body, headers in $TMP/headers
  curl -s -o "$TMP/body" -D "$TMP/headers" -w '%{http_code}' -X POST -H "Authorization: Bearer $2" \
    -H 'Content-Type: application/json' --data-binary "$3" "$1/v1/grants" >"$TMP/status"
}
json() { "$PY" -c "import json,sys; d=json.load(open('$TMP/body')); print($1)"; }
status() { cat "$TMP/status"; }

check "healthz answers" test "$(curl -s "$A_URL/healthz")" = "ok"
check "readyz: store, schema and base credentials ready" test "$(curl -s -o /dev/null -w '%{http_code}' "$B_URL/readyz")" = 200

# --- one grant ---------------------------------------------------------------
post "$A_URL" "$CI" '{"profile":"s3-readonly","ttl":"20m","reason":"nightly build"}'
check "a grant inside the rules is 201" test "$(status)" = 201
GRANT=$(json 'd["grant_id"]')
check "the reply is credential_process-shaped with the grant id" \
  "$PY" -c "import json; d=json.load(open('$TMP/body')); assert d['Version']==1 and d['AccessKeyId'].startswith('ASIA') and d['SessionToken'] and d['Expiration'] and d['credentials_token']"
KEY=$(json 'd["AccessKeyId"]'); SECRET=$(json 'd["SecretAccessKey"]'); STOKEN=$(json 'd["SessionToken"]')
check "the granted credentials work (moto checks SigV4)" \
  env AWS_ACCESS_KEY_ID="$KEY" AWS_SECRET_ACCESS_KEY="$SECRET" AWS_SESSION_TOKEN="$STOKEN" \
  aws s3api list-buckets --output json
curl -s "$MOTO_URL/moto-api/data.json" >"$TMP/moto.json"
check "STS saw RoleSessionName audex-<grant id> and the plan's policy" "$PY" - "$TMP/moto.json" "$GRANT" <<'PY'
import json, sys
sessions = json.load(open(sys.argv[1]))["sts"]["AssumedRole"]
mine = [s for s in sessions if s["session_name"] == "audex-" + sys.argv[2]]
assert len(mine) == 1, [s["session_name"] for s in sessions]
policy = json.loads(mine[0]["policy"])
assert policy["Statement"][0]["Effect"] == "Allow" and "s3:ListBucket" in policy["Statement"][0]["Action"], policy
PY
check "the grant is listed without secrets" bash -c \
  "curl -s -H 'Authorization: Bearer $CI' '$B_URL/v1/grants/$GRANT' | grep -q '\"status\":\"issued\"' && ! curl -s -H 'Authorization: Bearer $CI' '$B_URL/v1/grants/$GRANT' | grep -q '$SECRET'"
check "another caller cannot see it" \
  test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CI2" "$A_URL/v1/grants/$GRANT")" = 404

# --- refusals: a clear 4xx, nothing stored but the refusal ---------------------
count_grants() { psql "$PG_URL" -Atc 'select count(*) from grants'; }
BEFORE=$(count_grants)
post "$A_URL" "$CI" '{"allow":"s3:PutObject"}'
check "an action outside the rules is 403 naming the rule" \
  bash -c "test \"\$(cat $TMP/status)\" = 403 && grep -q '\"rule\":\"policies.ci.actions\"' $TMP/body"
post "$A_URL" "$CI" '{"profile":"s3-readonly","ttl":"2h"}'
check "a TTL over max_ttl is 403 naming policies.ci.max_ttl" grep -q 'policies.ci.max_ttl' "$TMP/body"
post "$A_URL" "$CI" '{"allow": "s3:GetObject",'
check "malformed JSON is 400" test "$(status)" = 400
post "$A_URL" "$CI" '{"allow":"s3:GetObject","colour":"red"}'
check "an unknown field is 400 naming it" grep -q 'unknown field \\"colour\\"' "$TMP/body"
head -c 200000 /dev/zero | tr '\0' a >"$TMP/huge"
curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $CI" --data-binary @"$TMP/huge" \
  "$A_URL/v1/grants" >"$TMP/status"
check "a huge body is 413" test "$(status)" = 413
post "$A_URL" "" '{"allow":"s3:GetObject"}'
check "no token is 401" test "$(status)" = 401
post "$A_URL" "audex_$(printf '%064d' 7)" '{"allow":"s3:GetObject"}'
check "a token of another server is 401" test "$(status)" = 401
post "$A_URL" "$CI" '{"allow":"iam:ListRoles"}'
check "the server's deny list applies" bash -c "test \"\$(cat $TMP/status)\" -ge 400 -a \"\$(cat $TMP/status)\" -lt 500"
check "refusals store no grant" test "$(count_grants)" = "$BEFORE"
check "each refusal is an audit event with its rule" bash -c \
  "psql '$PG_URL' -Atc \"select line from audit_events where event='grant_refused'\" | grep -c 'policies.ci' | grep -qx 2"

# --- 200 concurrent grants over both replicas ---------------------------------
"$PY" "$HERE/team_load.py" --urls "$A_URL,$B_URL" --tokens "$CI,$CI2,$CI3" --count 200 \
  --concurrency 8 --body '{"allow":"s3:GetObject,s3:ListBucket","ttl":"15m"}' >"$TMP/load200.json"
check "200 concurrent grants: all 201, 200 distinct ids" "$PY" - "$TMP/load200.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["status"] == {"201": 200}, r
assert len(set(r["grants"])) == 200, len(set(r["grants"]))
PY
jq_ids() { "$PY" -c "import json; print('\n'.join(json.load(open('$TMP/load200.json'))['grants']))"; }
curl -s "$MOTO_URL/moto-api/data.json" >"$TMP/moto.json"
check "every grant has its own STS session" bash -c \
  "for id in \$($PY -c \"import json; print(' '.join(json.load(open('$TMP/load200.json'))['grants']))\"); do grep -q \"audex-\$id\" '$TMP/moto.json' || exit 1; done"
check "every grant has grant_requested and grant_issued in the store's chain" "$PY" - "$PG_URL" "$TMP/load200.json" <<'PY'
import json, subprocess, sys
ids = set(json.load(open(sys.argv[2]))["grants"])
rows = subprocess.run(["psql", sys.argv[1], "-Atc",
                       "select session_id, event from audit_events where event in ('grant_requested','grant_issued')"],
                      capture_output=True, text=True, check=True).stdout.split()
seen = {}
for row in rows:
    sid, event = row.split("|")
    seen.setdefault(sid, []).append(event)
for i in ids:
    assert sorted(seen.get(i, [])) == ["grant_issued", "grant_requested"], (i, seen.get(i))
PY
"$BIN" server audit verify --config "$CONF" >"$TMP/verify.out" 2>&1
check "server audit verify: the chain of both replicas is intact" grep -q "^OK: " "$TMP/verify.out"

# --- rate limit across replicas; another caller unaffected ---------------------
"$PY" "$HERE/team_load.py" --urls "$A_URL,$B_URL" --tokens "$LIMITED" --count 30 --concurrency 3 \
  --body '{"allow":"s3:GetObject","ttl":"15m"}' >"$TMP/limited.json"
check "a 10/min caller gets 10 (+-1) grants from 30, the rest 429 with Retry-After" "$PY" - "$TMP/limited.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok, limited = r["status"].get("201", 0), r["status"].get("429", 0)
assert 9 <= ok <= 11 and ok + limited == 30, r["status"]
assert all(v and int(v) >= 1 for v in r["retry_after"]), r["retry_after"]
PY
post "$B_URL" "$LIMITED_B" '{"allow":"s3:GetObject"}'
check "a second caller of the same policy is unaffected" test "$(status)" = 201

# --- the STS cache: a live session reused --------------------------------------
sed -i 's/^sts_cache = false/sts_cache = true/' "$CONF"
kill -HUP "$A_PID"
sleep 0.5
post "$A_URL" "$CI" '{"allow":"s3:GetObject","ttl":"15m","reason":"cache 1"}'
FIRST=$(json 'd["grant_id"]')
post "$A_URL" "$CI" '{"allow":"s3:GetObject","ttl":"15m","reason":"cache 2"}'
check "after a reload with sts_cache, an identical request reuses the live session" \
  bash -c "test \"\$($PY -c \"import json; print(json.load(open('$TMP/body'))['reused_from'])\")\" = '$FIRST'"
check "reuse is counted in /metrics" bash -c "curl -s '$A_URL/metrics' | grep -q '^audex_sts_cache_hits_total 1'"

# --- clients: run --server, credential-process --server, --serve --server -----
export AUDEX_SERVER="$A_URL" AUDEX_SERVER_TOKEN="$CI" AUDEX_HOME="$TMP/client"
BASE_SAVED_KEY=$AWS_ACCESS_KEY_ID; BASE_SAVED_SECRET=$AWS_SECRET_ACCESS_KEY
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
"$BIN" run --profile s3-readonly --ttl 15m -- aws s3api list-buckets --output json >"$TMP/run.out" 2>"$TMP/run.err"
check "run --server: the aws CLI child works with the server's grant (no base keys here)" \
  grep -q '"Buckets"' "$TMP/run.out"
"$BIN" run --profile s3-readonly -- "$PY" -c 'import boto3; print(len(boto3.client("s3").list_buckets()["Buckets"]))' \
  >"$TMP/run-boto.out" 2>"$TMP/run-boto.err"
check "run --server: a boto3 child works" grep -qx '[0-9]*' "$TMP/run-boto.out"
if [[ -n $JS_SDK_DIR ]]; then
  NODE_PATH="$JS_SDK_DIR/node_modules" "$BIN" run --profile s3-readonly -- node -e '
    const { S3Client, ListBucketsCommand } = require("@aws-sdk/client-s3");
    new S3Client({}).send(new ListBucketsCommand({}))
      .then((r) => console.log("js buckets " + r.Buckets.length))
      .catch((e) => { console.error(e.name); process.exit(1); });' \
    >"$TMP/run-js.out" 2>"$TMP/run-js.err"
  check "run --server: a JavaScript SDK v3 child works" grep -q '^js buckets [0-9]' "$TMP/run-js.out"
fi
"$BIN" sessions list --all --json >"$TMP/sessions.json"
check "the local session record names the team server and grant" \
  bash -c "grep -q 'team server' '$TMP/client/audit.jsonl'"
mkdir -p "$HOME/.aws"
printf '[profile team]\ncredential_process = %s credential-process --profile s3-readonly --server %s\nregion = us-east-1\n' \
  "$BIN" "$A_URL" >"$HOME/.aws/config"
aws --profile team s3api list-buckets --output json >"$TMP/cp.out" 2>"$TMP/cp.err"
check "credential-process --server through the aws CLI" grep -q '"Buckets"' "$TMP/cp.out"
AUDEX_SERVE_REFRESH_SECONDS=1 "$BIN" run --serve --profile s3-readonly --ttl 15m -- \
  sh -c 'aws s3api list-buckets >/dev/null && sleep 2 && aws s3api list-buckets >/dev/null && echo served' \
  >"$TMP/serve.out" 2>"$TMP/serve.err"
check "run --serve --server: the child is served and renewed through the server" \
  bash -c "grep -q served '$TMP/serve.out' && curl -s '$A_URL/metrics' | grep -q 'route=\"/v1/grants/{id}/credentials\",status=\"200\"'"
unset AUDEX_SERVER AUDEX_SERVER_TOKEN
export AWS_ACCESS_KEY_ID=$BASE_SAVED_KEY AWS_SECRET_ACCESS_KEY=$BASE_SAVED_SECRET

# --- one replica killed under load ---------------------------------------------
sed -i 's/^sts_cache = true/sts_cache = false/' "$CONF"
kill -HUP "$A_PID" "$B_PID"
sleep 0.5
"$PY" "$HERE/team_load.py" --urls "$A_URL,$B_URL" --tokens "$CI,$CI2" --count 800 --concurrency 4 \
  --failover --kill-after 200 --kill-pid "$B_PID" \
  --body '{"allow":"s3:GetObject","ttl":"15m"}' >"$TMP/kill.json"
check "a replica killed under load: under 0.5 % of 800 requests fail" "$PY" - "$TMP/kill.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
failed = r["broken"] + r["refused"] + sum(v for k, v in r["status"].items() if k != "201")
assert failed / 800 < 0.005, r
PY
sleep 6  # issuing_timeout (4 s): the surviving replica's janitor
check "no grant is left half-written (issuing)" \
  test "$(psql "$PG_URL" -Atc "select count(*) from grants where status='issuing'")" = 0
start_replica B

# --- PostgreSQL stopped ----------------------------------------------------------
ASSUMED_BEFORE=$(curl -s "$MOTO_URL/moto-api/data.json" | grep -o 'audex-[0-9a-z]\{16\}' | sort -u | wc -l)
"$ROOT/scripts/local-cloud" postgres halt "$PGDIR" >/dev/null 2>&1
T0=$(date +%s%N)
READY=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$A_URL/readyz")
post "$A_URL" "$CI" '{"allow":"s3:GetObject"}'
T1=$(date +%s%N)
check "store down: /readyz fails" test "$READY" = 503
check "store down: a grant is 503 within 2 s" bash -c "test \"\$(cat $TMP/status)\" = 503 -a $(( (T1 - T0) / 1000000 )) -lt 4000"
ASSUMED_AFTER=$(curl -s "$MOTO_URL/moto-api/data.json" | grep -o 'audex-[0-9a-z]\{16\}' | sort -u | wc -l)
check "store down: nothing is issued unaudited (no new STS session)" test "$ASSUMED_BEFORE" = "$ASSUMED_AFTER"

# --- SIGTERM: in-flight requests finish -----------------------------------------
"$ROOT/scripts/local-cloud" postgres resume "$PGDIR" >/dev/null 2>&1
check "store back: /readyz recovers" bash -c "for i in \$(seq 1 50); do test \"\$(curl -s -o /dev/null -w '%{http_code}' '$A_URL/readyz')\" = 200 && exit 0; sleep 0.1; done; exit 1"
"$PY" "$HERE/team_load.py" --urls "$A_URL" --tokens "$CI" --count 300 --concurrency 4 \
  --stop-after 50 --stop-pid "$A_PID" --body '{"allow":"s3:GetObject","ttl":"15m"}' >"$TMP/term.json"
wait "$A_PID"
A_RC=$?
check "SIGTERM: the replica exits 0" test "$A_RC" = 0
check "SIGTERM: no request is cut off mid-reply (answered, or refused before it was sent)" \
  "$PY" -c "import json; r=json.load(open('$TMP/term.json')); assert r['broken']==0, r"
check "SIGTERM: the log says it stopped" grep -q '"msg":"stopped"' "$TMP/A.log"
check "no secret in the server logs" bash -c "! grep -q -e '$SECRET' -e '${CI#audex_}' -e '$BASE_SAVED_SECRET' '$TMP/A.log' '$TMP/B.log'"

finish
