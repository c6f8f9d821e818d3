#!/usr/bin/env bash
# `tryaudex drift` end to end against a real moto server (IAM with the
# AWS-managed policies loaded, SigV4 checking and IAM enforcement switched on
# after setup), driving the built binary as a user would. Each role is built
# for one behaviour, and the exact additional and missing sets are checked
# against an oracle computed here in Python from the policy documents and
# the action list (`tryaudex policies expand '*'`):
#   inline policies; customer-managed policies with several versions (only
#   the default counts); an AWS-managed policy; NotAction; Deny statements;
#   a permissions boundary; conditional grants; 105 attached policies
#   (pagination); --expected-allow; --all-profiles; a missing role; a caller
#   without IAM read permission; usage errors; no secret in any output.
#
#   bash tests/e2e/drift_moto_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup drift-moto "$@"
need_python_module boto3 "pip's boto3 is on the machine image"

# AWS-managed policies (arn:aws:iam::aws:policy/...) exist only when moto
# loads them at start.
MOTO_IAM_LOAD_MANAGED_POLICIES=true start_moto
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_IAM

# Every real action, the oracle's universe.
"$BIN" policies expand '*' --json >"$TMP/catalog.json" 2>"$TMP/expand.err"
check "policies expand '*' lists the catalog" test -s "$TMP/catalog.json"

# --- setup (boto3, before checking is switched on) -----------------------------
"$PY" - "$MOTO_URL" "$TMP" <<'PY' >"$TMP/setup.log" 2>&1
import json, sys, urllib.request
import boto3

url, tmp = sys.argv[1], sys.argv[2]
setup = dict(endpoint_url=url, region_name="us-east-1",
             aws_access_key_id="AKIASETUPSETUPSETUP0", aws_secret_access_key="setup")
iam = boto3.client("iam", **setup)
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})

def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})

def allow(actions, resource="*", **extra):
    return dict(Effect="Allow", Action=actions, Resource=resource, **extra)

def role(name, **kw):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, **kw)

def inline(role_name, policy_name, document):
    iam.put_role_policy(RoleName=role_name, PolicyName=policy_name, PolicyDocument=document)

def managed(name, document):
    return iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]

# Callers: one that may read IAM, one that may not.
keys = {}
for user, policy in (("drifter", doc(allow(["iam:Get*", "iam:List*"]))),
                     ("nobody", doc(allow("s3:ListAllMyBuckets")))):
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=policy)
    keys[user] = [key["AccessKeyId"], key["SecretAccessKey"]]

role("Inline")
inline("Inline", "reads", doc(allow(["s3:GetObject", "s3:ListBucket"])))
inline("Inline", "extra", doc(allow(["ec2:DescribeInstances", "dynamodb:ListTables"])))

role("Exact")
inline("Exact", "s3", doc(allow("s3:GetObject"), allow("s3:ListBucket")))

# Customer-managed with versions: v2 is the default and matches s3-readonly;
# v1 and v3 would not.
arn = managed("Versioned", doc(allow("s3:*")))
iam.create_policy_version(PolicyArn=arn, SetAsDefault=True,
                          PolicyDocument=doc(allow(["s3:GetObject", "s3:ListBucket"])))
iam.create_policy_version(PolicyArn=arn, SetAsDefault=False,
                          PolicyDocument=doc(allow(["s3:GetObject", "s3:ListBucket", "s3:PutObject"])))
role("Versions")
iam.attach_role_policy(RoleName="Versions", PolicyArn=arn)
role("Versions3")
arn3 = managed("Versioned3", doc(allow("s3:GetObject")))
iam.create_policy_version(PolicyArn=arn3, SetAsDefault=True,
                          PolicyDocument=doc(allow(["s3:GetObject", "s3:ListBucket", "s3:PutObject"])))
iam.attach_role_policy(RoleName="Versions3", PolicyArn=arn3)

role("AwsManaged")
iam.attach_role_policy(RoleName="AwsManaged", PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
aws_doc = iam.get_policy_version(
    PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    VersionId=iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")["Policy"]["DefaultVersionId"],
)["PolicyVersion"]["Document"]
if isinstance(aws_doc, str):
    aws_doc = json.loads(aws_doc)
json.dump(aws_doc, open(f"{tmp}/aws_managed_doc.json", "w"))

role("NotAction")
inline("NotAction", "all-but-iam", doc(dict(Effect="Allow", NotAction=["iam:*", "sts:*"], Resource="*")))

role("Denies")
inline("Denies", "s3-all", doc(allow("s3:*"), dict(Effect="Deny", Action=["s3:Delete*", "s3:Put*"], Resource="*")))

role("Bounded", PermissionsBoundary=managed("Boundary", doc(allow("s3:*"))))
inline("Bounded", "wide", doc(allow(["s3:GetObject", "s3:ListBucket", "ec2:DescribeInstances"])))

role("Conditional")
inline("Conditional", "scoped", doc(
    allow("s3:GetObject", "arn:aws:s3:::data/*"),
    allow("s3:ListBucket"),
    allow("ec2:DescribeInstances", Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}})))

# Pagination: 105 attached policies, one action each (IAM pages 100 at a time).
everything = json.load(open(f"{tmp}/catalog.json"))[0]["actions"]
ec2 = [a["action"] for a in everything if a["action"].startswith("ec2:")][:105]
role("Many")
for i, action in enumerate(ec2):
    iam.attach_role_policy(RoleName="Many", PolicyArn=managed(f"many-{i:03d}", doc(allow(action))))
json.dump({"keys": keys, "many": ec2}, open(f"{tmp}/setup.keys", "w"))

# From here on every request must be signed by a known key and allowed.
req = urllib.request.Request(url + "/moto-api/reset-auth", data=b"0",
                             headers={"Content-Type": "text/plain"}, method="POST")
urllib.request.urlopen(req).read()
print("setup done")
PY
check "setup: roles, policies and users created in moto" grep -q "setup done" "$TMP/setup.log" ||
  cat "$TMP/setup.log"

key() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["keys"][sys.argv[2]][int(sys.argv[3])])' "$TMP/setup.keys" "$1" "$2"; }
DRIFTER_KEY=$(key drifter 0)
DRIFTER_SECRET=$(key drifter 1)
NOBODY_KEY=$(key nobody 0)
NOBODY_SECRET=$(key nobody 1)
export AWS_ACCESS_KEY_ID=$DRIFTER_KEY AWS_SECRET_ACCESS_KEY=$DRIFTER_SECRET
ROLE=arn:aws:iam::123456789012:role

# drift NAME ROLE ARGS...: runs drift --json into $TMP/NAME.json, exit code
# into $TMP/NAME.rc, stderr into $TMP/NAME.err.
drift() {
  local name=$1 role=$2
  shift 2
  "$BIN" drift --role-arn "$ROLE/$role" "$@" --json >"$TMP/$name.json" 2>"$TMP/$name.err"
  echo $? >"$TMP/$name.rc"
}
rc() { cat "$TMP/$1.rc"; }

# expect NAME ORACLE: the report's additional and missing sets equal the
# oracle's (Python below; prints the difference when they do not).
expect() {
  "$PY" - "$TMP" "$@" <<'PY'
import json, re, sys
tmp, name, oracle = sys.argv[1], sys.argv[2], sys.argv[3]
report = json.load(open(f"{tmp}/{name}.json"))
universe = [a["action"] for a in json.load(open(f"{tmp}/catalog.json"))[0]["actions"]]
setup = json.load(open(f"{tmp}/setup.keys"))

def match(patterns):
    if isinstance(patterns, str):
        patterns = [patterns]
    out = set()
    for pattern in patterns:
        rx = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), re.I)
        out |= {a for a in universe if rx.fullmatch(a)}
    return out

S3_READONLY = {"s3:GetObject", "s3:ListBucket"}
S3_READWRITE = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}
aws_doc = json.load(open(f"{tmp}/aws_managed_doc.json"))
oracles = {
    "inline": ({"ec2:DescribeInstances", "dynamodb:ListTables"}, set()),
    "none": (set(), set()),
    "versions3": ({"s3:PutObject"}, set()),
    "aws_managed": (set().union(*(match(s["Action"]) for s in aws_doc["Statement"])) - S3_READONLY, set()),
    "notaction": (set(universe) - match(["iam:*", "sts:*"]) - S3_READONLY, set()),
    "denies": (match("s3:*") - match(["s3:Delete*", "s3:Put*"]) - S3_READWRITE,
               {"s3:PutObject", "s3:DeleteObject"}),
    "conditional": ({"ec2:DescribeInstances"}, set()),
    "many": (set(setup["many"]), S3_READONLY),
}
want_additional, want_missing = oracles[oracle]
got_additional = {e["action"] for e in report["additional"]}
got_missing = {e["action"] for e in report["missing"]}
problems = []
if got_additional != want_additional:
    problems.append(f"additional: extra {sorted(got_additional - want_additional)[:10]}, "
                    f"lacking {sorted(want_additional - got_additional)[:10]} "
                    f"({len(got_additional)} vs {len(want_additional)})")
if got_missing != want_missing:
    problems.append(f"missing: got {sorted(got_missing)}, want {sorted(want_missing)}")
if report["drift"] != bool(want_additional or want_missing):
    problems.append(f"drift flag {report['drift']}")
sys.exit("; ".join(problems) if problems else 0)
PY
}

# --- inline policies: the founding document's example ---------------------------
drift inline Inline --expected-policy s3-readonly
check "inline: exit 1 (drift)" test "$(rc inline)" -eq 1
check "inline: additional = {ec2:DescribeInstances, dynamodb:ListTables}, missing = {}" expect inline inline
check "inline: each additional action names the inline policy that grants it" "$PY" - "$TMP/inline.json" <<'PY'
import json, sys
by = {e["action"]: e["policies"] for e in json.load(open(sys.argv[1]))["additional"]}
sys.exit(0 if by == {"ec2:DescribeInstances": ["inline policy extra"],
                     "dynamodb:ListTables": ["inline policy extra"]} else str(by))
PY
"$BIN" drift --role-arn "$ROLE/Inline" --expected-policy s3-readonly >"$TMP/inline.txt" 2>&1
check "inline: text names the additional actions, grouped by service, and the advice" bash -c "
  grep -q 'Role has additional permissions not in profile s3-readonly:' '$TMP/inline.txt' &&
  grep -qE '^  dynamodb$' '$TMP/inline.txt' && grep -qE '^    dynamodb:ListTables +inline policy extra' '$TMP/inline.txt' &&
  grep -qE '^    ec2:DescribeInstances ' '$TMP/inline.txt' &&
  grep -q 'Consider updating the role or profile definition' '$TMP/inline.txt'"
check "inline: s3:HeadObject of the profile is noted, not reported missing" \
  grep -q 's3:HeadObject in profile s3-readonly is not compared' "$TMP/inline.txt"

drift inline_allow Inline --expected-allow "s3:GetObject, s3:ListBucket,ec2:DescribeInstances,dynamodb:ListTables"
check "--expected-allow with the role's exact actions: exit 0, no drift" \
  bash -c "test $(rc inline_allow) -eq 0 && grep -q '\"drift\": false' '$TMP/inline_allow.json'"
drift inline_missing Inline --expected-allow "s3:GetObject,s3:ListBucket,s3:PutObject,ec2:DescribeInstances,dynamodb:ListTables"
check "--expected-allow with one more action: exactly s3:PutObject missing, not allowed by any policy" "$PY" - "$TMP/inline_missing.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
got = [(e["action"], e["reasons"]) for e in r["missing"]]
sys.exit(0 if got == [("s3:PutObject", ["not allowed by any policy"])] and not r["additional"] else str(got))
PY

# --- exact match, and --all-profiles ------------------------------------------------
drift exact Exact --expected-policy s3-readonly
check "exact: exit 0" test "$(rc exact)" -eq 0
check "exact: oracle agrees (no drift)" expect exact none
drift allprofiles Exact --all-profiles
check "--all-profiles: closest is s3-readonly at distance 0, exit 0" "$PY" - "$TMP/allprofiles.json" "$(rc allprofiles)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = (sys.argv[2] == "0" and r["closest"] == "profile s3-readonly"
      and r["profiles"][0]["distance"] == 0 and len(r["profiles"]) >= 9
      and all(p["distance"] > 0 for p in r["profiles"][1:]))
sys.exit(0 if ok else json.dumps(r["profiles"][:3]))
PY
drift all_inline Inline --all-profiles
check "--all-profiles on a drifting role: exit 1, closest s3-readonly (2 additional)" "$PY" - "$TMP/all_inline.json" "$(rc all_inline)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
top = r["profiles"][0]
sys.exit(0 if sys.argv[2] == "1" and r["closest"] == "profile s3-readonly" and top["additional"] == 2 and top["missing"] == 0 else json.dumps(r["profiles"][:3]))
PY

# --- customer-managed versions: only the default version counts -----------------
drift versions Versions --expected-policy s3-readonly
check "managed policy, default v2 of 3 versions: exit 0" test "$(rc versions)" -eq 0
check "managed policy, default v2 of 3 versions: oracle agrees (no drift)" expect versions none
check "managed policy: the report names the policy and its default version" "$PY" - "$TMP/versions.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["policies"]
sys.exit(0 if p == [{"kind": "managed", "name": "Versioned", "arn": "arn:aws:iam::123456789012:policy/Versioned", "version": "v2"}] else str(p))
PY
drift versions3 Versions3 --expected-policy s3-readonly
check "managed policy whose default is v2 adding s3:PutObject: exactly that additional" expect versions3 versions3

# --- AWS-managed policy -------------------------------------------------------------
drift aws_managed AwsManaged --expected-policy s3-readonly
check "AWS-managed AmazonS3ReadOnlyAccess: exit 1" test "$(rc aws_managed)" -eq 1
check "AWS-managed: additional = its wildcards expanded minus the profile" expect aws_managed aws_managed
"$BIN" drift --role-arn "$ROLE/AwsManaged" --expected-policy s3-readonly >"$TMP/aws_managed.txt" 2>&1
check "AWS-managed: wildcards summarised (s3:Get* — N actions beyond the profile)" \
  grep -qE '^    s3:Get\* — [0-9]+ actions beyond the profile \(managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' "$TMP/aws_managed.txt"
"$BIN" drift --role-arn "$ROLE/AwsManaged" --expected-policy s3-readonly --verbose >"$TMP/aws_managed_v.txt" 2>&1
check "--verbose lists every action behind the wildcard" bash -c "
  grep -qE '^    s3:GetBucketPolicy +managed policy .* via s3:Get\*' '$TMP/aws_managed_v.txt' &&
  ! grep -q 'actions beyond the profile' '$TMP/aws_managed_v.txt'"

# --- NotAction ---------------------------------------------------------------------
drift notaction NotAction --expected-policy s3-readonly
check "NotAction iam:*,sts:*: additional = every catalog action but iam:*, sts:* and the profile" expect notaction notaction
check "NotAction: granted via \"NotAction iam:*,sts:*\"" \
  grep -q '"via": "NotAction iam:\*,sts:\*"' "$TMP/notaction.json"

# --- Deny statements ----------------------------------------------------------------
drift denies Denies --expected-policy s3-readwrite
check "Allow s3:* with Deny s3:Delete*, s3:Put*: additional and missing exact" expect denies denies
check "Deny: missing actions say which policy denies them" "$PY" - "$TMP/denies.json" <<'PY'
import json, sys
m = {e["action"]: e["reasons"] for e in json.load(open(sys.argv[1]))["missing"]}
sys.exit(0 if m == {"s3:DeleteObject": ["explicit Deny in inline policy s3-all"],
                    "s3:PutObject": ["explicit Deny in inline policy s3-all"]} else str(m))
PY

# --- permissions boundary -------------------------------------------------------------
drift bounded Bounded --expected-policy s3-readonly
check "boundary s3:* cuts ec2:DescribeInstances: no drift, exit 0" \
  bash -c "test $(rc bounded) -eq 0 && grep -q '\"arn\": \"arn:aws:iam::123456789012:policy/Boundary\"' '$TMP/bounded.json'"

# --- conditional grants ---------------------------------------------------------------
drift conditional Conditional --expected-policy s3-readonly
check "Resource- and Condition-limited grants: additional = {ec2:DescribeInstances}" expect conditional conditional
check "conditional: ec2 marked conditional, s3:GetObject limited to arn:aws:s3:::data/*" "$PY" - "$TMP/conditional.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
extra = r["additional"][0]
limited = [(e["action"], e["reasons"]) for e in r["limited"]]
ok = (extra["conditional"] and "a Condition" in extra["reasons"][0]
      and limited == [("s3:GetObject", ["allowed only with Resource arn:aws:s3:::data/* in inline policy scoped"])])
sys.exit(0 if ok else json.dumps([extra, limited]))
PY

# --- pagination ---------------------------------------------------------------------------
drift many Many --expected-policy s3-readonly
check "105 attached policies (two pages): all 105 actions additional, s3-readonly missing" expect many many
check "105 attached policies: every one listed" "$PY" - "$TMP/many.json" <<'PY'
import json, sys
sys.exit(0 if len(json.load(open(sys.argv[1]))["policies"]) == 105 else "wrong count")
PY

# --- errors -----------------------------------------------------------------------------------
drift missing_role NoSuchRole --expected-policy s3-readonly
check "missing role: exit 4, NoSuchEntity, names the role and --role-arn" bash -c "
  test $(rc missing_role) -eq 4 && grep -q 'iam:GetRole of $ROLE/NoSuchRole' '$TMP/missing_role.err' &&
  grep -q NoSuchEntity '$TMP/missing_role.err' && grep -q -- '--role-arn ($ROLE/NoSuchRole)' '$TMP/missing_role.err'"
AWS_ACCESS_KEY_ID=$NOBODY_KEY AWS_SECRET_ACCESS_KEY=$NOBODY_SECRET drift denied Inline --expected-policy s3-readonly
check "caller without IAM read permission: exit 4, AccessDenied, lists the permissions needed" bash -c "
  test $(rc denied) -eq 4 && grep -q AccessDenied '$TMP/denied.err' && grep -q 'may not call iam:GetRole' '$TMP/denied.err' &&
  grep -q 'iam:ListAttachedRolePolicies' '$TMP/denied.err' && grep -q 'iam:GetPolicyVersion' '$TMP/denied.err' &&
  grep -q '$NOBODY_KEY' '$TMP/denied.err'"
AWS_SECRET_ACCESS_KEY=wrong-secret drift badsig Inline --expected-policy s3-readonly
check "wrong secret: exit 4, SignatureDoesNotMatch, secret not echoed" bash -c "
  test $(rc badsig) -eq 4 && grep -q SignatureDoesNotMatch '$TMP/badsig.err' && ! grep -q wrong-secret '$TMP/badsig.err'"
"$BIN" drift --role-arn "$ROLE/Inline" >"$TMP/usage.out" 2>"$TMP/usage.err"
check "no expected set: exit 2 naming the three options" bash -c "
  test $? -eq 2 && grep -q -- --expected-policy '$TMP/usage.err' && grep -q -- --all-profiles '$TMP/usage.err'"
"$BIN" drift --expected-policy s3-readonly >"$TMP/norole.out" 2>"$TMP/norole.err"
check "no role: exit 2 naming --role-arn, AUDEX_ROLE_ARN and role_arn" bash -c "
  test $? -eq 2 && grep -q 'no role to compare' '$TMP/norole.err' && grep -q AUDEX_ROLE_ARN '$TMP/norole.err'"
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$BIN" drift --role-arn "$ROLE/Inline" \
  --expected-policy s3-readonly >"$TMP/nocreds.out" 2>"$TMP/nocreds.err"
check "no base credentials: exit 4 saying where it looked" bash -c "
  test $? -eq 4 && grep -q 'no AWS credentials found' '$TMP/nocreds.err'"
AUDEX_ROLE_ARN="$ROLE/Exact" "$BIN" drift --expected-policy s3-readonly >"$TMP/envrole.txt" 2>"$TMP/envrole.err"
check "role from AUDEX_ROLE_ARN; text says no drift, exit 0" bash -c "
  test $? -eq 0 && grep -q 'No drift: the role allows the 2 actions of profile s3-readonly' '$TMP/envrole.txt'"
"$BIN" drift --role-arn "$ROLE/Inline" --expected-policy s3-readonyl >"$TMP/unknown.out" 2>"$TMP/unknown.err"
check "unknown profile: exit 3 with did-you-mean" bash -c "test $? -eq 3 && grep -q s3-readonly '$TMP/unknown.err'"
"$BIN" drift --role-arn "$ROLE/Inline" --expected-policy gcs-readonly >"$TMP/gcp.out" 2>"$TMP/gcp.err"
check "a GCP profile: exit 3 saying drift compares AWS roles" bash -c "test $? -eq 3 && grep -q 'AWS IAM roles' '$TMP/gcp.err'"
"$BIN" drift --role-arn "$ROLE/Inline" --expected-allow "s3:GetObjekt" >"$TMP/typo.out" 2>"$TMP/typo.err"
check "unknown action in --expected-allow: exit 3 naming --expected-allow" bash -c "
  test $? -eq 3 && grep -q -- '--expected-allow' '$TMP/typo.err' && grep -q 's3:GetObject' '$TMP/typo.err'"

# --- no secret anywhere -------------------------------------------------------------------
for secret in "$DRIFTER_SECRET" "$NOBODY_SECRET"; do
  check "secret (${#secret} chars) in no output or error" \
    bash -c "! grep -rqF -- '$secret' '$TMP'/*.json '$TMP'/*.err '$TMP'/*.txt '$TMP'/*.out"
done
finish
