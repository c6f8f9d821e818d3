#!/usr/bin/env bash
# `tryaudex intent` end to end, the way a user runs it:
#   - offline (no key, or --offline): the founding document's two examples
#     word for word, an unsure sentence, refusals with their exit codes,
#     --provider gcp, --run --dry-run, a service only the catalog knows, a
#     copy's two statements (and --run saying it makes them one), a KMS alias
#   - with ANTHROPIC_API_KEY against a stand-in for the Messages API
#     (anthropic_stub.py: the wire format, checked): the request's shape, the
#     model choice (--model, config.toml), invented actions removed, an
#     answer with only invented actions (exit 3), a garbled answer (exit 4),
#     429 with retry-after, a refused key, an unreachable API
#   - --run against moto: the session policy that reached STS is the intent
#   - the API key in no stdout, no stderr, no file under AUDEX_HOME
#
#   bash tests/e2e/intent_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup intent "$@"

export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" LC_ALL=C
mkdir -p "$HOME" "$AUDEX_HOME"
unset ANTHROPIC_API_KEY ANTHROPIC_BASE_URL AUDEX_ROLE_ARN
KEY="sk-ant-e2e-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
n=0
# intent ARGS...: runs tryaudex intent; stdout in $TMP/out.N, stderr in
# $TMP/err.N, exit code in $rc; $out and $err name the latest files.
intent() {
  n=$((n + 1))
  out="$TMP/out.$n" err="$TMP/err.$n"
  "$BIN" intent "$@" >"$out" 2>"$err"
  rc=$?
}
json_is() {  # json_is FILE PYTHON_EXPRESSION_OVER_j
  "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else f"{j!r}")' "$1" "$2"
}

# --- offline --------------------------------------------------------------------
intent "Read from S3 bucket and invoke a Lambda function"
check "no key: offline answers and says so" \
  bash -c "test $rc -eq 0 && grep -q 'ANTHROPIC_API_KEY is not set' '$err'"
check "founding example 1, word for word (plus source)" diff "$out" - <<'EOF2'
{
  "allow": "s3:GetObject,lambda:InvokeFunction",
  "resource": null,
  "description": "Read objects from S3 and invoke Lambda functions",
  "source": "offline"
}
EOF2
intent --offline Read only from my-bucket in S3
check "founding example 2 from unquoted words, word for word" diff "$out" - <<'EOF2'
{
  "allow": "s3:GetObject",
  "resource": "arn:aws:s3:::my-bucket/*",
  "description": "Read objects from a specific S3 bucket",
  "source": "offline"
}
EOF2
check "--offline: no note about the key" bash -c "! grep -q ANTHROPIC_API_KEY '$err'"
intent --offline --model claude-test-model "Read only from my-bucket in S3"
check "--offline with --model: answers, and says the model is not used" \
  bash -c "test $rc -eq 0 && grep -q 'model claude-test-model is not used' '$err'"
intent --offline "Read from S3 but never delete anything"
check "unsure sentence: JSON still, confidence low on stderr" \
  bash -c "test $rc -eq 0 && grep -q 'confidence: low' '$err' && grep -q 'negated' '$err'"
intent --offline "Frobnicate the widgets"
check "nothing understood: exit 3 with --allow and ANTHROPIC_API_KEY as ways out" \
  bash -c "test $rc -eq 3 && grep -q -- '--allow' '$err' && grep -q 'ANTHROPIC_API_KEY' '$err'"
intent --offline
check "no sentence: exit 2" test "$rc" -eq 2
intent --offline --provider gcp "Read from Cloud Storage"
check "--provider gcp maps through universal names" \
  json_is "$out" 'j["allow"] == "storage.objects.get,storage.buckets.list" and j["resource"] is None'
intent --offline --provider mars "Read from S3"
check "bad --provider: exit 2" test "$rc" -eq 2
intent --offline "Read only from my-bucket in S3" --run --dry-run -- aws s3 cp s3://my-bucket/a -
check "--run --dry-run: run's plan carries the intent" \
  bash -c "test $rc -eq 0 && grep -q '^Allow: *s3:GetObject$' '$out' && grep -q 'arn:aws:s3:::my-bucket/\*' '$out' && grep -q '^tryaudex: intent: {' '$err'"
intent --offline "Describe the CloudFormation stack web"
check "a service only the catalog knows: its action and the ARN from its format" \
  json_is "$out" 'j["allow"] == "cloudformation:DescribeStacks" and j["resource"] == "arn:aws:cloudformation:*:*:stack/web/*" and "statements" not in j'
intent --offline "Copy objects from bucket raw to bucket curated"
check "copy: one statement reads the source, another writes the destination" \
  json_is "$out" 'j["statements"] == [{"allow": "s3:GetObject", "resource": "arn:aws:s3:::raw/*"}, {"allow": "s3:PutObject", "resource": "arn:aws:s3:::curated/*"}]'
intent --offline "Copy objects from bucket raw to bucket curated" --run --dry-run -- true
check "--run with several statements: says the session gets one" \
  bash -c "test $rc -eq 0 && grep -q 'makes one statement of the intent' '$err'"
intent --offline "Decrypt with the KMS alias alias/app"
check "a KMS alias: no resource, and the kms:RequestAlias condition named" \
  bash -c "test $rc -eq 0 && grep -q 'kms:RequestAlias' '$err' && grep -q '\"resource\": null' '$out'"
intent --offline "$(printf 'Read from caf\xe9 in S3')"
check "a sentence that is not UTF-8: an answer, not a crash" \
  bash -c "test $rc -eq 0 && grep -q '\"allow\": \"s3:GetObject\"' '$out'"
intent --offline "Read from S3" -- true
check "a command without --run: exit 2" test "$rc" -eq 2
intent --offline "Read from S3" --run
check "--run without a command: exit 2" test "$rc" -eq 2

# --- Claude, through the stand-in -------------------------------------------------
STUB_EXPECTED_KEY="$KEY" "$PY" "$HERE/anthropic_stub.py" "$TMP/stub.port" "$TMP/stub.log" \
  >"$TMP/stub.out" 2>&1 &
kill_at_exit $!
wait_for_file "$TMP/stub.port"
export ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$TMP/stub.port")" ANTHROPIC_API_KEY="$KEY"
requests() { wc -l <"$TMP/stub.log" 2>/dev/null || echo 0; }

intent "Read from S3 bucket and invoke a Lambda function"
check "claude: founding example 1 from a fenced answer" diff "$out" - <<'EOF2'
{
  "allow": "s3:GetObject,lambda:InvokeFunction",
  "resource": null,
  "description": "Read objects from S3 and invoke Lambda functions",
  "source": "claude"
}
EOF2
check "request: POST /v1/messages, key, version, JSON, default model, system prompt, sentence" \
  "$PY" - "$TMP/stub.log" <<'PY'
import json, sys
r = json.loads(open(sys.argv[1]).readlines()[-1])
ok = (r["path"] == "/v1/messages" and r["key_matches"] and r["version"] == "2023-06-01"
      and r["content_type"].startswith("application/json") and r["model"] == "claude-sonnet-5-5"
      and r["max_tokens"] > 0 and '"allow"' in r["system"]
      and r["messages"] == [{"role": "user", "content": "Read from S3 bucket and invoke a Lambda function"}])
sys.exit(0 if ok else repr(r))
PY
intent --model claude-opus-5-5 "Read only from my-bucket in S3"
check "--model chooses the model" \
  bash -c "tail -1 '$TMP/stub.log' | grep -q '\"model\": \"claude-opus-5-5\"'"
printf 'model = "claude-haiku-4-5"\n' >"$AUDEX_HOME/config.toml"
intent "Read only from my-bucket in S3"
check "model in config.toml chooses the model" \
  bash -c "test $rc -eq 0 && tail -1 '$TMP/stub.log' | grep -q '\"model\": \"claude-haiku-4-5\"'"
rm "$AUDEX_HOME/config.toml"
intent --provider gcp "Read the invented objects"
check "--provider gcp: the system prompt asks for GCP permissions" \
  bash -c "test $rc -eq 0 && grep -q 'storage.objects.get' '$out'"
intent "Read the invented objects"
check "invented action removed and reported; the real one kept" \
  bash -c "test $rc -eq 0 && grep -q '\"allow\": \"s3:GetObject\"' '$out' && grep -q 'removed \"s3:MakeItRain\"' '$err'"
intent "Please hallucinate"
check "only invented actions: exit 3" bash -c "test $rc -eq 3 && grep -q 's3:MakeItRain' '$err'"
intent "A garbled reply please"
check "garbled answer: exit 4, says to try --offline" \
  bash -c "test $rc -eq 4 && grep -q -- '--offline' '$err'"
before=$(requests)
start=$(date +%s%N)
intent "throttle me"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
check "429 with retry-after: waited, retried, answered" \
  bash -c "test $rc -eq 0 && test $(($(requests) - before)) -eq 2 && test $elapsed_ms -ge 1000"
before=$(requests)
intent --offline "Read from S3 bucket and invoke a Lambda function"
check "--offline with a key: no request, source offline" \
  bash -c "test $(requests) -eq $before && grep -q '\"source\": \"offline\"' '$out'"
ANTHROPIC_API_KEY="sk-ant-wrong-$KEY" intent "Read from S3"
check "refused key: exit 4, names ANTHROPIC_API_KEY, quotes no key" \
  bash -c "test $rc -eq 4 && grep -q 'refused ANTHROPIC_API_KEY' '$err' && ! grep -q 'sk-ant' '$err'"
ANTHROPIC_BASE_URL="http://127.0.0.1:1" intent "Read from S3"
check "unreachable API: exit 4, says so" \
  bash -c "test $rc -eq 4 && grep -q 'cannot reach the Anthropic API' '$err'"

# --- --run against moto: the intent is the session policy ----------------------
at_exit "$ROOT/scripts/local-cloud" moto stop "$CLOUD"
if "$ROOT/scripts/local-cloud" moto start "$CLOUD" >"$TMP/moto.log" 2>&1; then
  (
    set -a
    . "$CLOUD/moto.env"
    set +a
    export AWS_ENDPOINT_URL="$MOTO_URL" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIAINTENTE2E000000
    export AWS_SECRET_ACCESS_KEY=intent-e2e-base-secret
    "$BIN" intent "Read only from my-bucket in S3" --run \
      --role-arn arn:aws:iam::123456789012:role/AudexRole -- sh -c 'echo child-ran' \
      >"$TMP/run.out" 2>"$TMP/run.err"
    echo $? >"$TMP/run.rc"
    "$PY" - "$MOTO_URL" >"$TMP/run.policy" <<'PY'
import json, sys, urllib.request
data = json.load(urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json"))
print(json.dumps([r.get("policy") for r in data.get("sts", {}).get("AssumedRole", [])]))
PY
  )
  check "--run: the command ran with the session" \
    bash -c "test \"\$(cat '$TMP/run.rc')\" = 0 && grep -qx child-ran '$TMP/run.out'"
  check "--run: STS received the intent as the session policy" "$PY" - "$TMP/run.policy" <<'PY'
import json, sys
policies = [json.loads(p) for p in json.load(open(sys.argv[1])) if p]
want = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
sys.exit(0 if any(want in p["Statement"] for p in policies) else repr(policies))
PY
  check "--run: the session is in the audit log" \
    bash -c "'$BIN' audit show --json | grep -q credentials_issued"
else
  cat "$TMP/moto.log"
  check "moto starts for the --run checks" false
fi

# --- the key is nowhere ----------------------------------------------------------
check "the API key is in no stdout or stderr" \
  bash -c "! cat '$TMP'/out.* '$TMP'/err.* '$TMP'/run.* 2>/dev/null | grep -qF -- '$KEY'"
check "the API key is in no file under AUDEX_HOME (which holds the session)" \
  bash -c "test -n \"\$(ls -A '$AUDEX_HOME')\" && ! grep -rqF -- '$KEY' '$AUDEX_HOME'"
check "the stand-in saw the key (so the checks above could fail)" \
  bash -c "grep -q '\"key_matches\": true' '$TMP/stub.log'"

finish
