#!/usr/bin/env bash
# Whole-process comparison on one moto server (issue 3's benchmark):
#   audex:      tryaudex run --allow s3:ListAllMyBuckets -- true
#   usual way:  aws sts assume-role --policy ..., export the three variables, true
#   sts alone:  one signed AssumeRole with curl --aws-sigv4 (the round trip Audex cannot avoid)
# Audex's own time is estimated as (audex - sts alone). Medians from hyperfine.
#
#   bash bench/run_vs_cli.sh path/to/tryaudex [RUNS]
set -euo pipefail
# The set-up of the e2e scripts: BIN, TMP (removed at exit), moto (stopped at
# exit) with every AWS client and tryaudex pointed at it.
. "$(dirname "${BASH_SOURCE[0]}")/../tests/e2e/lib.sh"
e2e_setup bench-run-vs-cli "$@"
RUNS=${2:-30}
start_moto
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=benchsecret
export AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Bench
POLICY='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}'
cat >"$TMP/usual.sh" <<SH
#!/bin/sh
set -e
creds=\$(aws sts assume-role --role-arn $AUDEX_ROLE_ARN --role-session-name bench \\
  --policy '$POLICY' --query Credentials --output text)
set -- \$creds
export AWS_ACCESS_KEY_ID=\$1 AWS_SECRET_ACCESS_KEY=\$3 AWS_SESSION_TOKEN=\$4
true
SH
cat >"$TMP/sts.sh" <<SH
#!/bin/sh
exec curl -s -o /dev/null --aws-sigv4 "aws:amz:us-east-1:sts" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\
  --data "Action=AssumeRole&Version=2011-06-15&RoleArn=$AUDEX_ROLE_ARN&RoleSessionName=bench&DurationSeconds=900" "$MOTO_URL/"
SH
chmod +x "$TMP/usual.sh" "$TMP/sts.sh"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$TMP/r.json" \
  -n audex "$BIN run --allow s3:ListAllMyBuckets -- true" \
  -n usual "$TMP/usual.sh" \
  -n sts-alone "$TMP/sts.sh" \
  -n dry-run "$BIN run --dry-run --allow s3:ListAllMyBuckets -- true" >/dev/null
python3 - "$TMP/r.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
med = {k: v["median"] * 1000 for k, v in r.items()}
for k, v in med.items():
    print(f"{k:10s} median {v:8.2f} ms")
print(f"usual / audex     = {med['usual'] / med['audex']:.1f}x")
print(f"audex - sts-alone = {med['audex'] - med['sts-alone']:.2f} ms (Audex's own time, estimated)")
PY
