#!/usr/bin/env bash
# GCP and Azure grants of `tryaudex server` end to end: the server on SQLite
# holds the only base credentials (an authorized_user ADC file for Google,
# a service principal for Entra ID), against the loopback servers that speak
# Google's and Entra ID's wire formats (tests/e2e/gcp_identity_server.py,
# azure_identity_server.py); the client holds nothing but its API token:
#   - run --server --provider gcp: the child gets the token the server had
#     generateAccessToken mint (and STS narrow to the bucket) for this grant,
#     and the same variables a local `run --provider gcp` adds
#   - run --server --provider azure: the child's loopback identity endpoint
#     serves the ARM token the server's identity got, with the same
#     variables a local `run --provider azure` adds
#   - a rule without the provider refuses by name; an identity endpoint
#     refusing the server is a 502 with nothing issued
#   - tryaudex grants list shows both grants; server audit verify passes;
#     the local sessions are recorded as a local run's
#   - under an approval rule: run --server --provider gcp (and azure) waits,
#     nothing is asked of Google (Entra ID) until `tryaudex requests
#     approve`, then the child gets the token issued at the approval (served
#     sealed from the grant's credentials endpoint)
#   - as an attacker: no issued token in the server's log, its store, the
#     audit export, the client's AUDEX_HOME or any stderr
#
#   bash tests/e2e/team_gcp_azure_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup team-gcp-azure "$@"
need_tool openssl "scripts/setup installs it"
need_tool curl "scripts/setup installs it"

# --- the replay identity servers -------------------------------------------------
python3 "$HERE/gcp_identity_server.py" "$TMP/gport" "$TMP/gcp.log" &
kill_at_exit $!
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
python3 "$HERE/azure_identity_server.py" "$TMP/aport" "$TMP/azure.log" "$TMP/cert.pem" "$TMP/key.pem" &
kill_at_exit $!
wait_for_file "$TMP/gport"
wait_for_file "$TMP/aport"
GURL="http://127.0.0.1:$(cat "$TMP/gport")"
AURL="https://127.0.0.1:$(cat "$TMP/aport")"
TENANT=11111111-2222-3333-4444-555555555555
SUB=00000000-1111-2222-3333-444444444444
SA=audex@my-project.iam.gserviceaccount.com
unset GOOGLE_APPLICATION_CREDENTIALS CLOUDSDK_CONFIG CLOUDSDK_AUTH_ACCESS_TOKEN GCE_METADATA_HOST
unset AUDEX_ROLE_ARN CLOUDSDK_CORE_PROJECT AZURE_CLOUD MSI_ENDPOINT MSI_SECRET IDENTITY_ENDPOINT
unset IDENTITY_HEADER AZURE_SUBSCRIPTION_ID AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_TENANT_ID
unset AUDEX_SERVER AUDEX_SERVER_TOKEN AWS_CA_BUNDLE
export TMPDIR="$TMP/tmp" REQUESTS_CA_BUNDLE="$TMP/cert.pem"
mkdir -p "$TMPDIR"

# --- the server: SQLite, base credentials in its own environment only ------------
mkdir -p "$TMP/srv/.config/gcloud" "$TMP/etc"
cat >"$TMP/srv/.config/gcloud/application_default_credentials.json" <<JSON
{"type":"authorized_user","client_id":"audex-test.apps.googleusercontent.com","client_secret":"audex-test-client-secret","refresh_token":"1//audex-test-refresh"}
JSON
cat >"$TMP/etc/server.toml" <<EOF
listen = "127.0.0.1:0"
store = "sqlite://$TMP/srv/team.db"
state_dir = "$TMP/srv/state"
gcp_service_account = "$SA"
gcp_project = "my-project"
azure_subscription_id = "$SUB"

[policies.cloud]
providers = ["gcp", "azure"]
actions = ["storage.objects.*", "Microsoft.Resources/*"]
roles = ["$SA", "denied@my-project.iam.gserviceaccount.com"]
max_ttl = "1h"

[policies.awsonly]
actions = ["s3:Get*"]

[policies.gated]
providers = ["gcp", "azure"]
actions = ["storage.objects.*", "Microsoft.Resources/*"]
approval = { groups = ["leads"] }

[policies.ops]
providers = ["aws", "gcp", "azure"]
actions = ["*"]
admin = true
EOF
chmod 600 "$TMP/etc/server.toml"
CONF="$TMP/etc/server.toml"
SERVER_ENV=(HOME="$TMP/srv" AUDEX_HOME="$TMP/srv/audex"
  AUDEX_GCP_OAUTH_TOKEN_URL="$GURL/token" AUDEX_GCP_IAMCREDENTIALS_URL="$GURL/"
  AUDEX_GCP_STS_URL="$GURL/v1/token"
  AZURE_AUTHORITY_HOST="$AURL" AZURE_TENANT_ID="$TENANT" AZURE_CLIENT_ID=audex-test-app
  AZURE_CLIENT_SECRET=audex-test-client-secret)
server_env() { env "${SERVER_ENV[@]}" "$@"; }
server_env "$BIN" server migrate --config "$CONF" >"$TMP/migrate.out" 2>&1
check "server migrate applies the schema on SQLite" grep -q "Schema at version" "$TMP/migrate.out"
newtoken() { server_env "$BIN" server token create --config "$CONF" --name "$1" --policy "$2" 2>/dev/null; }
CLOUD_TOKEN=$(newtoken builder cloud)
AWS_TOKEN=$(newtoken aws-ci awsonly)
OPS_TOKEN=$(newtoken auditor ops)
GATED_TOKEN=$(newtoken intern gated)
LEAD_TOKEN=$(server_env "$BIN" server token create --config "$CONF" --name lead --policy cloud --group leads 2>/dev/null)
env "${SERVER_ENV[@]}" "$BIN" server --config "$CONF" --ready-file "$TMP/ready" 2>"$TMP/server.log" &
kill_at_exit $!
wait_for_file "$TMP/ready" 10
SERVER=$(head -1 "$TMP/ready")
check "the server listens" test -n "$SERVER"

# --- the client: nothing but its API token ----------------------------------------
export HOME="$TMP/home" AUDEX_HOME="$TMP/audex"
mkdir -p "$HOME"
client() { env AUDEX_SERVER="$SERVER" AUDEX_SERVER_TOKEN="$1" "${@:2}"; }
glast() { grep "\"call\": \"$1\"" "$TMP/gcp.log" | tail -1; }
added() {  # added PARENT_ENV CHILD_ENV: the names the child has and its parent had not
  comm -13 <(cut -d= -f1 "$1" | sort -u) <(cut -d= -f1 "$2" | sort -u) | tr '\n' ' '
}

# --- GCP ------------------------------------------------------------------------------
client "$CLOUD_TOKEN" sh -c "env > '$TMP/gparent.env'"
client "$CLOUD_TOKEN" "$BIN" run --provider gcp --allow storage.objects.get,storage.objects.list \
  --resource gs://my-data --ttl 15m --reason "nightly export" \
  -- sh -c "env > '$TMP/gchild.env'; curl -sf -H \"Authorization: Bearer \$CLOUDSDK_AUTH_ACCESS_TOKEN\" '$GURL/storage/v1/b/my-data/o'" \
  >"$TMP/gout" 2>"$TMP/gerr"
rc=$?
check "run --server --provider gcp runs the child (exit 0)" test "$rc" -eq 0
check "the child listed the bucket with its token" grep -q '"name": "hello.txt"' "$TMP/gout"
gchild() { grep -E "^$1=" "$TMP/gchild.env" | head -1 | cut -d= -f2-; }
check "the server asked generateAccessToken as its service account for the TTL" \
  bash -c "$(declare -f glast); TMP='$TMP'; glast generateAccessToken | grep -q '\"lifetime\": \"900s\"' && glast generateAccessToken | grep -q '$SA'"
check "the server's STS exchange narrowed the token to the bucket" \
  bash -c "$(declare -f glast); TMP='$TMP'; glast sts.token | grep -q 'buckets/my-data'"
check "the child's token is the one minted and narrowed for this grant" \
  test "Bearer $(gchild CLOUDSDK_AUTH_ACCESS_TOKEN)" = "$(glast storage.objects.list | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["authorization"])')" \
  -a "$(glast storage.objects.list | grep -c '"token": "downscoped"')" = 1 \
  -a "$(gchild CLOUDSDK_AUTH_ACCESS_TOKEN)" = "$(tail -1 "$TMP/gcp.log.issued")"
check "GOOGLE_OAUTH_ACCESS_TOKEN is the same token; the project is the server's" \
  test "$(gchild GOOGLE_OAUTH_ACCESS_TOKEN)" = "$(gchild CLOUDSDK_AUTH_ACCESS_TOKEN)" -a "$(gchild CLOUDSDK_CORE_PROJECT)" = my-project
check "the child's gcloud config is fresh and gone afterwards, the metadata server unreachable" \
  bash -c "d='$(gchild CLOUDSDK_CONFIG)'; [ -n \"\$d\" ] && [ ! -e \"\$d\" ] && grep -q '^GCE_METADATA_HOST=127.0.0.1:1$' '$TMP/gchild.env'"
# The same request run locally with the same base credentials: the same
# variables added for the child.
server_env AUDEX_HOME="$TMP/local" AUDEX_GCP_SERVICE_ACCOUNT=$SA AUDEX_GCP_PROJECT=my-project \
  sh -c "env > '$TMP/glocalparent.env'; '$BIN' run --provider gcp --allow storage.objects.get,storage.objects.list --resource gs://my-data -- sh -c \"env > '$TMP/glocal.env'\"" 2>"$TMP/glocalerr"
check "a local run --provider gcp works with the server's credentials" test -s "$TMP/glocal.env"
GADDED=$(added "$TMP/gparent.env" "$TMP/gchild.env")
check "the child gets exactly the variables a local run --provider gcp adds ($GADDED)" \
  test "$GADDED" = "$(added "$TMP/glocalparent.env" "$TMP/glocal.env")"

# --- Azure --------------------------------------------------------------------------
client "$CLOUD_TOKEN" sh -c "env > '$TMP/aparent.env'"
client "$CLOUD_TOKEN" "$BIN" run --provider azure --allow Microsoft.Resources/subscriptions/resourceGroups/read \
  --ttl 10m -- sh -c "env > '$TMP/achild.env'; curl -sf -H \"X-IDENTITY-HEADER: \$IDENTITY_HEADER\" \"\$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=https://management.azure.com/\"" \
  >"$TMP/aout" 2>"$TMP/aerr"
rc=$?
check "run --server --provider azure runs the child (exit 0)" test "$rc" -eq 0
achild() { grep -E "^$1=" "$TMP/achild.env" | head -1 | cut -d= -f2-; }
SERVED=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$TMP/aout" 2>/dev/null)
check "Entra ID was asked by the server's service principal for ARM" \
  bash -c "grep '\"client_credentials\"' '$TMP/azure.log' | tail -1 | grep -q 'management.azure.com/.default'"
check "the child's identity endpoint serves the ARM token Entra ID issued for this grant" \
  test -n "$SERVED" -a "$SERVED" = "$(tail -1 "$TMP/azure.log.issued")"
check "the child's az profile names the server's subscription" \
  bash -c "grep -q '$SUB' '$(achild AZURE_CONFIG_DIR)/azureProfile.json' 2>/dev/null || grep -q '^AZURE_SUBSCRIPTION_ID=$SUB$' '$TMP/achild.env'"
# (the subscription from config.toml, as the server's comes from server.toml)
mkdir -p "$TMP/local"
echo "azure_subscription_id = \"$SUB\"" >"$TMP/local/config.toml"
server_env AUDEX_HOME="$TMP/local" \
  sh -c "env > '$TMP/alocalparent.env'; '$BIN' run --provider azure --allow Microsoft.Resources/subscriptions/resourceGroups/read -- sh -c \"env > '$TMP/alocal.env'\"" 2>"$TMP/alocalerr"
check "a local run --provider azure works with the server's credentials" test -s "$TMP/alocal.env"
AADDED=$(added "$TMP/aparent.env" "$TMP/achild.env")
check "the child gets exactly the variables a local run --provider azure adds ($AADDED)" \
  test "$AADDED" = "$(added "$TMP/alocalparent.env" "$TMP/alocal.env")"

# --- refusals -----------------------------------------------------------------------
client "$AWS_TOKEN" "$BIN" run --provider gcp --allow storage.objects.list -- true 2>"$TMP/refused"
rc=$?
check "a rule without gcp refuses by name (exit 4)" \
  bash -c "[ $rc -eq 4 ] && grep -q 'policies.awsonly.providers' '$TMP/refused'"
client "$CLOUD_TOKEN" "$BIN" run --provider gcp --role-arn denied@my-project.iam.gserviceaccount.com \
  --allow storage.objects.list -- true 2>"$TMP/denied"
rc=$?
check "generateAccessToken refusing the server is a failure naming the fix (exit 4)" \
  bash -c "[ $rc -eq 4 ] && grep -q 'roles/iam.serviceAccountTokenCreator' '$TMP/denied'"

# --- records --------------------------------------------------------------------------
client "$CLOUD_TOKEN" "$BIN" grants list >"$TMP/list" 2>&1
check "tryaudex grants list shows the gcp and azure grants" \
  bash -c "grep -q 'gcp .*issued.*$SA' '$TMP/list' && grep -q 'azure .*issued.*management.azure.com' '$TMP/list' && grep -q 'gcp .*failed' '$TMP/list'"
curl -s -H "Authorization: Bearer $OPS_TOKEN" "$SERVER/v1/grants" >"$TMP/grants.json"
check "the grants record provider, role, expiry and what was granted" \
  "$PY" - "$TMP/grants.json" "$SA" <<'PY'
import json, sys
grants = {g["provider"] + ":" + g["status"]: g for g in json.load(open(sys.argv[1]))["grants"]}
g, a = grants["gcp:issued"], grants["azure:issued"]
ok = g["role"] == sys.argv[2] and g["expires_at"] and g["actions"] == ["storage.objects.get", "storage.objects.list"]
ok = ok and g["resources"] == ["//storage.googleapis.com/projects/_/buckets/my-data"] and "accessBoundary" in json.dumps(g["policy"]) and g["reason"] == "nightly export"
ok = ok and a["role"] == "https://management.azure.com/" and a["expires_at"] and a["ttl_seconds"] == 600
sys.exit(0 if ok else 1)
PY
server_env "$BIN" server audit verify --config "$CONF" >"$TMP/verify.out" 2>&1
check "server audit verify: the chain is intact" grep -q "^OK: " "$TMP/verify.out"
curl -s -H "Authorization: Bearer $OPS_TOKEN" "$SERVER/v1/audit?format=jsonl&limit=1000" >"$TMP/audit.jsonl"
check "the audit has each grant's request, decision and issuance, and the failure" \
  bash -c "[ \$(grep -c '\"grant_requested\"' '$TMP/audit.jsonl') -ge 3 ] && [ \$(grep -c '\"grant_issued\"' '$TMP/audit.jsonl') -eq 2 ] && grep -q '\"grant_failed\"' '$TMP/audit.jsonl' && grep -q 'policies.awsonly.providers' '$TMP/audit.jsonl'"
"$BIN" audit verify >"$TMP/local-verify" 2>&1
check "the client's local audit log verifies" test $? -eq 0
check "the local sessions are recorded as a local run's, with the grant as the source" \
  "$PY" - "$AUDEX_HOME" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1] + "/audit.jsonl")]
events = [l["event"] for l in lines]
issued = [l for l in lines if l["event"] == "credentials_issued"]
ok = events.count("session_created") >= 2 and events.count("session_ended") >= 2 and len(issued) == 2
ok = ok and all(len(l["fields"]["token_prefix"]) == 8 and "team server" in json.dumps(l["fields"]) for l in issued)
sys.exit(0 if ok else 1)
PY

# --- GCP and Azure grants under an approval rule ------------------------------------
calls() { grep -c "\"call\": \"$1\"" "$TMP/gcp.log"; }
pending_request() {  # the request id the approvers see pending, waited for (bounded: 10 s)
  local id=""
  for _ in $(seq 1 100); do
    id=$(curl -s -H "Authorization: Bearer $LEAD_TOKEN" "$SERVER/v1/requests?status=pending" |
      "$PY" -c 'import json,sys; r=json.load(sys.stdin)["requests"]; print(r[0]["request_id"] if r else "")' 2>/dev/null)
    [ -n "$id" ] && break
    sleep 0.1
  done
  echo "$id"
}
MINTED_BEFORE=$(calls generateAccessToken)
client "$GATED_TOKEN" "$BIN" run --provider gcp --allow storage.objects.list --ttl 20m \
  --reason "look at the data" --approval-wait 60s -- sh -c "env > '$TMP/gapproved.env'" \
  >"$TMP/gapproved.out" 2>"$TMP/gapprovederr" &
RUN_PID=$!
REQ=$(pending_request)
check "the gated request is pending for the approvers" test -n "$REQ"
sleep 1
check "nothing was asked of Google while it waited" test "$(calls generateAccessToken)" = "$MINTED_BEFORE"
client "$LEAD_TOKEN" "$BIN" requests approve "$REQ" --reason "ticket 7" >"$TMP/approve.out" 2>"$TMP/approveerr"
check "a lead approves it (exit 0)" test $? -eq 0
wait "$RUN_PID"
rc=$?
check "run --server --provider gcp waited for the approval and ran the child (exit 0)" \
  bash -c "[ $rc -eq 0 ] && grep -q 'waiting up to 60 s for approval of request $REQ' '$TMP/gapprovederr'"
check "the token was minted at the approval, for the grant's whole TTL" \
  bash -c "$(declare -f glast calls); TMP='$TMP'; [ \$(calls generateAccessToken) -eq \$(($MINTED_BEFORE + 1)) ] && glast generateAccessToken | grep -q '\"lifetime\": \"1200s\"'"
check "the child's token is the one minted at the approval" \
  test -n "$(grep -E '^CLOUDSDK_AUTH_ACCESS_TOKEN=' "$TMP/gapproved.env" | cut -d= -f2-)" \
  -a "$(grep -E '^CLOUDSDK_AUTH_ACCESS_TOKEN=' "$TMP/gapproved.env" | cut -d= -f2-)" = "$(tail -1 "$TMP/gcp.log.issued")"
curl -s -H "Authorization: Bearer $OPS_TOKEN" "$SERVER/v1/audit?format=jsonl&limit=1000" >"$TMP/audit.jsonl"
check "the approved grant's events are in order: nothing issued before the last approval" \
  "$PY" - "$TMP/audit.jsonl" <<'PY'
import json, sys
events = [json.loads(l)["event"] for l in open(sys.argv[1]) if l.strip()]
sys.exit(0 if events[-6:] == ["grant_requested", "request_created", "approval_added",
                              "request_approved", "grant_approved", "grant_issued"] else 1)
PY
ENTRA_BEFORE=$(wc -l <"$TMP/azure.log.issued")
client "$GATED_TOKEN" "$BIN" run --provider azure --allow Microsoft.Resources/subscriptions/resourceGroups/read \
  --ttl 10m --approval-wait 60s -- sh -c "curl -sf -H \"X-IDENTITY-HEADER: \$IDENTITY_HEADER\" \"\$IDENTITY_ENDPOINT?api-version=2019-08-01&resource=https://management.azure.com/\"" \
  >"$TMP/aapproved.out" 2>"$TMP/aapprovederr" &
RUN_PID=$!
REQ=$(pending_request)
check "the gated Azure request is pending, nothing asked of Entra ID" \
  test -n "$REQ" -a "$(wc -l <"$TMP/azure.log.issued")" = "$ENTRA_BEFORE"
client "$LEAD_TOKEN" "$BIN" requests approve "$REQ" >"$TMP/approve2.out" 2>"$TMP/approve2err"
wait "$RUN_PID"
rc=$?
SERVED=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["access_token"])' "$TMP/aapproved.out" 2>/dev/null)
check "run --server --provider azure waited; the child's endpoint serves the token Entra ID issued at the approval" \
  test "$rc" -eq 0 -a -n "$SERVED" -a "$SERVED" = "$(tail -1 "$TMP/azure.log.issued")" \
  -a "$(wc -l <"$TMP/azure.log.issued")" = "$((ENTRA_BEFORE + 1))"
server_env "$BIN" server audit verify --config "$CONF" >"$TMP/verify2.out" 2>&1
check "server audit verify: the chain is intact after the approvals" grep -q "^OK: " "$TMP/verify2.out"

# --- as an attacker: where could a token be? -----------------------------------
leaks() {
  cat "$TMP/gcp.log.issued" "$TMP/azure.log.issued" | while read -r token; do
    [ -z "$token" ] && continue
    if grep -rqaF -- "$token" "$TMP/server.log" "$TMP/srv/team.db"* "$TMP/srv/state" "$TMP/audit.jsonl" \
      "$TMP/grants.json" "$TMP/list" "$AUDEX_HOME" "$TMP"/*err "$TMP/refused" "$TMP/denied"; then
      echo "leaked: ${token:0:12}..."
      return 0
    fi
  done | grep -q leaked
}
check "the issued tokens are somewhere to look for" test -s "$TMP/gcp.log.issued" -a -s "$TMP/azure.log.issued"
check "no token (base or granted) in the server's log, store, audit export, listing, AUDEX_HOME or stderr" \
  bash -c "$(declare -f leaks); TMP='$TMP' AUDEX_HOME='$AUDEX_HOME'; ! leaks"
check "the server's log is JSON lines naming the grant routes" grep -q '"route":"/v1/grants"' "$TMP/server.log"

finish
