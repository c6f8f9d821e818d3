#!/usr/bin/env bash
# `tryaudex health --check azure` with Debian's real `az`, never logged in,
# and no other Azure identity: az's own complaint ("ERROR: Please run 'az
# login' ...") reaches the user inside Audex's message, never as a line of
# its own before it (README: every error is one line on stderr).
#
#   bash tests/e2e/health_azure_cli_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup health-azure-cli "$@"
need_tool az "scripts/setup installs Debian's azure-cli"

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" AZURE_CONFIG_DIR="$TMP/home/.azure"
export AZURE_CORE_COLLECT_TELEMETRY=false
# Nothing but az to ask: no service principal, no managed identity, and an
# instance metadata service that refuses at once (port 1 on loopback).
unset AZURE_CLIENT_ID AZURE_CLIENT_SECRET AZURE_TENANT_ID MSI_ENDPOINT MSI_SECRET
unset IDENTITY_ENDPOINT IDENTITY_HEADER AZURE_CLOUD AZURE_SUBSCRIPTION_ID
export IMDS_ENDPOINT=http://127.0.0.1:1
mkdir -p "$HOME" "$AZURE_CONFIG_DIR"

timeout 120 "$BIN" health --check azure >"$TMP/out" 2>"$TMP/err"
rc=$?
check "health --check azure without az login fails its check (exit 4)" test "$rc" -eq 4
check "no line of az's own on stdout or stderr" \
  bash -c "! grep -q '^ERROR' '$TMP/out' '$TMP/err'"
check "Audex's message carries az's words and the fix" \
  bash -c "cat '$TMP/out' '$TMP/err' | grep 'Azure CLI (az account get-access-token) exited' | grep -q 'az login'"
[[ $failed -eq 0 ]] || { echo "--- stdout"; cat "$TMP/out"; echo "--- stderr"; cat "$TMP/err"; }
finish
