#!/usr/bin/env bash
# Network binding against Ceph radosgw, whose STS enforces session policies
# with their conditions: a read-only session bound to 127.0.0.1 (where the
# child's requests come from) reads the bucket; the same session bound to
# an address range the child is not in is refused by radosgw, whether the
# binding comes from --source-ip or from config.toml's [network].
#
#   bash tests/e2e/network_radosgw_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup network-rgw "$@"
need_tool aws "pip's awscli is on the machine image"

start_radosgw
export AWS_ACCESS_KEY_ID="$RGW_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$RGW_SECRET_KEY"
export AWS_DEFAULT_REGION=us-east-1 AUDEX_ROLE_ARN="$RGW_ROLE_ARN"
unset AWS_PROFILE AWS_SESSION_TOKEN
mkdir -p "$HOME" "$AUDEX_HOME"
chmod 700 "$AUDEX_HOME"

read_object() {
  "$BIN" run --profile s3-readonly "$@" -- \
    aws s3 cp "s3://$RGW_BUCKET/$RGW_OBJECT" "$TMP/got.txt"
}

rm -f "$TMP/got.txt"
read_object --source-ip 127.0.0.1 >/dev/null 2>"$TMP/in.err"
check "bound to 127.0.0.1: radosgw accepts the policy and the child reads the object" \
  test -s "$TMP/got.txt"

rm -f "$TMP/got.txt"
read_object --source-ip 203.0.113.0/24 >/dev/null 2>"$TMP/out.err"
rc=$?
check "bound to 203.0.113.0/24: the read is refused inside the child (exit $rc)" \
  bash -c "test $rc -ne 0 && ! test -e '$TMP/got.txt'"
check "the refusal is radosgw's AccessDenied (403), not a malformed policy" \
  bash -c "grep -Eq 'AccessDenied|403|Forbidden' '$TMP/out.err' && ! grep -q MalformedPolicy '$TMP/out.err'"

cat >"$AUDEX_HOME/config.toml" <<'EOF'
[network]
allowed_ips = ["198.51.100.0/24", "2001:db8::/32"]
EOF
rm -f "$TMP/got.txt"
read_object >/dev/null 2>"$TMP/config.err"
rc=$?
check "bound by config.toml's [network] elsewhere: refused as well (exit $rc)" \
  bash -c "test $rc -ne 0 && ! test -e '$TMP/got.txt'"

rm -f "$TMP/got.txt"
read_object --source-ip 127.0.0.1 >/dev/null 2>&1
check "--source-ip cannot widen the configured binding: still refused" test ! -e "$TMP/got.txt"

printf '[network]\nallowed_ips = ["127.0.0.0/8"]\n' >"$AUDEX_HOME/config.toml"
rm -f "$TMP/got.txt"
read_object >/dev/null 2>&1
check "bound by config.toml to 127.0.0.0/8: the read works" test -s "$TMP/got.txt"

"$BIN" audit verify >"$TMP/verify" 2>&1
check "audit chain intact after the sessions" grep -q "chain intact" "$TMP/verify"

finish
