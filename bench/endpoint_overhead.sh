#!/usr/bin/env bash
# The forwarding endpoint's cost (issue 22): added latency per call and the
# throughput of a large S3 download, through the endpoint versus direct to
# moto. One `tryaudex run --broker` child measures both ways with the same
# clients (moto runs without SigV4 checking here, so the child's placeholder
# keys also work directly): boto3 calls (S3 HeadObject, DynamoDB GetItem),
# median and p90 over N calls after a warm-up, and curl downloads of a
# SIZE_MB object in 5 rounds of direct, through a minimal recv/send relay
# (build/bench/audex_loopback_relay: the ceiling of any forwarding endpoint
# on this machine) and through the endpoint, compared by their medians.
# Goals: under 1 ms added per call, at least 90 % of direct throughput.
#
# MODE broker (default) writes an audit line per call; MODE learn records
# the calls for learn only.
#
#   bash bench/endpoint_overhead.sh path/to/tryaudex [CALLS] [SIZE_MB] [MODE]
set -euo pipefail
BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
CALLS=${2:-300}
SIZE_MB=${3:-256}
MODE=${4:-broker}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/audex-endpoint-bench.XXXXXX")"
CLOUD="$TMP/cloud"
cleanup() {
  if [ -n "${RELAY_PID:-}" ]; then kill "$RELAY_PID" 2>/dev/null || true; fi
  "$ROOT/scripts/local-cloud" moto stop "$CLOUD" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
"$ROOT/scripts/local-cloud" moto start "$CLOUD" >"$TMP/moto.log" 2>&1
set -a
. "$CLOUD/moto.env"
set +a
export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" AWS_ENDPOINT_URL="$MOTO_URL"
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIABENCHBENCHBENCH0 AWS_SECRET_ACCESS_KEY=bench
mkdir -p "$HOME"
TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
aws iam create-role --role-name BenchRole --assume-role-policy-document "$TRUST" >/dev/null
aws s3api create-bucket --bucket bench >/dev/null
echo small >"$TMP/small.txt"
aws s3api put-object --bucket bench --key small.txt --body "$TMP/small.txt" >/dev/null
head -c $((SIZE_MB * 1024 * 1024)) /dev/zero >"$TMP/big.bin"
aws s3 cp "$TMP/big.bin" s3://bench/big.bin --quiet
rm -f "$TMP/big.bin"
aws dynamodb create-table --table-name bench --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH >/dev/null
aws dynamodb put-item --table-name bench --item '{"pk":{"S":"a"}}'

cat >"$TMP/child.py" <<'PY'
import os, statistics, subprocess, sys, time
import boto3
calls, size_mb, moto, relay = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[5]
endpoint = os.environ["AWS_ENDPOINT_URL"]
# The endpoint runs in tryaudex: its CPU time per call and per MiB is the
# cost that does not depend on the machine's load. The child runs in its own
# pid namespace and cannot see tryaudex's /proc, so it asks the script
# outside (a file per question in MARKS, answered with tryaudex's user+sys
# milliseconds).
marks, asked = sys.argv[4], [0]
def endpoint_cpu_ms():
    asked[0] += 1
    question, answer = f"{marks}/ask-{asked[0]}", f"{marks}/cpu-{asked[0]}"
    open(question, "w").close()
    for _ in range(500):
        if os.path.exists(answer):
            text = open(answer).read().strip()
            if text:
                return float(text)
        time.sleep(0.01)
    raise SystemExit("the script outside did not answer with tryaudex's CPU time")
def latency(url, make):
    s3 = boto3.client("s3", endpoint_url=url)
    ddb = boto3.client("dynamodb", endpoint_url=url)
    out = {}
    for name, call in (("S3 HeadObject", lambda: s3.head_object(Bucket="bench", Key="small.txt")),
                       ("DynamoDB GetItem", lambda: ddb.get_item(TableName="bench", Key={"pk": {"S": "a"}}))):
        for _ in range(30):
            call()
        times = []
        for _ in range(calls):
            t = time.perf_counter(); call(); times.append((time.perf_counter() - t) * 1000)
        times.sort()
        out[name] = (statistics.median(times), times[int(len(times) * 0.9)])
    return out
def speed(url):
    r = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{speed_download} %{size_download}",
                        "--aws-sigv4", "aws:amz:us-east-1:s3", "--user",
                        os.environ["AWS_ACCESS_KEY_ID"] + ":" + os.environ["AWS_SECRET_ACCESS_KEY"],
                        url + "/bench/big.bin"], capture_output=True, text=True, check=True)
    value, size = r.stdout.split()
    assert int(float(size)) == size_mb * 1024 * 1024, r.stdout
    return float(value) / (1024 * 1024)
direct = latency(moto, None)
cpu = endpoint_cpu_ms()
through = latency(endpoint, None)
cpu_per_call = (endpoint_cpu_ms() - cpu) / (2 * (calls + 30))
for name in direct:
    d, t = direct[name], through[name]
    print(f"{name:18} direct median {d[0]:6.2f} ms p90 {d[1]:6.2f} | endpoint median {t[0]:6.2f} ms "
          f"p90 {t[1]:6.2f} | added median {t[0] - d[0]:+.2f} ms")
print(f"endpoint CPU per call (user+sys of tryaudex): {cpu_per_call:.3f} ms")
# Downloads in rounds, each round direct, through the minimal relay and
# through the endpoint one after the other, so that a change in the
# machine's load falls on all three; the medians are compared.
rounds = {"direct": [], "relay": [], "endpoint": []}
endpoint_cpu = 0.0
for _ in range(5):
    rounds["direct"].append(speed(moto))
    rounds["relay"].append(speed(relay))
    cpu = endpoint_cpu_ms()
    rounds["endpoint"].append(speed(endpoint))
    endpoint_cpu += endpoint_cpu_ms() - cpu
print(f"endpoint CPU per MiB downloaded: {endpoint_cpu / (5 * size_mb):.3f} ms")
d, r, t = (statistics.median(rounds[k]) for k in ("direct", "relay", "endpoint"))
print(f"S3 GetObject {size_mb} MiB, medians of 5 rounds: direct {d:7.1f} MiB/s | "
      f"endpoint {t:7.1f} MiB/s = {100 * t / d:5.1f} % of direct | "
      f"minimal relay (the ceiling here) {r:7.1f} MiB/s = {100 * r / d:5.1f} %")
PY
MARKS="$TMP/marks"
# A minimal recv/send relay to moto: what any forwarding endpoint costs here.
RELAY="$ROOT/build/bench/audex_loopback_relay"
"$RELAY" "${MOTO_URL##*:}" >"$TMP/relay.port" &
RELAY_PID=$!
for _ in $(seq 100); do [ -s "$TMP/relay.port" ] && break; sleep 0.05; done
RELAY_URL="http://127.0.0.1:$(cat "$TMP/relay.port")"
mkdir -p "$MARKS"
if [ "$MODE" = learn ]; then
  "$BIN" learn --role-arn arn:aws:iam::123456789012:role/BenchRole --source endpoint \
    -- python3 "$TMP/child.py" "$CALLS" "$SIZE_MB" "$MOTO_URL" "$MARKS" "$RELAY_URL" >"$TMP/out" &
else
  "$BIN" run --broker --role-arn arn:aws:iam::123456789012:role/BenchRole --allow 's3:*,dynamodb:*' \
    -- python3 "$TMP/child.py" "$CALLS" "$SIZE_MB" "$MOTO_URL" "$MARKS" "$RELAY_URL" >"$TMP/out" &
fi
AUDEX_PID=$!
# Answer the child's questions with tryaudex's CPU time (utime + stime of
# the whole process, every thread) until it ends.
tick=$(getconf CLK_TCK)
while kill -0 "$AUDEX_PID" 2>/dev/null; do
  for question in "$MARKS"/ask-*; do
    [ -e "$question" ] || continue
    n=${question##*/ask-}
    [ -e "$MARKS/cpu-$n" ] && continue
    read -r -a stat < <(sed 's/.*) //' "/proc/$AUDEX_PID/stat")
    echo "$(((stat[11] + stat[12]) * 1000 / tick))" >"$MARKS/cpu-$n.tmp"
    mv "$MARKS/cpu-$n.tmp" "$MARKS/cpu-$n"
  done
  sleep 0.05  # a light poll: the sampler must not take the CPU it measures
done
wait "$AUDEX_PID" || true
if [ "$MODE" = learn ]; then
  grep -v '^ \|^Observed\|^Recommended\|^May\|^Calls' "$TMP/out"
else
  cat "$TMP/out"
fi
