#!/usr/bin/env bash
# Revocation that reaches AWS, end to end with real parts: moto as STS and
# IAM with SigV4 and IAM-policy checking on, two tryaudex-server replicas on
# one PostgreSQL 15 store (started here; the documented store for replicas),
# the aws CLI reading the role back:
#   - `grants revoke ID`: both replicas refuse the grant's credentials within
#     1 s; the Deny (aws:userid "<RoleId>:audex-<id>") is on the role within
#     10 s (read back with aws iam get-role-policy); another session of the
#     same role is not named; audit events say who, why and what was attached
#   - `grants revoke --caller NAME`: an aws:SourceIdentity Deny with
#     aws:TokenIssueTime, every live grant of the caller refused
#   - refusals: a non-admin token is 403 naming the rule; base credentials
#     without iam:PutRolePolicy: the grant is revoked on the server, the
#     reply names the missing permission and the role, exit code 4
#   - `sessions revoke ID` for a local `run` session, `--prune`
#   - whether moto enforces the role Deny (aws:userid, aws:TokenIssueTime):
#     reported as a note. moto 5.2 applies a role's Deny statements without
#     evaluating their Condition (every session of the role is refused), so
#     "another session is not denied" is checked on the policy text
#
#   bash tests/e2e/team_revoke_test.sh path/to/tryaudex
#   AUDEX_E2E_STORE=sqlite bash tests/e2e/team_revoke_test.sh path/to/tryaudex
#     the two replicas on one SQLite file instead (one machine)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup team-revoke "$@"
need_tool aws "pip's awscli is on the machine image"
STORE_KIND=${AUDEX_E2E_STORE:-postgres}
if [ "$STORE_KIND" = postgres ]; then
  need_tool psql "scripts/setup installs postgresql-15"
  PGDIR="$(mktemp -d "${TMPDIR:-/tmp}/audex-revoke-pg.XXXXXX")"
  at_exit rm -rf "$PGDIR"
  at_exit "$ROOT/scripts/local-cloud" postgres stop "$PGDIR"
fi
# 5 setup calls for the tester, 3 for a user without iam:PutRolePolicy.
start_moto --auth 8
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN
setup_moto_user_and_role AudexTeamRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
weak='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:*","iam:Get*","iam:List*","s3:*"],"Resource":"*"}]}'
aws_setup iam create-user --user-name audex-weak >/dev/null
read -r WEAK_KEY WEAK_SECRET < <(aws_setup iam create-access-key --user-name audex-weak |
  "$PY" -c 'import json,sys; k=json.load(sys.stdin)["AccessKey"]; print(k["AccessKeyId"], k["SecretAccessKey"])')
aws_setup iam put-user-policy --user-name audex-weak --policy-name weak --policy-document "$weak"
if [ "$STORE_KIND" = postgres ]; then
  if ! LOCAL_CLOUD_TIMEOUT=60 "$ROOT/scripts/local-cloud" postgres start "$PGDIR" >"$TMP/pg.log" 2>&1; then
    cat "$TMP/pg.log"
    abort "PostgreSQL starts (scripts/setup installs postgresql-15)"
  fi
  STORE_URL=$(sed -n 's/^PG_URL=//p' "$PGDIR/postgres.env")
else
  mkdir -p "$TMP/state"
  STORE_URL="sqlite://$TMP/state/team.db"
fi
ROLE_ID=$(aws iam get-role --role-name AudexTeamRole --query Role.RoleId --output text)
check "moto has the role (its RoleId is what aws:userid starts with)" test -n "$ROLE_ID"

mkdir -p "$TMP/etc"
cat >"$TMP/etc/server.toml" <<EOF
listen = "127.0.0.1:0"
store = "$STORE_URL"
state_dir = "$TMP/state"
role_arn = "$ROLE"
region = "us-east-1"
deny = ["iam:*"]
sts_cache = false
issuing_timeout = "2s"

[policies.ci]
actions = ["s3:*"]
max_ttl = "1h"

[policies.ops]
actions = ["*"]
admin = true
EOF
chmod 600 "$TMP/etc/server.toml"
CONF="$TMP/etc/server.toml"
"$BIN" server migrate --config "$CONF" >"$TMP/migrate.out" 2>&1 || abort "server migrate"
newtoken() { "$BIN" server token create --config "$CONF" --name "$1" --policy "$2" 2>/dev/null; }
CI=$(newtoken ci-deploy ci)
OTHER=$(newtoken ci-other ci)
OPS=$(newtoken ops ops)

start_replica() {  # start_replica NAME [ENV...]
  local name=$1
  shift
  rm -f "$TMP/$name.ready"
  env "$@" "$BIN" server --config "$CONF" --ready-file "$TMP/$name.ready" 2>"$TMP/$name.log" &
  kill_at_exit $!
  eval "${name}_PID=$!"
  wait_for_file "$TMP/$name.ready" 10
  eval "${name}_URL=$(head -1 "$TMP/$name.ready")"
}
start_replica A
start_replica B
check "two replicas on one $STORE_KIND store" test -n "$A_URL" -a -n "$B_URL"

store_query() {  # store_query SQL: rows as a|b, on either store
  if [ "$STORE_KIND" = postgres ]; then
    psql "$STORE_URL" -Atc "$1"
  else
    "$PY" -c 'import sqlite3, sys
for row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print("|".join(map(str, row)))' \
      "${STORE_URL#sqlite://}" "$1"
  fi
}
export -f store_query
export STORE_KIND STORE_URL PY
grant() {  # grant URL TOKEN -> the reply in $TMP/grant.json
  curl -s -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
    --data-binary '{"allow":"s3:ListAllMyBuckets","ttl":"20m","reason":"revoke test"}' \
    "$1/v1/grants" >"$TMP/grant.json"
}
field() { "$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))$2)" "$1"; }
credentials_status() {  # credentials_status URL GRANT_JSON
  curl -s -o /dev/null -w '%{http_code}' \
    -H "Authorization: $(field "$2" '["credentials_token"]')" \
    "$1/v1/grants/$(field "$2" '["grant_id"]')/credentials"
}
grant "$A_URL" "$CI"; cp "$TMP/grant.json" "$TMP/g1.json"
grant "$B_URL" "$CI"; cp "$TMP/grant.json" "$TMP/g2.json"
grant "$A_URL" "$OTHER"; cp "$TMP/grant.json" "$TMP/g3.json"
G1=$(field "$TMP/g1.json" '["grant_id"]')
G2=$(field "$TMP/g2.json" '["grant_id"]')
G3=$(field "$TMP/g3.json" '["grant_id"]')
check "three grants issued" test -n "$G1" -a -n "$G2" -a -n "$G3"
check "before revocation, replica B serves grant 1's credentials" \
  test "$(credentials_status "$B_URL" "$TMP/g1.json")" = 200

# --- refusals --------------------------------------------------------------------
export AUDEX_SERVER="$A_URL"
AUDEX_SERVER_TOKEN="$CI" "$BIN" grants revoke "$G2" >"$TMP/na.out" 2>"$TMP/na.err"
NA_RC=$?
check "a non-admin token may not revoke: exit 4, naming policies.ci.admin" \
  bash -c "test $NA_RC = 4 && grep -q 'policies.ci.admin' '$TMP/na.err'"
AUDEX_SERVER_TOKEN="$OPS" "$BIN" grants revoke nosuchgrant >/dev/null 2>"$TMP/nf.err"
check "an unknown grant: exit 2, saying so" bash -c "test $? = 2 && grep -q 'no grant nosuchgrant' '$TMP/nf.err'"

# --- grants revoke ID --------------------------------------------------------------
G1_TOKEN=$(field "$TMP/g1.json" '["credentials_token"]')
fetch_g1() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $G1_TOKEN" "$1/v1/grants/$G1/credentials"; }
T0=$(date +%s%N)
AUDEX_SERVER_TOKEN="$OPS" "$BIN" grants revoke "$G1" --reason "laptop stolen" --json \
  >"$TMP/revoke.json" 2>"$TMP/revoke.err" &
REVOKE_PID=$!
refused_within() {  # refused_within MS: both replicas answer 403 for grant 1, counted from T0
  local deadline=$((T0 / 1000000 + $1))
  while [ "$(($(date +%s%N) / 1000000))" -lt "$deadline" ]; do
    if [ "$(fetch_g1 "$A_URL")$(fetch_g1 "$B_URL")" = 403403 ]; then
      echo $((($(date +%s%N) - T0) / 1000000)) >"$TMP/refused_ms"
      return 0
    fi
    sleep 0.02
  done
  return 1
}
check "after grants revoke, both replicas refuse grant 1's credentials within 1 s" refused_within 1000
echo "# refused by both replicas after $(cat "$TMP/refused_ms" 2>/dev/null) ms"
wait "$REVOKE_PID"
REVOKE_RC=$?
check "grants revoke exits 0" test "$REVOKE_RC" = 0
check "grant 2 of the same caller still served" test "$(credentials_status "$B_URL" "$TMP/g2.json")" = 200
deny_on_role() {  # deny_on_role TEXT: within 10 s of the revoke
  local i
  for i in $(seq 1 100); do
    aws iam get-role-policy --role-name AudexTeamRole --policy-name AudexRevocations \
      --output json >"$TMP/role-policy.json" 2>/dev/null && grep -qF "$1" "$TMP/role-policy.json" && return 0
    sleep 0.1
  done
  return 1
}
check "the Deny of <RoleId>:audex-<grant 1> is on the role within 10 s (aws iam get-role-policy)" \
  deny_on_role "$ROLE_ID:audex-$G1"
check "the Deny is StringLike aws:userid, Deny * on *, and names no other session" \
  "$PY" - "$TMP/role-policy.json" "$ROLE_ID" "$G1" "$G2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))["PolicyDocument"]
if isinstance(doc, str):
    doc = json.loads(doc)
(statement,) = doc["Statement"]
assert statement["Effect"] == "Deny" and statement["Action"] == "*" and statement["Resource"] == "*"
assert statement["Condition"] == {"StringLike": {"aws:userid": f"{sys.argv[2]}:audex-{sys.argv[3]}"}}, statement
assert sys.argv[4] not in json.dumps(doc)
PY
check "the reply shows the policy and the statement attached" "$PY" - "$TMP/revoke.json" "$G1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["revoked_grants"] == [sys.argv[2]], r
(deny,) = r["denies"]
assert deny["attached"] and deny["policy_name"] == "AudexRevocations" and deny["change"] == "put", deny
assert deny["policy_size"] <= deny["budget"] <= 10240
assert sys.argv[2] in deny["statements"][0]["statement"]
PY
curl -s -H "Authorization: Bearer $OPS" "$B_URL/v1/audit?session=$(field "$TMP/revoke.json" '["revocation_ids"][0]')" >"$TMP/audit.json"
check "audit: grant_revoked (who, why) and revocation_attached (policy name and text)" \
  "$PY" - "$TMP/audit.json" <<'PY'
import json, sys
events = {e["event"]: e["fields"] for e in json.load(open(sys.argv[1]))["events"]}
revoked, attached = events["grant_revoked"], events["revocation_attached"]
assert revoked["caller"] == "ops" and revoked["reason"] == "laptop stolen", revoked
assert attached["policy_name"] == "AudexRevocations" and "aws:userid" in attached["statement"], attached
assert attached["policy"].startswith('{"Version":"2012-10-17"'), attached
PY
check "the grant is recorded revoked, by whom and why" \
  bash -c "store_query \"select status, status_reason from grants where id='$G1'\" | grep -q '^revoked|revoked by ops: laptop stolen'"
AUDEX_SERVER_TOKEN="$OPS" "$BIN" grants revoke "$G1" >/dev/null 2>"$TMP/again.err"
check "revoking it again: exit 2, it is already revoked" bash -c "test $? = 2 && grep -q 'is revoked' '$TMP/again.err'"

# --- does moto enforce the Deny? (a note, not a check) ----------------------------
as_grant() {  # as_grant GRANT_JSON aws ARGS...
  local file=$1
  shift
  AWS_ACCESS_KEY_ID=$(field "$file" '["AccessKeyId"]') AWS_SECRET_ACCESS_KEY=$(field "$file" '["SecretAccessKey"]') \
    AWS_SESSION_TOKEN=$(field "$file" '["SessionToken"]') "$@"
}
if as_grant "$TMP/g1.json" aws s3api list-buckets >/dev/null 2>"$TMP/moto-g1.err"; then
  echo "# moto: the revoked session's call was ALLOWED (moto does not enforce the aws:userid Deny)"
else
  echo "# moto: the revoked session's call was refused: $(head -c 200 "$TMP/moto-g1.err")"
fi
if as_grant "$TMP/g2.json" aws s3api list-buckets >/dev/null 2>&1; then
  echo "# moto: another session of the role (grant 2) is allowed"
else
  echo "# moto: another session of the role (grant 2) is refused too: moto applies a Deny" \
    "statement without evaluating its Condition, so it cannot tell sessions apart"
fi

# --- grants revoke --caller --------------------------------------------------------
grant "$A_URL" "$OTHER"; cp "$TMP/grant.json" "$TMP/g4.json"
AUDEX_SERVER_TOKEN="$OPS" "$BIN" grants revoke --caller ci-other --reason "left the team" \
  >"$TMP/caller.out" 2>"$TMP/caller.err"
check "grants revoke --caller revokes both live grants of ci-other" \
  bash -c "grep -q 'Revoked 2 grants' '$TMP/caller.out'"
check "both replicas refuse ci-other's grants" \
  test "$(credentials_status "$A_URL" "$TMP/g3.json")$(credentials_status "$B_URL" "$TMP/g4.json")" = 403403
check "the role now also denies aws:SourceIdentity ci-other issued before the revocation" \
  "$PY" - "$ROLE_ID" "$G1" <<PY
import json, subprocess
out = subprocess.run(["aws", "iam", "get-role-policy", "--role-name", "AudexTeamRole",
                      "--policy-name", "AudexRevocations", "--output", "json"],
                     capture_output=True, text=True, check=True).stdout
doc = json.loads(out)["PolicyDocument"]
doc = json.loads(doc) if isinstance(doc, str) else doc
conditions = [s["Condition"] for s in doc["Statement"]]
caller = [c for c in conditions if "StringEquals" in c]
assert caller and caller[0]["StringEquals"] == {"aws:SourceIdentity": "ci-other"}, conditions
assert caller[0]["DateLessThan"]["aws:TokenIssueTime"].endswith("Z")
assert any(c.get("StringLike") == {"aws:userid": "$ROLE_ID:audex-$G1"} for c in conditions), conditions
PY
check "grant 2 of ci-deploy is still served" test "$(credentials_status "$A_URL" "$TMP/g2.json")" = 200
# --- base credentials without iam:PutRolePolicy ------------------------------------
kill "$B_PID"; wait "$B_PID" 2>/dev/null
start_replica B AWS_ACCESS_KEY_ID="$WEAK_KEY" AWS_SECRET_ACCESS_KEY="$WEAK_SECRET"
AUDEX_SERVER="$B_URL" AUDEX_SERVER_TOKEN="$OPS" "$BIN" grants revoke "$G2" >/dev/null 2>"$TMP/weak.err"
WEAK_RC=$?
check "without iam:PutRolePolicy: exit 4 naming the permission and the role" \
  bash -c "test $WEAK_RC = 4 && grep -q 'iam:PutRolePolicy on the role $ROLE' '$TMP/weak.err'"
echo "# $(head -c 600 "$TMP/weak.err")"
G2_STATUS=$(credentials_status "$A_URL" "$TMP/g2.json")
check "... and the grant is revoked on the server all the same (replica A: $G2_STATUS)" \
  test "$G2_STATUS" = 403
check "... and replica A's janitor puts that Deny on the role within 10 s" \
  deny_on_role "$ROLE_ID:audex-$G2"

# --- sessions revoke (local run session) -------------------------------------------
unset AUDEX_SERVER
"$BIN" run --role-arn "$ROLE" --allow s3:ListAllMyBuckets --ttl 20m -- true >"$TMP/run.out" 2>"$TMP/run.err"
LOCAL=$("$BIN" sessions list --all --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "a local run session is recorded" test -n "$LOCAL"
AWS_ACCESS_KEY_ID="$WEAK_KEY" AWS_SECRET_ACCESS_KEY="$WEAK_SECRET" \
  "$BIN" sessions revoke "$LOCAL" >/dev/null 2>"$TMP/local-weak.err"
check "sessions revoke without iam:PutRolePolicy: exit 4 naming it and the role" \
  bash -c "test $? = 4 && grep -q 'iam:PutRolePolicy on the role' '$TMP/local-weak.err'"
"$BIN" sessions revoke "$LOCAL" --reason "wrong bucket" >"$TMP/local.out" 2>"$TMP/local.err"
check "sessions revoke exits 0 and says what it denied" \
  bash -c "test $? = 0 && grep -q '$ROLE_ID:audex-$LOCAL' '$TMP/local.out'"
check "the local session's Deny joins the server's in the role's policy" \
  bash -c "aws iam get-role-policy --role-name AudexTeamRole --policy-name AudexRevocations --output json | grep -q '$ROLE_ID:audex-$LOCAL'"
check "the local audit log has session_revoked and revocation_attached" \
  bash -c "grep -q '\"event\":\"session_revoked\"' '$AUDEX_HOME/audit.jsonl' && grep -q '\"event\":\"revocation_attached\"' '$AUDEX_HOME/audit.jsonl'"
"$BIN" audit verify >/dev/null 2>&1
check "the local audit chain verifies" test $? = 0
"$BIN" sessions revoke --prune --json >"$TMP/prune.json" 2>"$TMP/prune.err"
check "sessions revoke --prune: nothing expired yet, the policy unchanged" \
  "$PY" -c "import json; r=json.load(open('$TMP/prune.json')); assert r and r[0]['change']=='unchanged' and r[0]['expired_removed']==0, r"

check "no secret in the server logs" bash -c "! grep -q -e '${OPS#audex_}' -e '$BASE_SECRET' -e '$WEAK_SECRET' '$TMP/A.log' '$TMP/B.log'"
finish
