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
