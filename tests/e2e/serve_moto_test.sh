#!/usr/bin/env bash
# Credentials that outlive one STS call, end to end against moto (SigV4 and
# IAM checks on) with real SDK children:
#   - run --serve: a boto3 child and an aws CLI child keep working across a
#     forced refresh (AUDEX_SERVE_REFRESH_SECONDS), a wrong token gets 403,
#     --max-duration makes the endpoint refuse (410, serve_refused), and
#     nothing listens once the child has exited
#   - setup-profile + credential-process used by the real aws CLI, the rest
#     of ~/.aws/config untouched
#   - the cache: one STS call for repeated requests (moto's data.json),
#     a new one for another policy, for a stale entry (margin), after
#     cache clear and with --no-cache; run --cache; no secret on disk
#
#   bash tests/e2e/serve_moto_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup serve-moto "$@"
need_tool aws "pip's awscli is on the machine image"
need_python_module boto3 "pip's boto3 is on the machine image"

start_moto --auth 5
mkdir -p "$HOME/.aws"
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN AUDEX_SERVE_REFRESH_SECONDS
setup_moto_user_and_role AudexRole all \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sts:GetCallerIdentity"],"Resource":"*"}]}'

# How many AssumeRole calls moto has answered (with the policies sent).
assumed() {
  "$PY" - "$MOTO_URL" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
print(len(data.get("sts", {}).get("AssumedRole", [])))
PY
}

# --- run --serve: a boto3 child across a forced refresh ----------------------
cat >"$TMP/child.py" <<'PY'
import json, os, sys, time, urllib.error, urllib.request
import boto3
url = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
out = {"url": url, "token": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"], "static_keys": "AWS_ACCESS_KEY_ID" in os.environ or "AWS_SECRET_ACCESS_KEY" in os.environ}
session = boto3.session.Session()
s3 = session.client("s3")
s3.create_bucket(Bucket="serve-before")
out["key1"] = session.get_credentials().get_frozen_credentials().access_key
def fetch(token):
    request = urllib.request.Request(url, headers={} if token is None else {"Authorization": token})
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code
out["wrong_token"] = fetch("wrong-token")
out["no_token"] = fetch(None)
time.sleep(float(sys.argv[1]))
s3.create_bucket(Bucket="serve-after")
out["key2"] = session.get_credentials().get_frozen_credentials().access_key
out["buckets"] = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
print(json.dumps(out))
PY
before=$(assumed)
AUDEX_SERVE_REFRESH_SECONDS=2 "$BIN" run --serve --role-arn "$ROLE" \
  --allow s3:CreateBucket,s3:ListAllMyBuckets -- "$PY" "$TMP/child.py" 3 >"$TMP/serve1.json" 2>"$TMP/err1"
rc=$?
check "run --serve with a boto3 child exits 0" test "$rc" -eq 0
after=$(assumed)
field() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
check "boto3 child got no static keys" test "$(field "$TMP/serve1.json" static_keys)" = False
check "endpoint is on 127.0.0.1" bash -c "grep -q '\"url\": \"http://127.0.0.1:' '$TMP/serve1.json'"
check "boto3 child's calls before and after the refresh both worked" \
  bash -c "grep -q 'serve-after' '$TMP/serve1.json' && grep -q 'serve-before' '$TMP/serve1.json'"
check "the child's key changed across the refresh" \
  test "$(field "$TMP/serve1.json" key1)" != "$(field "$TMP/serve1.json" key2)"
check "moto saw two AssumeRole calls (issue + refresh)" test $((after - before)) -ge 2
check "wrong token -> 403" test "$(field "$TMP/serve1.json" wrong_token)" = 403
check "no token -> 403" test "$(field "$TMP/serve1.json" no_token)" = 403
check "both AssumeRole calls sent the same session policy" "$PY" - "$MOTO_URL" "$(field "$TMP/serve1.json" key1)" "$(field "$TMP/serve1.json" key2)" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
by_key = {r.get("access_key_id"): r.get("policy") for r in data.get("sts", {}).get("AssumedRole", [])}
a, b = by_key.get(sys.argv[2]), by_key.get(sys.argv[3])
sys.exit(0 if a and a == b else f"{a!r} vs {b!r}")
PY
URL=$(field "$TMP/serve1.json" url)
TOKEN=$(field "$TMP/serve1.json" token)
check "the endpoint token (${#TOKEN} chars) is in no file under AUDEX_HOME and not on stderr" \
  bash -c "test ${#TOKEN} -ge 32 && ! grep -rqF -- '$TOKEN' '$AUDEX_HOME' '$TMP/err1'"
check "nothing listens on the endpoint after the child exited" \
  bash -c "! curl -s -m 2 -o /dev/null '$URL'"

# --- the aws CLI as the child, across a refresh -------------------------------
AUDEX_SERVE_REFRESH_SECONDS=1 "$BIN" run --serve --role-arn "$ROLE" --allow s3:ListAllMyBuckets -- \
  sh -c 'aws s3api list-buckets >/dev/null && sleep 2 && aws s3api list-buckets --query "Buckets[].Name" --output text' \
  >"$TMP/out2" 2>"$TMP/err2"
rc=$?
check "aws CLI child works across a refresh" bash -c "test $rc -eq 0 && grep -q serve-after '$TMP/out2'"

# --- --max-duration: the endpoint refuses, the log says why ---------------------
"$BIN" run --serve --dry-run --json --role-arn "$ROLE" --allow s3:ListAllMyBuckets -- true \
  >"$TMP/plan.json" 2>/dev/null
check "--serve --dry-run lists the endpoint variables, not the static keys" \
  "$PY" - "$TMP/plan.json" <<'PY'
import json, sys
names = json.load(open(sys.argv[1]))["child_environment"]
assert "AWS_CONTAINER_CREDENTIALS_FULL_URI" in names and "AWS_CONTAINER_AUTHORIZATION_TOKEN" in names, names
assert not {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} & set(names), names
PY
"$BIN" run --serve --max-duration 5x --dry-run --allow s3:ListAllMyBuckets -- true 2>"$TMP/usage1"
check "--dry-run still checks --max-duration (exit 2)" \
  bash -c "test $? -eq 2 && grep -q 'max-duration: invalid duration' '$TMP/usage1'"
"$BIN" run --dry-run --role-arn not-a-role --allow s3:ListAllMyBuckets -- true 2>"$TMP/usage2"
check "--dry-run still checks --role-arn (exit 2)" \
  bash -c "test $? -eq 2 && grep -q 'not an IAM role ARN' '$TMP/usage2'"
"$BIN" run --provider gcp --serve --allow storage:read --dry-run -- true 2>"$TMP/usage3"
check "--serve for a GCP run is refused, not ignored (exit 2)" \
  bash -c "test $? -eq 2 && grep -q 'this GCP session ends at its TTL: drop --serve' '$TMP/usage3'"

"$BIN" run --serve --max-duration 1s --role-arn "$ROLE" --allow s3:ListAllMyBuckets -- \
  "$PY" -c '
import os, time, urllib.error, urllib.request
time.sleep(2)
request = urllib.request.Request(os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                                 headers={"Authorization": os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]})
try:
    urllib.request.urlopen(request); print(200)
except urllib.error.HTTPError as error:
    print(error.code)
' >"$TMP/out3" 2>"$TMP/err3"
check "after --max-duration the endpoint answers 410" test "$(cat "$TMP/out3")" = 410
"$BIN" audit show --json >"$TMP/audit.json"
check "audit: serve_started, credentials_refreshed and serve_refused (with the reason)" "$PY" - "$TMP/audit.json" <<'PY'
import json, sys
raw = open(sys.argv[1]).read().strip()
events = json.loads(raw) if raw.startswith("[") else [json.loads(l) for l in raw.splitlines() if l]
names = [e["event"] for e in events]
refused = [e for e in events if e["event"] == "serve_refused"]
ok = ("serve_started" in names and "credentials_refreshed" in names and refused
      and "max-duration" in json.dumps(refused[0]))
sys.exit(0 if ok else f"{names}")
PY

# --- setup-profile + credential-process with the real aws CLI ------------------
cat >"$HOME/.aws/config" <<'INI'
# kept as written
[default]
region = us-east-1

[profile keep]
region = eu-west-1
s3 =
  max_concurrent_requests = 4
INI
cp "$HOME/.aws/config" "$TMP/config.before"
"$BIN" setup-profile scoped --role-arn "$ROLE" --allow sts:GetCallerIdentity,s3:ListAllMyBuckets \
  >"$TMP/out4" 2>"$TMP/err4"
check "setup-profile exits 0" test $? -eq 0
check "setup-profile kept every other line of ~/.aws/config" \
  bash -c "head -c \$(stat -c %s '$TMP/config.before') '$HOME/.aws/config' | cmp -s - '$TMP/config.before'"
check "setup-profile wrote a credential_process line" \
  bash -c "grep -q '^\[profile scoped\]' '$HOME/.aws/config' && grep -q '^credential_process = .*credential-process' '$HOME/.aws/config'"
aws --profile scoped sts get-caller-identity --output json >"$TMP/out5" 2>"$TMP/err5"
check "aws --profile scoped gets the assumed role through credential_process" \
  bash -c "grep -q 'assumed-role/AudexRole/audex-' '$TMP/out5'"
"$BIN" sessions list >"$TMP/list5" 2>&1
check "sessions list names the credential-process session's COMMAND, not an empty column" \
  grep -q 'active .*(credential-process: no command)$' "$TMP/list5"
cp "$HOME/.aws/config" "$TMP/config.before"
"$BIN" setup-profile keep --allow s3:GetObject >/dev/null 2>"$TMP/err5b"
check "setup-profile refuses to replace a profile it did not write (exit 2), file unchanged" \
  bash -c "test $? -eq 2 && grep -q 'already exists' '$TMP/err5b' && cmp -s '$TMP/config.before' '$HOME/.aws/config'"
"$BIN" setup-profile default --allow s3:GetObject >/dev/null 2>"$TMP/err5c"
check "setup-profile refuses the default profile, where tryaudex finds its own credentials" \
  bash -c "test $? -eq 2 && grep -q 'would call itself' '$TMP/err5c' && cmp -s '$TMP/config.before' '$HOME/.aws/config'"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN AWS_PROFILE=scoped \
  timeout 20 "$BIN" credential-process --role-arn "$ROLE" --allow s3:GetObject \
  >/dev/null 2>"$TMP/err5d"
check "credential-process whose base profile runs tryaudex stops at once (exit 4), no loop" \
  bash -c "test $? -eq 4 && grep -q 'which would loop' '$TMP/err5d'"
# A stanza selected with AWS_PROFILE (as Terraform users do) names where
# tryaudex's own base credentials are: --base-profile.
mkdir -p "$HOME/.aws"
printf '[base]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$BASE_KEY" "$BASE_SECRET" \
  >"$HOME/.aws/credentials"
"$BIN" setup-profile audex-ro --base-profile base --role-arn "$ROLE" \
  --allow sts:GetCallerIdentity >/dev/null 2>"$TMP/err5e"
check "setup-profile --base-profile writes it into the credential_process line" \
  bash -c "test $? -eq 0 && grep -q '^credential_process = .*--base-profile base' '$HOME/.aws/config'"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN AWS_PROFILE=audex-ro \
  timeout 30 aws sts get-caller-identity --output json >"$TMP/out5e" 2>>"$TMP/err5e"
check "AWS_PROFILE=audex-ro selects the stanza, whose base credentials come from [base]" \
  bash -c "grep -q 'assumed-role/AudexRole/audex-' '$TMP/out5e'"
"$BIN" setup-profile loop --base-profile loop --allow s3:GetObject >/dev/null 2>"$TMP/err5f"
check "setup-profile refuses a --base-profile naming the profile it writes (exit 2)" \
  bash -c "test $? -eq 2 && grep -q 'names the profile being written' '$TMP/err5f'"
rm "$HOME/.aws/credentials"
printf '[profile regional]\nregion = ap-south-1\n' >>"$HOME/.aws/config"
"$BIN" setup-profile regional --allow s3:GetObject >/dev/null 2>&1
check "setup-profile onto a profile holding only a region keeps that region" \
  bash -c "sed -n '/^\[profile regional\]/,/^\[/p' '$HOME/.aws/config' | grep -q '^region = ap-south-1'"
mkdir -p "$TMP/dotfiles"
printf '[profile other]\nregion = eu-west-1\n' >"$TMP/dotfiles/config"
ln -s "$TMP/dotfiles/config" "$TMP/config.link"
AWS_CONFIG_FILE="$TMP/config.link" "$BIN" setup-profile linked --allow s3:GetObject >/dev/null 2>&1
check "setup-profile edits a symlinked config where it points and keeps the link" \
  bash -c "test -L '$TMP/config.link' && grep -q '^\[profile linked\]' '$TMP/dotfiles/config'"

# --- the cache ------------------------------------------------------------------------
CP=("$BIN" credential-process --role-arn "$ROLE")
"$BIN" cache clear >/dev/null
n0=$(assumed)
"${CP[@]}" --allow s3:GetObject >"$TMP/cp1.json" 2>"$TMP/err6"
check "credential-process prints Version 1 JSON" \
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["Version"]==1 and d["AccessKeyId"] and d["SecretAccessKey"] and d["SessionToken"] and d["Expiration"] else 1)' "$TMP/cp1.json"
"${CP[@]}" --allow s3:GetObject >"$TMP/cp2.json" 2>>"$TMP/err6"
n1=$(assumed)
check "two identical credential-process calls: one STS call" test $((n1 - n0)) -eq 1
check "the second call printed the cached credentials" \
  test "$(field "$TMP/cp1.json" AccessKeyId)" = "$(field "$TMP/cp2.json" AccessKeyId)"
# One session per issued credential: cache hits are credentials_reused
# events on the session that asked STS, not sessions of their own.
sessions_before=$(find "$AUDEX_HOME" -path '*/sessions/*.json' | wc -l)
for _ in 1 2 3 4 5; do "${CP[@]}" --allow s3:GetObject >/dev/null 2>>"$TMP/err6"; done
check "five more cache hits: no STS call" test "$(assumed)" -eq "$n1"
check "five more cache hits leave no new session file" \
  test "$(find "$AUDEX_HOME" -path '*/sessions/*.json' | wc -l)" -eq "$sessions_before"
"$BIN" audit show --json >"$TMP/audit1.json"
check "audit: each hit is credentials_reused on the session whose key it printed" \
  "$PY" - "$TMP/audit1.json" "$(field "$TMP/cp1.json" AccessKeyId)" <<'PY'
import json, sys
raw = open(sys.argv[1]).read().strip()
events = json.loads(raw) if raw.startswith("[") else [json.loads(l) for l in raw.splitlines() if l]
issued = [e for e in events if e["event"] == "credentials_issued"
          and e["fields"]["access_key_id"] == sys.argv[2]]
# The earlier aws CLI calls through setup-profile's stanzas reused other keys.
reused = [e for e in events if e["event"] == "credentials_reused"
          and e["fields"]["access_key_id"] == sys.argv[2]]
ok = (len(issued) == 1 and len(reused) == 6 and
      all(e["session_id"] == issued[0]["session_id"] and e["seq"] > issued[0]["seq"]
          for e in reused) and
      not [e for e in events if e["event"] == "credentials_cache_hit"])
sys.exit(0 if ok else f"issued={issued} reused={reused}")
PY
"$BIN" sessions list >"$TMP/list6" 2>&1
issuer=$("$PY" -c 'import json,sys
raw = open(sys.argv[1]).read().strip()
events = json.loads(raw) if raw.startswith("[") else [json.loads(l) for l in raw.splitlines() if l]
print([e["session_id"] for e in events if e["event"] == "credentials_issued"
       and e["fields"]["access_key_id"] == sys.argv[2]][0])' "$TMP/audit1.json" "$(field "$TMP/cp1.json" AccessKeyId)")
check "sessions list shows the issuing session once" test "$(grep -c "^$issuer" "$TMP/list6")" -eq 1
"$BIN" audit verify >"$TMP/verify6" 2>&1
check "audit verify passes with the unsynced credentials_reused lines" test $? -eq 0
"${CP[@]}" --allow s3:PutObject >"$TMP/cp3.json" 2>>"$TMP/err6"
n2=$(assumed)
check "another policy: a new STS call" test $((n2 - n1)) -eq 1
AUDEX_CACHE_MARGIN_SECONDS=900 "${CP[@]}" --allow s3:GetObject >"$TMP/cp4.json" 2>>"$TMP/err6"
n3=$(assumed)
check "an entry with less than the margin left is not reused" test $((n3 - n2)) -eq 1
"${CP[@]}" --no-cache --allow s3:GetObject >"$TMP/cp5.json" 2>>"$TMP/err6"
n4=$(assumed)
check "--no-cache asks STS" test $((n4 - n3)) -eq 1
"$BIN" cache clear >"$TMP/out7"
check "cache clear says what it removed" bash -c "grep -q 'removed [1-9]' '$TMP/out7'"
"${CP[@]}" --allow s3:GetObject >"$TMP/cp6.json" 2>>"$TMP/err6"
n5=$(assumed)
check "after cache clear: a new STS call" test $((n5 - n4)) -eq 1
"$BIN" run --cache --role-arn "$ROLE" --allow s3:GetObject -- true 2>>"$TMP/err6"
n6=$(assumed)
check "run --cache reuses credential-process's entry: no STS call" test $((n6 - n5)) -eq 0
"$BIN" audit show --json >"$TMP/audit2.json"
check "audit: run --cache's credentials_cache_hit names the session that asked STS" "$PY" - "$TMP/audit2.json" <<'PY'
import json, sys
raw = open(sys.argv[1]).read().strip()
events = json.loads(raw) if raw.startswith("[") else [json.loads(l) for l in raw.splitlines() if l]
hits = [e for e in events if e["event"] == "credentials_cache_hit"]
ids = {e["session_id"] for e in events}
sys.exit(0 if len(hits) >= 1 and all(json.dumps(h).count("origin_session") and any(i in json.dumps(h) for i in ids - {h["session_id"]}) for h in hits) else f"{hits}")
PY
# The lean OpenSSL start of a cache hit (docs/credential-cache.md, "What a
# cache hit does not load"): the hit reads no openssl.cnf; a miss starts
# tryaudex again in full (which reads it) before it asks STS; an explicit
# OPENSSL_CONF is always read. strace shows which files each opens.
need_tool strace "scripts/setup installs it"
"$BIN" cache clear >/dev/null
n7=$(assumed)
lean=("${CP[@]}" --allow s3:GetObjekt2 --allow-unknown)
strace -f -e trace=execve,openat -o "$TMP/lean-miss.trace" "${lean[@]}" >"$TMP/cp7.json" 2>"$TMP/err-lean-miss"
check "a miss after the lean start: tryaudex starts again once, reads openssl.cnf, asks STS" \
  bash -c "test \$(grep -c 'execve(.*\"credential-process\"' '$TMP/lean-miss.trace') -eq 2 &&
    grep -q 'openssl.cnf' '$TMP/lean-miss.trace' && test $(($(assumed) - n7)) -eq 1 &&
    test -n '$(field "$TMP/cp7.json" AccessKeyId)'"
check "the plan's warning is said once, not once per start" \
  test "$(grep -c 'not in the action catalog' "$TMP/err-lean-miss")" -eq 1
strace -f -e trace=execve,openat -o "$TMP/lean-hit.trace" "${lean[@]}" >"$TMP/cp8.json" 2>>"$TMP/err6"
check "a hit (on the entry the full start wrote): no STS call, no second start, no openssl.cnf" \
  bash -c "test $(assumed) -eq $((n7 + 1)) &&
    test \$(grep -c 'execve(.*\"credential-process\"' '$TMP/lean-hit.trace') -eq 1 &&
    ! grep -q 'openssl.cnf' '$TMP/lean-hit.trace'"
check "the hit printed the credentials the miss stored" \
  test "$(field "$TMP/cp7.json" AccessKeyId)" = "$(field "$TMP/cp8.json" AccessKeyId)"
printf 'openssl_conf = audex_test\n[audex_test]\n' >"$TMP/explicit.cnf"
OPENSSL_CONF="$TMP/explicit.cnf" strace -f -e trace=execve,openat -o "$TMP/lean-conf.trace" \
  "${lean[@]}" >"$TMP/cp9.json" 2>>"$TMP/err6"
check "with OPENSSL_CONF set, a hit reads that file (no lean start) and still hits" \
  bash -c "grep -qF '$TMP/explicit.cnf' '$TMP/lean-conf.trace' && test $(assumed) -eq $((n7 + 1)) &&
    test '$(field "$TMP/cp9.json" AccessKeyId)' = '$(field "$TMP/cp7.json" AccessKeyId)'"
"$BIN" audit verify >/dev/null 2>&1
check "audit verify passes after the lean hits" test $? -eq 0
"${CP[@]}" >"$TMP/out8" 2>"$TMP/err8"
rc=$?
check "credential-process without --allow/--profile: exit 2, message on stderr, stdout empty" \
  bash -c "test $rc -eq 2 && test ! -s '$TMP/out8' && grep -q -- '--profile NAME or --allow' '$TMP/err8'"
AWS_SECRET_ACCESS_KEY=wrong-secret "${CP[@]}" --no-cache --allow s3:GetObject >"$TMP/out9" 2>"$TMP/err9"
rc=$?
check "credential-process STS failure: exit 4, stdout empty" bash -c "test $rc -eq 4 && test ! -s '$TMP/out9'"

# --- no secret anywhere ------------------------------------------------------------------
cat "$TMP"/err* >"$TMP/all-stderr"
for file in "$TMP"/cp*.json; do
  secret=$(field "$file" SecretAccessKey)
  token=$(field "$file" SessionToken)
  check "$(basename "$file"): secret and token in no file under AUDEX_HOME" \
    bash -c "! grep -rqF -e '$secret' -e '$token' '$AUDEX_HOME'"
  check "$(basename "$file"): secret and token in no stderr" \
    bash -c "! grep -qF -e '$secret' -e '$token' '$TMP/all-stderr'"
done
check "base secret in no file under AUDEX_HOME" bash -c "! grep -rqF -- '$BASE_SECRET' '$AUDEX_HOME'"

# --- a copied binary finds its module beside itself or in ../lib/audex only --
# (never in the build tree it was compiled in, which may have changed since)
mkdir -p "$TMP/copied/bin"
cp "$BIN" "$TMP/copied/bin/tryaudex"
"$TMP/copied/bin/tryaudex" run --serve --role-arn "$ROLE" --allow s3:ListAllMyBuckets -- true \
  >"$TMP/copied.out" 2>"$TMP/copied.err"
rc=$?
check "a copied tryaudex without its modules: --serve stops with 5, naming where it looked" \
  bash -c "[ $rc -eq 5 ] && grep -qF '$TMP/copied/lib/audex/libaudex_credserver.so' '$TMP/copied.err' && ! grep -qF '$(dirname "$BIN")/libaudex_credserver.so' '$TMP/copied.err'"
mkdir -p "$TMP/copied/lib/audex"
cp "$(dirname "$BIN")/libaudex_credserver.so" "$TMP/copied/lib/audex/"
"$TMP/copied/bin/tryaudex" run --serve --role-arn "$ROLE" --allow s3:ListAllMyBuckets -- true \
  >"$TMP/copied.out" 2>"$TMP/copied.err"
rc=$?
check "with the module in ../lib/audex/ (as cmake --install puts it) --serve works" test "$rc" -eq 0
finish
