#!/usr/bin/env bash
# `tryaudex run --provider gcp` end to end, against a loopback server that
# speaks Google's wire formats (tests/e2e/gcp_identity_server.py: OAuth token
# endpoint, metadata server, IAM Credentials generateAccessToken, STS token
# exchange with a Credential Access Boundary, Cloud Storage objects.list),
# with the real gcloud as the child:
#   - base token from an authorized_user ADC file, a service_account key
#     (RS256 JWT), the metadata server, and CLOUDSDK_AUTH_ACCESS_TOKEN
#   - storage-only requests with --resource are downscoped (the boundary that
#     reached STS); others are minted but not narrowed, with one warning
#   - gcloud authenticates with exactly the token Audex minted; another
#     bucket is refused by the boundary; exit codes pass through
#   - the child sees no route to the user's credentials
#   - session_created / credentials_issued (token prefix) / session_ended,
#     credentials_failed on a refusal, the chain intact
#   - no issued token in any file under AUDEX_HOME or in stderr
#
#   bash tests/e2e/run_gcp_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup run-gcp "$@"
need_tool gcloud "it is on the machine image"

python3 "$HERE/gcp_identity_server.py" "$TMP/port" "$TMP/server.log" &
kill_at_exit $!
wait_for_file "$TMP/port"
PORT=$(cat "$TMP/port")
URL="http://127.0.0.1:$PORT"

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" TMPDIR="$TMP/tmp"
mkdir -p "$HOME/.config/gcloud" "$TMPDIR"
unset GOOGLE_APPLICATION_CREDENTIALS CLOUDSDK_CONFIG CLOUDSDK_AUTH_ACCESS_TOKEN GCE_METADATA_HOST
unset AUDEX_ROLE_ARN CLOUDSDK_CORE_PROJECT
cat >"$HOME/.config/gcloud/application_default_credentials.json" <<JSON
{"type":"authorized_user","client_id":"audex-test.apps.googleusercontent.com","client_secret":"audex-test-client-secret","refresh_token":"1//audex-test-refresh"}
JSON
export AUDEX_GCP_OAUTH_TOKEN_URL="$URL/token" AUDEX_GCP_IAMCREDENTIALS_URL="$URL/"
export AUDEX_GCP_STS_URL="$URL/v1/token" AUDEX_GCP_SERVICE_ACCOUNT=audex@my-project.iam.gserviceaccount.com
export AUDEX_GCP_PROJECT=my-project CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE="$URL/storage/v1/"
# A route to broader credentials that must not reach the child.
export GOOGLE_CREDENTIALS='{"type":"service_account"}' CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT=admin@x.iam.gserviceaccount.com
log_count() { grep -c "\"call\": \"$1\"" "$TMP/server.log" 2>/dev/null || true; }
last() { grep "\"call\": \"$1\"" "$TMP/server.log" | tail -1; }

# --- dry run: what will and will not be enforced ----------------------------
"$BIN" run --provider gcp --allow storage.objects.get,storage.objects.list --resource gs://my-data \
  --dry-run -- gcloud storage ls >"$TMP/dry" 2>&1
check "dry run names the boundary roles and what is enforced" \
  grep -q "Enforced:.*Cloud Storage only.*my-data" "$TMP/dry"
check "dry run prints the access boundary" grep -q '"availableResource":"//storage.googleapis.com/projects/_/buckets/my-data"' "$TMP/dry"
check "dry run called nothing" test ! -s "$TMP/server.log"

# --- a storage-only session narrowed to one bucket ---------------------------
"$BIN" run --provider gcp --allow storage.objects.get,storage.objects.list --resource gs://my-data --ttl 15m \
  -- sh -c "env > '$TMP/child.env'; gcloud storage ls gs://my-data" >"$TMP/out1" 2>"$TMP/err1"
rc=$?
check "gcloud child succeeds through Audex (exit 0)" test "$rc" -eq 0
check "gcloud listed the object with the session token" grep -q "gs://my-data/hello.txt" "$TMP/out1"
last_has() { last "$1" | grep -qF -- "$2"; }
check "generateAccessToken asked for the TTL (900s) as the service account" \
  bash -c "$(declare -f last last_has); TMP='$TMP'; last_has generateAccessToken '\"lifetime\": \"900s\"' && last_has generateAccessToken audex@my-project"
check "STS received a boundary for my-data with storage roles" \
  bash -c "grep '\"sts.token\"' '$TMP/server.log' | tail -1 | grep -q 'buckets/my-data' && grep '\"sts.token\"' '$TMP/server.log' | tail -1 | grep -q 'inRole:roles/storage.'"
child() { grep -E "^$1=" "$TMP/child.env" | head -1 | cut -d= -f2-; }
SEEN=$(last storage.objects.list | python3 -c 'import json,sys; print(json.load(sys.stdin)["authorization"])')
check "the child authenticated with exactly the downscoped token it was given" \
  test "$SEEN" = "Bearer $(child CLOUDSDK_AUTH_ACCESS_TOKEN)" -a "$(last storage.objects.list | grep -c '"token": "downscoped"')" = 1
check "GOOGLE_OAUTH_ACCESS_TOKEN is the same token" test "$(child GOOGLE_OAUTH_ACCESS_TOKEN)" = "$(child CLOUDSDK_AUTH_ACCESS_TOKEN)"
check "the child's project is AUDEX_GCP_PROJECT" test "$(child CLOUDSDK_CORE_PROJECT)" = my-project
check "the child gets a fresh CLOUDSDK_CONFIG, removed afterwards" \
  bash -c "d='$(child CLOUDSDK_CONFIG)'; [ -n \"\$d\" ] && [ \"\$d\" != '$HOME/.config/gcloud' ] && [ ! -e \"\$d\" ]"
check "the child has no route to the user's credentials" \
  bash -c "! grep -qE '^(GOOGLE_APPLICATION_CREDENTIALS|GOOGLE_CREDENTIALS|CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT)=' '$TMP/child.env' && grep -q '^GCE_METADATA_HOST=127.0.0.1:1$' '$TMP/child.env'"
check "no warning about narrowing for a narrowed token" bash -c "! grep -q 'cannot narrow' '$TMP/err1'"

# --- the boundary holds: another bucket is refused, and the code passes through
"$BIN" run --provider gcp --allow storage.objects.list --resource gs://my-data \
  -- gcloud storage ls gs://other-bucket >"$TMP/out2" 2>"$TMP/err2"
rc=$?
check "a bucket outside the boundary is refused and gcloud's failure passes through" \
  bash -c "[ $rc -ne 0 ] && grep '\"storage.objects.list\"' '$TMP/server.log' | tail -1 | grep -q other-bucket"

# --- not narrowable: a warning, once; the token is minted but not downscoped --
before=$(log_count sts.token)
"$BIN" run --provider gcp --allow storage.objects.list,compute.instances.list \
  -- gcloud storage ls gs://my-data >"$TMP/out3" 2>"$TMP/err3"
rc=$?
check "a mixed request runs with the impersonated token" test "$rc" -eq 0
check "it warns once that GCP cannot narrow the token" test "$(grep -c 'GCP cannot narrow this token' "$TMP/err3")" -eq 1
check "no STS exchange was made" test "$(log_count sts.token)" -eq "$before"
check "gcloud used the minted (not narrowed) token" bash -c "$(declare -f last last_has); TMP='$TMP'; last_has storage.objects.list '\"token\": \"minted\"'"

# --- exit codes ----------------------------------------------------------------
"$BIN" run --provider gcp --allow storage.objects.list --resource gs://my-data -- sh -c 'exit 7' 2>/dev/null
check "the child's exit code passes through" test $? -eq 7
"$BIN" run --provider gcp --allow storage.objects.list --ttl 2h -- true 2>"$TMP/err4"
rc=$?
check "a TTL over 1 h is a policy error (3) that names the lifetime extension" \
  bash -c "[ $rc -eq 3 ] && grep -q gcp_token_lifetime_extension '$TMP/err4'"
AUDEX_GCP_SERVICE_ACCOUNT=denied@my-project.iam.gserviceaccount.com \
  "$BIN" run --provider gcp --allow storage.objects.list -- true 2>"$TMP/err5"
rc=$?
check "a refused impersonation exits 4 and names the role to grant" \
  bash -c "[ $rc -eq 4 ] && grep -q 'roles/iam.serviceAccountTokenCreator' '$TMP/err5'"
env -u AUDEX_GCP_SERVICE_ACCOUNT "$BIN" run --provider gcp --allow storage.objects.list -- true 2>"$TMP/err6"
rc=$?
check "no service account is a usage error (2) that says how to name one" \
  bash -c "[ $rc -eq 2 ] && grep -q AUDEX_GCP_SERVICE_ACCOUNT '$TMP/err6'"

# --- other base-token sources ------------------------------------------------
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMP/key.pem" 2>/dev/null
python3 - "$TMP/key.pem" "$URL/token" >"$TMP/sa.json" <<'PY'
import json, sys
print(json.dumps({"type": "service_account", "project_id": "my-project", "private_key_id": "k1",
                  "private_key": open(sys.argv[1]).read(), "client_email": "base@my-project.iam.gserviceaccount.com",
                  "token_uri": sys.argv[2]}))
PY
GOOGLE_APPLICATION_CREDENTIALS="$TMP/sa.json" env -u AUDEX_GCP_OAUTH_TOKEN_URL \
  "$BIN" run --provider gcp --allow storage.objects.list --resource gs://my-data -- gcloud storage ls gs://my-data >"$TMP/out7" 2>"$TMP/err7"
check "a service_account key file works (JWT grant)" \
  bash -c "grep -q hello.txt '$TMP/out7' && grep '\"oauth.token\"' '$TMP/server.log' | tail -1 | grep -q jwt-bearer"
mv "$HOME/.config/gcloud/application_default_credentials.json" "$TMP/adc.json"
before=$(log_count metadata)
GCE_METADATA_HOST="127.0.0.1:$PORT" \
  "$BIN" run --provider gcp --allow storage.objects.list --resource gs://my-data -- gcloud storage ls gs://my-data >"$TMP/out8" 2>"$TMP/err8"
after=$(log_count metadata)
check "the metadata server is the last source" bash -c "grep -q hello.txt '$TMP/out8' && [ $after -gt $before ]"
BASE=$(curl -s -X POST -d 'grant_type=refresh_token&refresh_token=1//audex-test-refresh' "$URL/token" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
CLOUDSDK_AUTH_ACCESS_TOKEN=$BASE "$BIN" run --provider gcp --allow storage.objects.list --resource gs://my-data \
  -- sh -c "env > '$TMP/child9.env'" 2>"$TMP/err9"
check "CLOUDSDK_AUTH_ACCESS_TOKEN is a base token, replaced for the child" \
  bash -c "t=\$(grep '^CLOUDSDK_AUTH_ACCESS_TOKEN=' '$TMP/child9.env' | cut -d= -f2-); [ -n \"\$t\" ] && [ \"\$t\" != '$BASE' ]"
GCE_METADATA_HOST=127.0.0.1:1 "$BIN" health --check gcp >"$TMP/health" 2>&1
rc=$?
check "health --check gcp fails (4) without base credentials and says where it looked" \
  bash -c "[ $rc -eq 4 ] && grep -q 'base_token.*FAIL.*application_default_credentials.json' '$TMP/health'"
mv "$TMP/adc.json" "$HOME/.config/gcloud/application_default_credentials.json"
"$BIN" health --check gcp >"$TMP/health2" 2>&1
rc=$?
check "health --check gcp mints a token as the service account" \
  bash -c "[ $rc -eq 0 ] && grep -q 'audex@my-project' '$TMP/health2' && grep -q 'impersonation' '$TMP/health2'"

# --- records -------------------------------------------------------------------
"$BIN" audit show --json >"$TMP/audit.json" 2>/dev/null
check "audit verify: the chain is intact" "$BIN" audit verify
check "credentials_issued for gcp carries a token prefix and no access key" \
  python3 - "$AUDEX_HOME" <<'PY'
import json, sys, glob
lines = [json.loads(l) for l in open(sys.argv[1] + "/audit.jsonl")]
issued = [l for l in lines if l["event"] == "credentials_issued"]
ok = bool(issued) and all(len(l["fields"]["token_prefix"]) == 8 and "access_key_id" not in l["fields"] for l in issued)
sessions = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/sessions/*.json")]
ok = ok and all(s["provider"] == "gcp" for s in sessions) and any(s.get("token_prefix") for s in sessions)
ok = ok and any(s["policy"] and "accessBoundary" in json.dumps(s["policy"]) for s in sessions)
sys.exit(0 if ok else 1)
PY
check "a refused impersonation is recorded as credentials_failed" grep -q '"credentials_failed"' "$AUDEX_HOME/audit.jsonl"
leaks() {
  while read -r token; do
    [ -z "$token" ] && continue
    grep -rqF "$token" "$AUDEX_HOME" "$TMP"/err* "$TMP/health" "$TMP/health2" && return 0
  done <"$TMP/server.log.issued"
  return 1
}
check "no issued token in any file under AUDEX_HOME or in stderr" bash -c "$(declare -f leaks); TMP='$TMP' AUDEX_HOME='$AUDEX_HOME'; ! leaks"
check "nothing left in TMPDIR by the sessions" test -z "$(ls -A "$TMPDIR")"

finish
