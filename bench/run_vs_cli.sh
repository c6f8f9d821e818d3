#!/usr/bin/env bash
# Whole-process comparison on one moto server (issue 3's benchmark; issue
# 19, rows 2 and 3: `run -- true` within 1.25x of a bare signed AssumeRole,
# `run --dry-run` under 3 ms):
#   audex:      tryaudex run --allow s3:ListAllMyBuckets -- true
#   usual way:  aws sts assume-role --policy ..., export the three variables, true
#   sts alone:  one signed AssumeRole with curl --aws-sigv4 (the round trip Audex cannot avoid)
#   sts-policy: the same with Audex's session policy (the same request)
#   dry-run:    tryaudex run --dry-run (planning only, no STS call)
# Audex's own time is estimated as (audex - sts alone). Wall-clock medians
# with the load average; then, for `run` and `run --dry-run`,
# instructions (callgrind; the child and the STS server not counted) and
# system calls with the fsync/fdatasync among them (strace -c). With
# BEFORE, the tryaudex rows for both binaries side by side.
#
#   bash bench/run_vs_cli.sh path/to/tryaudex [RUNS] [BEFORE_TRYAUDEX]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The set-up of the e2e scripts: BIN, TMP (removed at exit), moto (stopped at
# exit) with every AWS client and tryaudex pointed at it.
. "$here/../tests/e2e/lib.sh"
. "$here/compare_lib.sh"
e2e_setup bench-run-vs-cli "$@"
RUNS=${2:-30}
BEFORE=${3:+$(cd "$(dirname "$3")" && pwd)/$(basename "$3")}
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
# The same request as Audex's: AssumeRole with the session policy (moto
# takes longer over a policy; the goal is set against the bare call above).
POLICY_QUERY=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$POLICY")
cat >"$TMP/sts-policy.sh" <<SH
#!/bin/sh
exec curl -s -o /dev/null --aws-sigv4 "aws:amz:us-east-1:sts" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \\
  --data "Action=AssumeRole&Version=2011-06-15&RoleArn=$AUDEX_ROLE_ARN&RoleSessionName=bench&DurationSeconds=900&Policy=$POLICY_QUERY" "$MOTO_URL/"
SH
chmod +x "$TMP/usual.sh" "$TMP/sts.sh" "$TMP/sts-policy.sh"
run=(run --allow s3:ListAllMyBuckets -- true)
dry=(run --dry-run --allow s3:ListAllMyBuckets -- true)
# The cases in turn, RUNS rounds (compare_lib.sh, interleaved_ms); the
# usual way (the aws CLI, python, a second or more) on its own, 5 runs.
cases=("audex=$BIN ${run[*]}" "sts-alone=$TMP/sts.sh" "sts-policy=$TMP/sts-policy.sh"
  "dry-run=$BIN ${dry[*]}")
if [[ -n $BEFORE ]]; then
  cases+=("audex-before=$BEFORE ${run[*]}" "dry-run-before=$BEFORE ${dry[*]}")
fi
echo "load at the start: $(load)"
interleaved_ms "$RUNS" "${cases[@]}" >"$TMP/medians.txt"
echo "usual $(median_ms 5 "$TMP/usual.sh")" >>"$TMP/medians.txt"
echo "load at the end:   $(load)"
python3 - "$TMP/medians.txt" <<'PY'
import sys
med = {k: float(v) for k, v in (line.split() for line in open(sys.argv[1]))}
for k, v in med.items():
    print(f"{k:15s} median {v:8.2f} ms")
for who in ["audex-before", "audex"]:
    if who in med:
        print(f"{who + ' / sts-alone':27s} = {med[who] / med['sts-alone']:.2f}x (goal <= 1.25x)")
        print(f"{who + ' - sts-alone':27s} = {med[who] - med['sts-alone']:.2f} ms (Audex's own time, estimated)")
print(f"{'audex / sts-policy':27s} = {med['audex'] / med['sts-policy']:.2f}x (the same request as Audex's)")
print(f"usual / audex               = {med['usual'] / med['audex']:.1f}x")
PY
printf '\n%-36s' "load-independent"
binaries=("$BIN")
[[ -n $BEFORE ]] && binaries=("$BEFORE" "$BIN") && printf '%22s' before
printf '%22s\n' after
for case in run dry-run; do
  if [[ $case == run ]]; then args=("${run[@]}"); else args=("${dry[@]}"); fi
  counts=()
  for bin in "${binaries[@]}"; do
    read -r calls syncs < <(syscalls "$bin" "${args[@]}")
    counts+=("$(instructions "$bin" "${args[@]}")|$calls|$syncs")
  done
  for i in 1 2 3; do
    printf '%-36s' "$case $(sed -n "${i}p" <<<$'instructions\nsystem calls\nfsync/fdatasync calls')"
    for c in "${counts[@]}"; do printf '%22s' "$(cut -d'|' -f"$i" <<<"$c")"; done
    echo
  done
done
curl_args=(-s -o /dev/null --aws-sigv4 "aws:amz:us-east-1:sts" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
  --data "Action=AssumeRole&Version=2011-06-15&RoleArn=$AUDEX_ROLE_ARN&RoleSessionName=bench&DurationSeconds=900" "$MOTO_URL/")
read -r calls _ < <(syscalls curl "${curl_args[@]}")
echo "sts-alone (curl): $(instructions curl "${curl_args[@]}") instructions, $calls system calls"
