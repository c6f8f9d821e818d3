#!/usr/bin/env bash
# Network binding end to end against moto with SigV4 checking on: the
# session policy that reaches STS (moto's /moto-api/data.json) carries the
# Deny with aws:SourceIp for config.toml's [network], for --source-ip, for
# credential-process and for an MCP agent's session (the config always
# applies there); it is byte for byte the planned one. moto records session
# policies but does not enforce them (tests/e2e/network_radosgw_test.sh
# shows the denial on radosgw). The plan shows the binding (text and JSON),
# the 2,048-character budget counts it, and 0.0.0.0/0 and ::/0 are refused
# as binding nothing.
#
#   bash tests/e2e/network_moto_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup network-moto "$@"
need_tool aws "pip's awscli is on the machine image"

start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AUDEX_AGENT_ID
setup_moto_user_and_role AudexRole s3 \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
mkdir -p "$AUDEX_HOME"
chmod 700 "$AUDEX_HOME"
cat >"$AUDEX_HOME/config.toml" <<EOF
role_arn = "$ROLE"
mcp_allowed_commands = ["aws"]

[network]
allowed_ips = ["127.0.0.1", "2001:db8::/32"]
allowed_vpcs = ["vpc-0a1b2c3d"]
EOF

# sent_policy KEY: the session policy moto recorded for the session whose
# access key id is KEY, minified as Audex sends it.
sent_policy() {
  "$PY" - "$MOTO_URL" "$1" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
sent = [r.get("policy") for r in data.get("sts", {}).get("AssumedRole", [])
        if r.get("access_key_id") == sys.argv[2]]
print(sent[0] if len(sent) == 1 else f"{len(sent)} sessions with that key")
PY
}
planned_policy() {
  "$PY" -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["policy"], separators=(",", ":")))'
}

# --- run: the config's binding and --source-ip, both in the policy ------------
"$BIN" run --allow s3:ListAllMyBuckets --source-ip 127.0.0.0/8 \
  -- sh -c 'echo "$AWS_ACCESS_KEY_ID" >"$0"; aws s3api list-buckets >/dev/null' "$TMP/key1" \
  >"$TMP/out1" 2>"$TMP/err1"
check "run with [network] and --source-ip admitting loopback exits 0" test $? -eq 0
check "the loopback entries are warned about (AWS never sees them)" \
  grep -q "127.0.0.1/32 in \[network\] in .*never sees" "$TMP/err1"
"$BIN" run --dry-run --json --allow s3:ListAllMyBuckets --source-ip 127.0.0.0/8 -- true \
  2>/dev/null | planned_policy >"$TMP/planned1"
sent_policy "$(cat "$TMP/key1")" >"$TMP/sent1"
check "STS received exactly the planned policy" cmp -s "$TMP/planned1" "$TMP/sent1"
check "it denies requests from outside the config's binding" "$PY" - "$TMP/sent1" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
want = [
    {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
        "NotIpAddressIfExists": {"aws:SourceIp": ["127.0.0.1/32", "2001:db8::/32"]},
        "StringNotEqualsIfExists": {"aws:SourceVpc": "vpc-0a1b2c3d"},
        "BoolIfExists": {"aws:ViaAWSService": "false"}}},
    {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {
        "NotIpAddressIfExists": {"aws:SourceIp": "127.0.0.0/8"},
        "BoolIfExists": {"aws:ViaAWSService": "false"}}},
]
sys.exit(0 if denies == want else f"deny statements {denies}")
PY

# moto records the session policy but does not evaluate it: a session bound
# elsewhere still works there (radosgw refuses it: network_radosgw_test.sh).
mkdir -p "$TMP/unbound" && chmod 700 "$TMP/unbound"
if AUDEX_HOME="$TMP/unbound" "$BIN" run --role-arn "$ROLE" --allow s3:ListAllMyBuckets \
  --source-ip 203.0.113.0/24 -- aws s3api list-buckets >/dev/null 2>&1; then
  echo "# note: moto does not enforce aws:SourceIp in session policies (the call passed)"
else
  echo "# note: moto refused a call from outside the binding: it enforces aws:SourceIp now"
fi

# --- credential-process ---------------------------------------------------------
"$BIN" credential-process --allow s3:ListAllMyBuckets --source-ip 203.0.113.0/24 --no-cache \
  >"$TMP/cp.json" 2>"$TMP/cp.err"
check "credential-process with --source-ip exits 0" test $? -eq 0
CP_KEY=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKeyId"])' "$TMP/cp.json")
sent_policy "$CP_KEY" >"$TMP/sent-cp"
check "credential-process sent the --source-ip binding to STS" \
  grep -qF '"NotIpAddressIfExists":{"aws:SourceIp":"203.0.113.0/24"}' "$TMP/sent-cp"
check "credential-process sent the config's binding too" \
  grep -qF '"aws:SourceVpc":"vpc-0a1b2c3d"' "$TMP/sent-cp"

# --- an MCP agent's session: the config applies, and agents cannot set it -------
"$PY" - "$BIN" "$TMP/mcp.out" <<'PY' 2>"$TMP/mcp.err"
import json, subprocess, sys
lines = [
    {"jsonrpc": "2.0", "id": 1, "method": "initialize",
     "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                "clientInfo": {"name": "network-test", "version": "1"}}},
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
     "params": {"name": "audex_run", "arguments": {
         "command": ["aws", "sts", "get-caller-identity"], "allow": "s3:ListAllMyBuckets"}}},
    {"jsonrpc": "2.0", "id": 4, "method": "tools/call",
     "params": {"name": "audex_run", "arguments": {
         "command": ["aws", "sts", "get-caller-identity"], "allow": "s3:ListAllMyBuckets",
         "source_ip": "0.0.0.0/1"}}},
]
text = "".join(json.dumps(line) + "\n" for line in lines)
out = subprocess.run([sys.argv[1], "mcp"], input=text, capture_output=True, text=True,
                     timeout=120).stdout
open(sys.argv[2], "w").write(out)
PY
check "MCP: the agent's session ran (aws sts get-caller-identity)" "$PY" - "$TMP/mcp.out" <<'PY'
import json, sys
replies = {r["id"]: r for r in map(json.loads, open(sys.argv[1]).read().splitlines())}
result = replies[3]["result"]
sys.exit(0 if not result.get("isError") else result)
PY
check "MCP: an agent cannot pass source_ip (the config decides)" "$PY" - "$TMP/mcp.out" <<'PY'
import json, sys
replies = {r["id"]: r for r in map(json.loads, open(sys.argv[1]).read().splitlines())}
reply = replies[4]
text = json.dumps(reply)
sys.exit(0 if "unknown argument" in text and "source_ip" in text else reply)
PY
MCP_KEY=$("$PY" - "$MOTO_URL" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
roles = data.get("sts", {}).get("AssumedRole", [])
print(roles[-1]["access_key_id"] if roles else "")
PY
)
sent_policy "$MCP_KEY" >"$TMP/sent-mcp"
check "MCP: the agent's session policy carries the config's binding" \
  grep -qF '"NotIpAddressIfExists":{"aws:SourceIp":["127.0.0.1/32","2001:db8::/32"]}' "$TMP/sent-mcp"

# --- the plan shows the binding, and the 2,048-character budget counts it ---------
"$BIN" run --dry-run --allow s3:ListAllMyBuckets --source-ip 203.0.113.0/24 -- true \
  >"$TMP/plan.txt" 2>/dev/null
check "the text plan shows the config's binding with where it comes from" \
  grep -q "^Network: .*127.0.0.1/32.*\[network\] in $AUDEX_HOME/config.toml" "$TMP/plan.txt"
check "the text plan shows the --source-ip binding" \
  grep -q "^Network: .*203.0.113.0/24.*--source-ip" "$TMP/plan.txt"
"$BIN" run --dry-run --json --allow s3:ListAllMyBuckets --source-ip 203.0.113.0/24 -- true \
  >"$TMP/plan.json" 2>/dev/null
AUDEX_HOME="$TMP/unbound" "$BIN" run --dry-run --json --role-arn "$ROLE" \
  --allow s3:ListAllMyBuckets -- true >"$TMP/plan-unbound.json" 2>/dev/null
check "the JSON plan lists both bindings, and policy_size counts their statements" \
  "$PY" - "$TMP/plan.json" "$TMP/plan-unbound.json" <<'PY'
import json, sys
bound, unbound = (json.load(open(path)) for path in sys.argv[1:3])
sources = [b["source"] for b in bound["network"]]
assert len(sources) == 2 and sources[1] == "--source-ip", sources
assert bound["network"][1]["allowed_ips"] == ["203.0.113.0/24"], bound["network"]
assert unbound["network"] == [], unbound["network"]
text = json.dumps(bound["policy"], separators=(",", ":"))
assert bound["policy_size"] == len(text), (bound["policy_size"], len(text))
denies = [s for s in bound["policy"]["Statement"] if "aws:ViaAWSService" in json.dumps(s)]
extra = sum(len(json.dumps(s, separators=(",", ":"))) + 1 for s in denies)
assert bound["policy_size"] == unbound["policy_size"] + extra, (
    bound["policy_size"], unbound["policy_size"], extra)
PY
# 80 addresses: about 1,700 characters of Deny, so a request of about 600
# that fits on its own no longer does once the binding is counted.
IPS=$(for i in $(seq 1 80); do printf '198.51.100.%d,' "$i"; done)
IPS=${IPS%,}
ALLOW=s3:GetObject,s3:PutObject,s3:ListBucket,s3:DeleteObject,dynamodb:GetItem,dynamodb:PutItem,dynamodb:Query,dynamodb:Scan,sqs:SendMessage,sqs:ReceiveMessage,sqs:DeleteMessage,sns:Publish,lambda:InvokeFunction,logs:PutLogEvents,logs:CreateLogStream,kms:Decrypt,kms:Encrypt,kms:GenerateDataKey
AUDEX_HOME="$TMP/unbound" "$BIN" run --dry-run --json --no-compress --role-arn "$ROLE" \
  --allow "$ALLOW" --resource 'arn:aws:s3:::audex-network-budget-test-bucket-with-a-long-name/*' \
  -- true >"$TMP/budget-alone.json" 2>"$TMP/budget-alone.err"
check "the request alone fits in 2,048 characters" "$PY" - "$TMP/budget-alone.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
sys.exit(0 if 400 < plan["policy_size"] <= 2048 else plan["policy_size"])
PY
AUDEX_HOME="$TMP/unbound" "$BIN" run --dry-run --json --no-compress --role-arn "$ROLE" \
  --allow "$ALLOW" --resource 'arn:aws:s3:::audex-network-budget-test-bucket-with-a-long-name/*' \
  --source-ip "$IPS" -- true >"$TMP/budget-bound.json" 2>"$TMP/budget-bound.err"
rc=$?
check "with 80 bound addresses it does not: exit 3 naming the limit and the binding's share" \
  bash -c "test $rc -eq 3 && grep -q 'limit of 2048' '$TMP/budget-bound.err' &&
    grep -q \"network binding's Deny takes\" '$TMP/budget-bound.err'"

# --- refusals ---------------------------------------------------------------------
for everywhere in ::/0 0.0.0.0/0 "127.0.0.1,0.0.0.0/0"; do
  "$BIN" run --allow s3:ListAllMyBuckets --source-ip "$everywhere" -- true >/dev/null 2>"$TMP/err2"
  rc=$?
  check "--source-ip $everywhere -> exit 2, refused as binding nothing" \
    bash -c "test $rc -eq 2 && grep -q 'binds the session to nothing' '$TMP/err2'"
done
mkdir -p "$TMP/everywhere" && chmod 700 "$TMP/everywhere"
printf '[network]\nallowed_ips = ["10.0.0.0/8", "0.0.0.0/0"]\n' >"$TMP/everywhere/config.toml"
AUDEX_HOME="$TMP/everywhere" "$BIN" run --dry-run --allow s3:ListAllMyBuckets -- true \
  >/dev/null 2>"$TMP/err5"
rc=$?
check "0.0.0.0/0 in config.toml's [network] -> exit 2 naming the file and key" \
  bash -c "test $rc -eq 2 && grep -q 'config.toml:2: key \"network.allowed_ips\"' '$TMP/err5' &&
    grep -q 'binds the session to nothing' '$TMP/err5'"
"$BIN" run --allow s3:ListAllMyBuckets --source-ip 203.0.113.9/24 -- true >/dev/null 2>"$TMP/err3"
rc=$?
check "a range with host bits -> exit 2 with the range meant" \
  bash -c "test $rc -eq 2 && grep -q '203.0.113.0/24' '$TMP/err3'"
printf '[network]\nallowed_ips = ["10.0.0.0/33"]\n' >"$TMP/bad.toml"
mkdir -p "$TMP/bad-home" && chmod 700 "$TMP/bad-home" && cp "$TMP/bad.toml" "$TMP/bad-home/config.toml"
AUDEX_HOME="$TMP/bad-home" "$BIN" run --dry-run --allow s3:ListAllMyBuckets -- true \
  >/dev/null 2>"$TMP/err4"
rc=$?
check "a malformed CIDR in config.toml -> exit 2 naming file:line and key" \
  bash -c "test $rc -eq 2 && grep -q 'config.toml:2: key \"network.allowed_ips\"' '$TMP/err4'"

finish
