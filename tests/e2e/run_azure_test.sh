#!/usr/bin/env bash
# `tryaudex run --provider azure` end to end, against a loopback HTTPS server
# that speaks Entra ID's client-credentials grant, the managed-identity
# protocol and ARM resourceGroups.list (tests/e2e/azure_identity_server.py),
# with Debian's real `az` as the child:
#   - base token from a service principal (client credentials) and from a
#     managed identity (IDENTITY_ENDPOINT)
#   - az, with no `az login`, authenticates with exactly the token Audex
#     obtained, served by Audex's loopback identity endpoint
#   - the plan and the warning say that Azure cannot narrow the token
#   - the TTL is enforced by ending the command (ttl_expired, 143; SIGKILL
#     and 137 for one that ignores SIGTERM)
#   - the child sees no route to the parent's identity; exit codes pass through
#   - records carry a token prefix only; no token in AUDEX_HOME or stderr
#
#   bash tests/e2e/run_azure_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup run-azure "$@"
need_tool az "scripts/setup installs Debian's azure-cli"
need_tool openssl "scripts/setup installs it"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" -days 2 \
  -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
python3 "$HERE/azure_identity_server.py" "$TMP/port" "$TMP/server.log" "$TMP/cert.pem" "$TMP/key.pem" &
kill_at_exit $!
wait_for_file "$TMP/port"
PORT=$(cat "$TMP/port")
URL="https://127.0.0.1:$PORT"
TENANT=11111111-2222-3333-4444-555555555555
SUB=00000000-1111-2222-3333-444444444444

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" TMPDIR="$TMP/tmp" AZURE_CONFIG_DIR="$TMP/home/.azure"
export REQUESTS_CA_BUNDLE="$TMP/cert.pem" AZURE_CORE_COLLECT_TELEMETRY=false
mkdir -p "$HOME" "$TMPDIR"
unset AWS_CA_BUNDLE AZURE_CLOUD MSI_ENDPOINT MSI_SECRET IDENTITY_ENDPOINT IDENTITY_HEADER AZURE_SUBSCRIPTION_ID
# The user's Azure CLI knows a cloud whose ARM and authority are the loopback server.
az cloud register -n AudexTest --endpoint-resource-manager "$URL/" --endpoint-active-directory "$URL" \
  --endpoint-active-directory-resource-id "https://management.core.windows.net/" \
  --endpoint-active-directory-graph-resource-id "https://graph.windows.net/" >/dev/null 2>&1
az cloud set -n AudexTest >/dev/null 2>&1
export AZURE_AUTHORITY_HOST="$URL" AZURE_TENANT_ID=$TENANT AZURE_CLIENT_ID=audex-test-app
export AZURE_CLIENT_SECRET=audex-test-client-secret AZURE_SUBSCRIPTION_ID=$SUB
ACTION=Microsoft.Resources/subscriptions/resourceGroups/read
last() { grep "\"call\": \"$1\"" "$TMP/server.log" | tail -1; }

# --- dry run ---------------------------------------------------------------------
"$BIN" run --provider azure --allow "$ACTION" --dry-run -- az group list >"$TMP/dry" 2>&1
check "dry run says the actions are not enforced and the TTL is" \
  bash -c "grep -q 'NOT enforced: actions: an Azure token cannot be narrowed' '$TMP/dry' && grep -q 'Enforced:.*Audex ends the command after 15m' '$TMP/dry'"
check "dry run called nothing" test ! -s "$TMP/server.log"
"$BIN" run --provider azure --allow "Microsoft.Storage/storageAccounts/read" --resource /subscriptions/x --dry-run -- true 2>"$TMP/err0"
rc=$?
check "--resource is refused for Azure (3) with the reason" bash -c "[ $rc -eq 3 ] && grep -q 'cannot be scoped to resources' '$TMP/err0'"
"$BIN" run --provider azure --allow "Microsoft.Storage/storageAccounts/read/" --dry-run -- true 2>"$TMP/err00"
check "a malformed action is a policy error (3)" test $? -eq 3

# --- a service principal's session, az as the child -------------------------------
"$BIN" run --provider azure --allow "$ACTION" --ttl 10m \
  -- sh -c "env > '$TMP/child.env'; az group list --query '[].name' -o tsv" >"$TMP/out1" 2>"$TMP/err1"
rc=$?
check "az child succeeds through Audex (exit 0)" test "$rc" -eq 0
check "az listed the resource group" grep -qx "audex-rg" "$TMP/out1"
check "Audex used the client credentials grant for ARM" \
  bash -c "grep -q '\"client_credentials\".*management.azure.com/.default' '$TMP/server.log'"
ISSUED_TOKEN=$(tail -1 "$TMP/server.log.issued")
SEEN=$(last resourceGroups.list | python3 -c 'import json,sys; print(json.load(sys.stdin)["authorization"])')
check "az authenticated with exactly the token Audex obtained" test "$SEEN" = "Bearer $ISSUED_TOKEN"
check "it warns once that Azure cannot narrow the token" test "$(grep -c 'Azure cannot narrow the token' "$TMP/err1")" -eq 1
child() { grep -E "^$1=" "$TMP/child.env" | head -1 | cut -d= -f2-; }
check "the child has no service principal secret or id" \
  bash -c "! grep -qE '^(AZURE_CLIENT_SECRET|AZURE_CLIENT_ID|AZURE_TENANT_ID)=' '$TMP/child.env'"
check "the child's identity endpoints are Audex's loopback endpoint" \
  bash -c "[[ '$(child MSI_ENDPOINT)' == http://127.0.0.1:*/msi/token ]] && [[ '$(child IDENTITY_ENDPOINT)' == http://127.0.0.1:*/identity/token ]] && [ -n '$(child IDENTITY_HEADER)' ]"
check "the child's AZURE_CONFIG_DIR is fresh and removed afterwards" \
  bash -c "d='$(child AZURE_CONFIG_DIR)'; [ -n \"\$d\" ] && [ \"\$d\" != '$AZURE_CONFIG_DIR' ] && [ ! -e \"\$d\" ]"
check "the child has AZURE_SUBSCRIPTION_ID" test "$(child AZURE_SUBSCRIPTION_ID)" = "$SUB"
check "the token is not in the child's environment" bash -c "! grep -qF '$ISSUED_TOKEN' '$TMP/child.env'"

# --- managed identity as the base ------------------------------------------------
env -u AZURE_CLIENT_SECRET -u AZURE_CLIENT_ID IDENTITY_ENDPOINT="$URL/identity" IDENTITY_HEADER=audex-test-identity-header \
  "$BIN" run --provider azure --allow "$ACTION" -- az group list --query '[].name' -o tsv >"$TMP/out2" 2>"$TMP/err2"
check "a managed identity (IDENTITY_ENDPOINT) works as the base" \
  bash -c "grep -qx audex-rg '$TMP/out2' && grep -q '\"call\": \"identity\"' '$TMP/server.log'"

# --- errors and exit codes -------------------------------------------------------
AZURE_CLIENT_SECRET=wrong "$BIN" run --provider azure --allow "$ACTION" -- true 2>"$TMP/err3"
rc=$?
check "a wrong client secret exits 4 with Entra's reason and no secret" \
  bash -c "[ $rc -eq 4 ] && grep -q 'AADSTS7000215' '$TMP/err3' && ! grep -q 'wrong' '$TMP/err3'"
"$BIN" run --provider azure --allow "$ACTION" -- sh -c 'exit 9' 2>/dev/null
check "the child's exit code passes through" test $? -eq 9
"$BIN" run --provider azure --allow "$ACTION" --ttl 2h -- true 2>"$TMP/err4"
check "a TTL over 1 h is a policy error (3)" test $? -eq 3

# --- the TTL is enforced by ending the command ----------------------------------
# A command that ignores SIGTERM (it only notes it) runs alongside, so both
# cases share one minute.
start=$(date +%s)
"$BIN" run --provider azure --allow "$ACTION" --ttl 1m -- \
  bash -c 'trap "echo got-sigterm" TERM; while :; do sleep 1; done' >"$TMP/out6" 2>"$TMP/err6" &
stubborn=$!
"$BIN" run --provider azure --allow "$ACTION" --ttl 1m -- sleep 300 >/dev/null 2>"$TMP/err5"
rc=$?
took=$(($(date +%s) - start))
wait "$stubborn"
rc6=$?
took6=$(($(date +%s) - start))
check "the command is ended when the TTL runs out (143 after about 60 s)" \
  bash -c "[ $rc -eq 143 ] && [ $took -ge 59 ] && [ $took -lt 90 ]"
check "with a warning on stderr" grep -q "TTL has run out: ending the command" "$TMP/err5"
check "and a ttl_expired audit event" grep -q '"event":"ttl_expired"' "$AUDEX_HOME/audit.jsonl"
check "a command that ignores SIGTERM gets it, then SIGKILL 5 s later (137)" \
  bash -c "[ $rc6 -eq 137 ] && [ $took6 -ge 64 ] && [ $took6 -lt 95 ] && grep -q got-sigterm '$TMP/out6'"
check "with a second warning naming SIGKILL" grep -q "did not end within 5 s of SIGTERM" "$TMP/err6"

"$BIN" health --check azure >"$TMP/health" 2>&1
rc=$?
check "health --check azure finds the token and names its source" \
  bash -c "[ $rc -eq 0 ] && grep -q 'client credentials of app audex-test-app' '$TMP/health'"

# --- records -----------------------------------------------------------------------
check "audit verify: the chain is intact" "$BIN" audit verify
check "credentials_issued for azure carries a token prefix" \
  python3 - "$AUDEX_HOME" <<'PY'
import json, sys, glob
lines = [json.loads(l) for l in open(sys.argv[1] + "/audit.jsonl")]
issued = [l for l in lines if l["event"] == "credentials_issued"]
ok = bool(issued) and all(len(l["fields"]["token_prefix"]) == 8 and "access_key_id" not in l["fields"] for l in issued)
sessions = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/sessions/*.json")]
ok = ok and all(s["provider"] == "azure" for s in sessions) and any(s.get("token_prefix") for s in sessions)
sys.exit(0 if ok else 1)
PY
leaks() {
  while read -r token; do
    [ -z "$token" ] && continue
    grep -rqF "$token" "$AUDEX_HOME" "$TMP"/err* "$TMP/health" && return 0
  done <"$TMP/server.log.issued"
  return 1
}
check "no issued token in any file under AUDEX_HOME or in stderr" bash -c "$(declare -f leaks); TMP='$TMP' AUDEX_HOME='$AUDEX_HOME'; ! leaks"
check "nothing left in TMPDIR by the sessions" test -z "$(ls -A "$TMPDIR")"

finish
