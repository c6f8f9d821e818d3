# Shared by the e2e scripts: `check DESCRIPTION COMMAND...` prints an
# `ok - ...` / `not ok - ...` line and counts; `finish` prints the
# `N passed, M failed` line and exits non-zero when anything failed.
passed=0
failed=0
check() {
  local description=$1
  shift
  if "$@"; then
    echo "ok - $description"
    passed=$((passed + 1))
  else
    echo "not ok - $description"
    failed=$((failed + 1))
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  ((failed == 0))
  exit
}

# --- moto --------------------------------------------------------------------
# start_moto [local-cloud options...]: starts moto in $CLOUD (log in
# $TMP/moto.log), loads $CLOUD/moto.env (MOTO_URL, ...), and points HOME,
# AUDEX_HOME and every AWS client at it in us-east-1. When moto does not
# start it prints the log and a failed check and ends the script.
start_moto() {
  if ! "$ROOT/scripts/local-cloud" moto start "$@" "$CLOUD" >"$TMP/moto.log" 2>&1; then
    cat "$TMP/moto.log"
    echo "not ok - moto starts"
    echo "0 passed, 1 failed"
    exit 1
  fi
  set -a
  . "$CLOUD/moto.env"
  set +a
  export HOME="$TMP/home" AUDEX_HOME="$TMP/audex" AWS_ENDPOINT_URL="$MOTO_URL"
  export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
  mkdir -p "$HOME"
}

# aws_setup ARGS...: the aws CLI with a throwaway key, for the calls moto
# answers before it starts checking signatures (local-cloud --auth N).
aws_setup() {
  AWS_ACCESS_KEY_ID=AKIASETUPSETUPSETUP0 AWS_SECRET_ACCESS_KEY=setup aws --output json "$@"
}

# setup_moto_user_and_role ROLE_NAME POLICY_NAME POLICY_JSON: five setup
# calls (for local-cloud --auth 5). Creates user audex-tester allowed
# everything, with an access key, and role ROLE_NAME that trusts it, with
# POLICY_JSON inline. Sets BASE_KEY, BASE_SECRET and ROLE, and makes the
# user's key the base credentials.
setup_moto_user_and_role() {
  local role_name=$1 policy_name=$2 policy=$3
  local all='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
  local trust='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/audex-tester"},"Action":"sts:AssumeRole"}]}'
  aws_setup iam create-user --user-name audex-tester >/dev/null
  read -r BASE_KEY BASE_SECRET < <(aws_setup iam create-access-key --user-name audex-tester |
    python3 -c 'import json,sys; k=json.load(sys.stdin)["AccessKey"]; print(k["AccessKeyId"], k["SecretAccessKey"])')
  aws_setup iam put-user-policy --user-name audex-tester --policy-name all --policy-document "$all"
  aws_setup iam create-role --role-name "$role_name" --assume-role-policy-document "$trust" >/dev/null
  aws_setup iam put-role-policy --role-name "$role_name" --policy-name "$policy_name" \
    --policy-document "$policy"
  ROLE=arn:aws:iam::123456789012:role/$role_name
  export AWS_ACCESS_KEY_ID=$BASE_KEY AWS_SECRET_ACCESS_KEY=$BASE_SECRET
}
