#!/usr/bin/env bash
# run --broker against Ceph radosgw, whose STS enforces the session policy:
# with a read-only policy, reads through the forwarding endpoint work and the
# write is refused by radosgw itself (not by Audex); the audit trail shows
# both calls with their status. A chunk-signed upload
# (STREAMING-AWS4-HMAC-SHA256-PAYLOAD, re-signed chunk by chunk by the
# endpoint) is accepted by radosgw with a read-write policy.
#
#   bash tests/e2e/endpoint_radosgw_test.sh path/to/tryaudex
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup endpoint-radosgw "$@"
start_radosgw
export AWS_ACCESS_KEY_ID="$RGW_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$RGW_SECRET_KEY"
export AWS_DEFAULT_REGION=us-east-1 AUDEX_ROLE_ARN="$RGW_ROLE_ARN"
unset AWS_PROFILE AWS_SESSION_TOKEN
mkdir -p "$HOME"
echo "written by a read-only session?" >"$TMP/upload.txt"

cat >"$TMP/child.sh" <<SH
set -u
env | grep '^AWS_' >"$TMP/child-env.txt"
aws s3api get-object --bucket "$RGW_BUCKET" --key "$RGW_OBJECT" "$TMP/got.txt" >/dev/null || exit 10
# boto3 for the write: the aws CLI's S3 error-message hook fails on radosgw's
# empty <Message> and hides the code.
"$PY" - "$RGW_BUCKET" "$TMP/upload.txt" >"$TMP/put.err" 2>&1 <<'PY' && exit 11
import sys, boto3, botocore.exceptions
try:
    boto3.client("s3").put_object(Bucket=sys.argv[1], Key="denied.txt", Body=open(sys.argv[2], "rb"))
except botocore.exceptions.ClientError as e:
    print(e.response["Error"]["Code"])
    sys.exit(1)
PY
exit 0
SH
"$BIN" run --broker --allow s3:GetObject,s3:ListBucket -- bash "$TMP/child.sh" \
  >"$TMP/run.out" 2>"$TMP/run.err"
rc=$?
check "read-only broker run: the read works and the write fails in the child" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -5 "$TMP/run.err" "$TMP/put.err"
check "the object came through the endpoint" test -s "$TMP/got.txt"
check "the write was refused by radosgw with AccessDenied" grep -q AccessDenied "$TMP/put.err"
check "the child held placeholder credentials" bash -c \
  "grep -q '^AWS_ACCESS_KEY_ID=AUDX' '$TMP/child-env.txt' && ! grep -q '$RGW_SECRET_KEY' '$TMP/child-env.txt'"
aws s3api head-object --bucket "$RGW_BUCKET" --key denied.txt >/dev/null 2>&1
check "the denied object was not written" test $? -ne 0
check "the audit trail shows the read (200) and the refused write (403 AccessDenied)" \
  "$PY" - "$AUDEX_HOME" <<'PY'
import glob, json, os, sys
lines = []
for path in glob.glob(os.path.join(sys.argv[1], "**", "audit.jsonl"), recursive=True):
    lines += [json.loads(l) for l in open(path) if l.strip()]
calls = [l["fields"] for l in lines if l["event"] == "broker_call"]
got = [c for c in calls if c["operation"] == "GetObject"]
put = [c for c in calls if c["operation"] == "PutObject"]
assert got and got[0]["status"] == 200 and not got[0]["refused"], calls
assert put and put[0]["status"] == 403 and put[0]["error_code"] == "AccessDenied", calls
assert not put[0]["refused"], "refused by radosgw, not by the endpoint"
PY

# A chunk-signed upload, as the Java and C++ SDKs send over http: signed by
# the test with the child's placeholder credentials, re-signed chunk by chunk
# by the endpoint, verified by radosgw.
cat >"$TMP/chunked.py" <<'PY'
import datetime, hashlib, hmac, os, sys, urllib.request
endpoint, bucket, key = os.environ["AWS_ENDPOINT_URL"], sys.argv[1], sys.argv[2]
akid, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
region, service = "us-east-1", "s3"
data = os.urandom(150000)
chunks = [data[i:i + 65536] for i in range(0, len(data), 65536)] + [b""]
now = datetime.datetime.utcnow()
amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
scope = f"{day}/{region}/{service}/aws4_request"
def h(k, m): return hmac.new(k, m.encode(), hashlib.sha256).digest()
signing_key = h(h(h(h(("AWS4" + secret).encode(), day), region), service), "aws4_request")
body_length = sum(len(f"{len(c):x};chunk-signature=") + 64 + 2 + len(c) + 2 for c in chunks)
host = endpoint.split("://")[1]
headers = {"host": host, "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
           "x-amz-date": amz_date, "x-amz-decoded-content-length": str(len(data)),
           "content-encoding": "aws-chunked", "content-length": str(body_length)}
names = sorted(headers)
canonical = "\n".join(["PUT", f"/{bucket}/{key}", "", "".join(f"{n}:{headers[n]}\n" for n in names),
                       ";".join(names), "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"])
to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
seed = hmac.new(signing_key, to_sign.encode(), hashlib.sha256).hexdigest()
body, previous = b"", seed
for c in chunks:
    s = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous,
                   hashlib.sha256(b"").hexdigest(), hashlib.sha256(c).hexdigest()])
    previous = hmac.new(signing_key, s.encode(), hashlib.sha256).hexdigest()
    body += f"{len(c):x};chunk-signature={previous}\r\n".encode() + c + b"\r\n"
assert len(body) == body_length
request = urllib.request.Request(f"{endpoint}/{bucket}/{key}", data=body, method="PUT")
for n in names:
    if n != "host":
        request.add_header(n, headers[n])
request.add_header("Authorization", f"AWS4-HMAC-SHA256 Credential={akid}/{scope}, "
                   f"SignedHeaders={';'.join(names)}, Signature={seed}")
urllib.request.urlopen(request).read()
open(sys.argv[3], "wb").write(data)
PY
"$BIN" run --broker --allow 's3:*' -- "$PY" "$TMP/chunked.py" "$RGW_BUCKET" chunked.bin \
  "$TMP/chunked.sent" >"$TMP/chunked.out" 2>"$TMP/chunked.err"
rc=$?
check "a chunk-signed upload through the endpoint is accepted by radosgw" test "$rc" -eq 0
[ "$rc" -eq 0 ] || tail -5 "$TMP/chunked.err"
aws s3api get-object --bucket "$RGW_BUCKET" --key chunked.bin "$TMP/chunked.got" >/dev/null 2>&1
check "and the object holds exactly the bytes sent" cmp -s "$TMP/chunked.sent" "$TMP/chunked.got"

finish
