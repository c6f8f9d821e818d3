#!/usr/bin/env bash
# A copied tryaudex looks for its helper programs (the loopback modules,
# audex-sandbox) beside itself and in ../lib/audex/ only
# (adapters/process/install_layout.h), never in the build tree it was built
# in: copied alone, a module's absence stops it with exit 5 naming both
# places it looked, and a run (against moto) goes on without the sandbox,
# saying where it looked for audex-sandbox; with the helpers laid out as an
# install has them, it finds them there.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup copied-binary "$@"
export HOME="$TMP/home" AUDEX_HOME="$TMP/audex"
mkdir -p "$HOME" "$TMP/alone" "$TMP/prefix/bin" "$TMP/prefix/lib/audex"
built=$(dirname "$BIN")

cp "$BIN" "$TMP/alone/tryaudex"
timeout 20 "$TMP/alone/tryaudex" dashboard --no-open >"$TMP/alone.out" 2>"$TMP/alone.err"
status=$?
cat "$TMP/alone.err"
check "copied alone: the dashboard stops with exit 5" test $status = 5
check "copied alone: the error names the module and both places looked in" \
  grep -qF "libaudex_webserver.so is missing (looked in $TMP/alone/libaudex_webserver.so, $TMP/lib/audex/libaudex_webserver.so)" "$TMP/alone.err"
check "copied alone: the build tree is not among them" test -z "$(grep -F "$built" "$TMP/alone.err")"

# An install's layout: PREFIX/bin/tryaudex, PREFIX/lib/audex/...
cp "$BIN" "$TMP/prefix/bin/tryaudex"
cp "$built"/libaudex_*.so "$built/audex-sandbox" "$TMP/prefix/lib/audex/"
timeout 5 "$TMP/prefix/bin/tryaudex" dashboard --no-open >"$TMP/prefix.out" 2>&1
check "installed layout: the dashboard starts from PREFIX/lib/audex (it serves a link)" \
  grep -q "http://127.0.0.1:" "$TMP/prefix.out"
grep -q "http://127.0.0.1:" "$TMP/prefix.out" || cat "$TMP/prefix.out"

# audex-sandbox: a real run, against moto as STS.
start_moto
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_ACCESS_KEY_ID=AKIACOPIEDCOPIED0000 AWS_SECRET_ACCESS_KEY=copied-base-secret
export AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/AudexRole
"$TMP/alone/tryaudex" run --allow s3:ListAllMyBuckets -- true >"$TMP/run-alone.out" 2>"$TMP/run-alone.err"
status=$?
cat "$TMP/run-alone.err"
check "copied alone: the run still runs (exit 0)" test $status = 0
check "copied alone: it says audex-sandbox is missing, naming both places it looked" \
  grep -qF "audex-sandbox is not installed (looked in $TMP/alone/audex-sandbox, $TMP/lib/audex/audex-sandbox)" "$TMP/run-alone.err"
check "copied alone: the build tree's audex-sandbox is not used" test -z "$(grep -F "$built" "$TMP/run-alone.err")"
"$TMP/prefix/bin/tryaudex" run --allow s3:ListAllMyBuckets -- true >"$TMP/run-prefix.out" 2>"$TMP/run-prefix.err"
status=$?
check "installed layout: the run exits 0" test $status = 0
check "installed layout: sandboxed, no word of a missing audex-sandbox" \
  test -z "$(grep -F "audex-sandbox" "$TMP/run-prefix.err")"
grep -F "audex-sandbox" "$TMP/run-prefix.err"
finish
