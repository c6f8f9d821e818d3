#!/usr/bin/env bash
# The sandbox (issue 15) keeps real clients working: against moto (SigV4
# checking on), with the sandbox on, as `run` starts them by default,
#   - the aws CLI, a boto3 script, Terraform (the hashicorp/aws provider
#     from the machine image's mirror: a Go child that starts a plugin) and a
#     node script each do their work with the session's credentials;
#   - and each, in the same run, finds the user's ~/.aws/credentials gone
#     (the sandbox was really on while they worked).
# gcloud and az children run in e2e.run_gcp and e2e.run_azure, sandbox on.
#
#   bash tests/e2e/sandbox_children_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup sandbox-children "$@"
need_tool aws "pip's awscli is on the machine image"
need_tool terraform "Terraform is on the machine image"
need_tool node "scripts/setup installs nodejs"
need_python_module boto3 "pip's boto3 is on the machine image"
TF_MIRROR=${AUDEX_TF_MIRROR:-/opt/tf-plugins}
[[ -d $TF_MIRROR/registry.terraform.io/hashicorp/aws ]] ||
  abort "the hashicorp/aws provider is in $TF_MIRROR (the machine image's mirror)"

start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN
setup_moto_user_and_role AudexRole all \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","sts:GetCallerIdentity"],"Resource":"*"}]}'
export AUDEX_ROLE_ARN=$ROLE
# The user's own credential file, which no child may read.
mkdir -p "$HOME/.aws"
printf '[default]\naws_access_key_id = AKIAFAKEFILEKEY00001\naws_secret_access_key = user-file-secret\n' \
  >"$HOME/.aws/credentials"
CREDS="$HOME/.aws/credentials"
WORK="$TMP/work"
mkdir -p "$WORK"
cd "$WORK" || abort "cd $WORK"

"$BIN" health >"$TMP/health" 2>&1
check "health: the sandbox is on here" grep -aq '^sandbox .*ok   on' "$TMP/health"

# --- the aws CLI -------------------------------------------------------------------
"$BIN" run --allow 's3:CreateBucket,s3:ListAllMyBuckets' -- sh -c \
  "aws s3 mb s3://audex-sandbox-cli && aws s3api list-buckets --query 'Buckets[].Name' --output text &&
   if cat '$CREDS' 2>/dev/null | grep -q secret; then echo FILE-READ; else echo file-hidden; fi" \
  >"$TMP/cli.out" 2>"$TMP/cli.err"
check "aws CLI: makes and lists a bucket in the sandbox" grep -aq 'audex-sandbox-cli' "$TMP/cli.out"
check "aws CLI: the user's credential file is hidden from it" grep -aqx file-hidden "$TMP/cli.out"

# --- boto3 -------------------------------------------------------------------------
cat >"$TMP/boto3_child.py" <<PY
import boto3
s3 = boto3.client("s3")
s3.create_bucket(Bucket="audex-sandbox-boto3")
s3.put_object(Bucket="audex-sandbox-boto3", Key="k", Body=b"from boto3")
print(s3.get_object(Bucket="audex-sandbox-boto3", Key="k")["Body"].read().decode())
try:
    print("FILE-READ" if "secret" in open("$CREDS").read() else "file-hidden")
except OSError:
    print("file-hidden")
PY
"$BIN" run --allow 's3:CreateBucket,s3:PutObject,s3:GetObject' -- "$PY" "$TMP/boto3_child.py" \
  >"$TMP/boto3.out" 2>"$TMP/boto3.err"
check "boto3: writes and reads an object in the sandbox" grep -aqx 'from boto3' "$TMP/boto3.out"
check "boto3: the user's credential file is hidden from it" grep -aqx file-hidden "$TMP/boto3.out"

# --- node --------------------------------------------------------------------------
# No AWS SDK for JavaScript on the machine: node proves its runtime works in
# the sandbox (fs, child_process, HTTP to moto) and sees its session.
cat >"$TMP/node_child.js" <<JS
const fs = require("fs"), http = require("http"), { execFileSync } = require("child_process");
const id = process.env.AWS_ACCESS_KEY_ID || "";
console.log(id.startsWith("ASIA") ? "session-key" : "NO-SESSION-KEY " + id);
fs.writeFileSync("$WORK/node.txt", "written by node");
console.log(execFileSync("cat", ["$WORK/node.txt"]).toString());
let file = "file-hidden";
try { if (fs.readFileSync("$CREDS", "utf8").includes("secret")) file = "FILE-READ"; } catch (e) {}
console.log(file);
http.get("$MOTO_URL/moto-api/", (res) => { console.log("moto " + res.statusCode); res.resume(); });
JS
"$BIN" run --allow s3:ListAllMyBuckets -- node "$TMP/node_child.js" >"$TMP/node.out" 2>"$TMP/node.err"
check "node: runs with the session's key" grep -aqx session-key "$TMP/node.out"
check "node: writes a file, starts a child process, reaches moto over HTTP" \
  bash -c "grep -aqx 'written by node' '$TMP/node.out' && grep -aqx 'moto 200' '$TMP/node.out'"
check "node: the user's credential file is hidden from it" grep -aqx file-hidden "$TMP/node.out"

# --- Terraform ---------------------------------------------------------------------
cat >"$TMP/terraformrc" <<HCL
provider_installation {
  filesystem_mirror {
    path    = "$TF_MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
HCL
export TF_CLI_CONFIG_FILE="$TMP/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
mkdir -p "$WORK/tf"
cat >"$WORK/tf/main.tf" <<HCL
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {
    s3  = "$MOTO_URL"
    sts = "$MOTO_URL"
  }
}
resource "aws_s3_bucket" "made" {
  bucket = "audex-sandbox-terraform"
}
output "user_file" {
  value = fileexists("$CREDS") ? (strcontains(file("$CREDS"), "secret") ? "FILE-READ" : "file-hidden") : "file-hidden"
}
HCL
(cd "$WORK/tf" && terraform init -input=false -no-color) >"$TMP/tf-init.log" 2>&1 ||
  { cat "$TMP/tf-init.log"; abort "terraform init finds the aws provider in $TF_MIRROR"; }
(cd "$WORK/tf" && "$BIN" run --allow 's3:*' -- terraform apply -input=false -auto-approve -no-color) \
  >"$TMP/tf.out" 2>"$TMP/tf.err"
check "terraform: apply creates the bucket in the sandbox" \
  grep -aq 'Apply complete! Resources: 1 added' "$TMP/tf.out"
check "terraform: the bucket is in moto" \
  bash -c "aws --output json s3api list-buckets | grep -q audex-sandbox-terraform"
check "terraform: the user's credential file is hidden from it" \
  grep -aq 'user_file = "file-hidden"' "$TMP/tf.out"

for name in cli boto3 node tf; do
  if [[ -s $TMP/$name.err ]] && grep -aqi 'without the sandbox' "$TMP/$name.err"; then
    echo "# $name ran without the sandbox:"
    cat "$TMP/$name.err"
  fi
done
finish
