#!/usr/bin/env bash
# The attacker's view of Audex (issue 15), against moto with SigV4 checking
# on: from inside a command Audex runs — plain `run`, `run --serve`, and an
# MCP `audex_run` allowed only `aws` — every route to credentials the
# command was not given:
#   /proc/<parent>/environ, /proc/<parent>/mem, /proc/<parent>/cmdline and
#   the rest of tryaudex's /proc entries; the credential files of all three
#   clouds (fake ones with marker secrets in HOME); Audex's audit key,
#   credential cache key, audit log and session files; descriptors inherited
#   from tryaudex; over MCP, aws's `--bucket file://...` trick.
# With the sandbox on each yields nothing. With --no-sandbox the test sees
# exactly the README's stated limits ("Threat model"): the files are
# readable, /proc/<parent>/environ holds no secret, and tryaudex's memory is
# closed to a process of the same (non-root) user. When the test runs as
# root it plays both: root, and an unprivileged user (nobody).
# Also: SIGKILL tryaudex while its command sleeps -> the command is gone
# within a second and `sessions list --all` shows the session abandoned.
#
#   bash tests/e2e/attack_test.sh path/to/tryaudex
set -uo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup attack "$@"
need_tool setpriv "util-linux, on every Debian machine"
need_tool unshare "util-linux, on every Debian machine"
# A tryaudex the test started and has not reaped yet (the SIGKILL part).
AUDEX_PID=
kill_audex() { [ -n "$AUDEX_PID" ] && kill -9 "$AUDEX_PID"; }
at_exit kill_audex

start_moto --auth 5
unset AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN CLOUDSDK_CONFIG
unset AZURE_CONFIG_DIR XDG_CONFIG_HOME XDG_STATE_HOME
setup_moto_user_and_role AudexRole all \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
export AUDEX_ROLE_ARN=$ROLE
chmod 755 "$TMP"

# --- the attacker's tools ------------------------------------------------------
# memscan.py PID MARKERS_FILE: reads every readable mapping of PID through
# /proc/PID/mem and names the markers (NAME=VALUE lines) it finds.
cat >"$TMP/memscan.py" <<'PY'
import re, sys
pid, markers = sys.argv[1], [l.split("=", 1) for l in open(sys.argv[2]).read().split("\n") if "=" in l]
try:
    maps = open(f"/proc/{pid}/maps").read().splitlines()
    mem = open(f"/proc/{pid}/mem", "rb", 0)
except OSError as error:
    print(f"mem: closed ({error.strerror})")
    sys.exit(0)
found, readable = set(), 0
for line in maps:
    m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
    if not m or "r" not in m.group(3):
        continue
    lo, hi = int(m.group(1), 16), int(m.group(2), 16)
    if hi - lo > 512 << 20:
        continue
    try:
        mem.seek(lo)
        data = mem.read(hi - lo)
    except OSError:
        continue
    readable += len(data)
    for name, value in markers:
        if value.encode() in data:
            found.add(name)
print(f"mem: read {readable} bytes")
for name in sorted(found):
    print(f"FOUND-IN-MEM {name}")
PY
# probe.sh MARKERS_FILE: everything a hostile command tries, printed.
cat >"$TMP/probe.sh" <<'SH'
markers=$1
p=$PPID
echo "ppid=$p"
echo "--- /proc/$p/environ"; (tr '\0' '\n' <"/proc/$p/environ") 2>&1
echo "--- /proc/$p/cmdline"; (tr '\0' ' ' <"/proc/$p/cmdline") 2>&1; echo
echo "--- /proc/$p/mem"; python3 "$(dirname "$0")/memscan.py" "$p" "$markers" 2>&1
echo "--- processes"
for d in /proc/[0-9]*; do
  cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)
  case $cmd in *tryaudex*) echo "VISIBLE-TRYAUDEX ${d#/proc/} $cmd" ;; esac
done
echo "--- descriptors"
for fd in /proc/self/fd/*; do
  target=$(readlink "$fd" 2>/dev/null) || continue
  case $target in *"$AUDEX_HOME"*|*/.aws*|*/.azure*|*/gcloud*) echo "FD-LEAK $fd -> $target" ;; esac
done
echo "--- files"
for f in "$HOME/.aws/credentials" "$HOME/.aws/config" "$HOME"/.aws/sso/cache/* \
         "$HOME"/.aws/cli/cache/* "$HOME"/.config/gcloud/* "$HOME"/.azure/*; do
  echo "## $f"; cat "$f" 2>&1
done
echo "## listing"; ls -A "$HOME/.aws" "$HOME/.config/gcloud" "$HOME/.azure" "$AUDEX_HOME" 2>&1
echo "--- audex"
for k in audit.key cache.key; do echo "## $k"; base64 -w0 "$AUDEX_HOME/$k" 2>&1; echo; done
echo "## log"; tail -n 2 "$AUDEX_HOME/audit.jsonl" 2>&1
echo "## sessions"; cat "$AUDEX_HOME"/sessions/*.json 2>&1 | head -c 400; echo
SH

# fake_stores DIR: the three clouds' credential stores in DIR (a HOME), each
# file holding a marker secret.
fake_stores() {
  local home=$1
  mkdir -p "$home/.aws/sso/cache" "$home/.aws/cli/cache" "$home/.config/gcloud" "$home/.azure"
  printf '[default]\naws_access_key_id = AKIAFAKEFILEKEY00001\naws_secret_access_key = MARKER-AWS-CREDENTIALS-FILE\n' \
    >"$home/.aws/credentials"
  printf '[default]\nregion = us-east-1\n# MARKER-AWS-CONFIG-FILE\n' >"$home/.aws/config"
  echo '{"accessToken": "MARKER-AWS-SSO-CACHE"}' >"$home/.aws/sso/cache/abc.json"
  echo '{"Credentials": {"SecretAccessKey": "MARKER-AWS-CLI-CACHE"}}' >"$home/.aws/cli/cache/def.json"
  echo '{"type": "authorized_user", "refresh_token": "MARKER-GCLOUD-ADC"}' \
    >"$home/.config/gcloud/application_default_credentials.json"
  echo 'MARKER-GCLOUD-CREDENTIALS-DB' >"$home/.config/gcloud/credentials.db"
  echo 'MARKER-GCLOUD-ACCESS-TOKENS-DB' >"$home/.config/gcloud/access_tokens.db"
  echo '{"AccessToken": {"x": {"secret": "MARKER-AZURE-TOKEN-CACHE"}}}' >"$home/.azure/msal_token_cache.json"
  echo '{"subscriptions": [], "note": "MARKER-AZURE-PROFILE"}' >"$home/.azure/azureProfile.json"
}
FILE_MARKERS=(MARKER-AWS-CREDENTIALS-FILE MARKER-AWS-CONFIG-FILE MARKER-AWS-SSO-CACHE
  MARKER-AWS-CLI-CACHE MARKER-GCLOUD-ADC MARKER-GCLOUD-CREDENTIALS-DB
  MARKER-GCLOUD-ACCESS-TOKENS-DB MARKER-AZURE-TOKEN-CACHE MARKER-AZURE-PROFILE)

# write_markers FILE AUDEX_HOME: the values to look for, NAME=VALUE.
write_markers() {
  {
    echo "base_secret=$BASE_SECRET"
    for m in "${FILE_MARKERS[@]}"; do echo "$m=$m"; done
    [ -f "$2/audit.key" ] && echo "audit_key=$(base64 -w0 "$2/audit.key")"
    [ -f "$2/cache.key" ] && echo "cache_key=$(base64 -w0 "$2/cache.key")"
  } >"$1"
}

# found OUTPUT MARKERS_FILE: the names of the markers OUTPUT holds (its raw
# text, or named by memscan), one a line.
found() {
  "$PY" - "$1" "$2" <<'PY'
import sys
text = open(sys.argv[1], errors="replace").read()
for line in open(sys.argv[2]).read().split("\n"):
    if "=" not in line:
        continue
    name, value = line.split("=", 1)
    if value in text or f"FOUND-IN-MEM {name}" in text:
        print(name)
PY
}

# --- one user's view -----------------------------------------------------------
# attack_as LABEL [PREFIX...]: runs the probes as the user PREFIX makes
# (e.g. setpriv ... --), in a HOME and AUDEX_HOME of that user's own.
attack_as() {
  local label=$1
  shift
  local as=("$@")
  local dir="$TMP/$label"
  mkdir -p "$dir/home" "$dir/audex"
  fake_stores "$dir/home"
  cp "$TMP/probe.sh" "$TMP/memscan.py" "$dir/"
  if [ ${#as[@]} -gt 0 ]; then chown -R 65534:65534 "$dir"; fi
  chmod 700 "$dir/audex"
  local run=(env HOME="$dir/home" AUDEX_HOME="$dir/audex" "${as[@]}" "$BIN")
  # A first run with --cache makes the audit key and the cache key.
  "${run[@]}" run --cache --allow s3:ListAllMyBuckets -- true >/dev/null 2>"$dir/first.err"
  check "$label: a first run makes the audit and cache keys" \
    test -s "$dir/audex/audit.key" -a -s "$dir/audex/cache.key"
  write_markers "$dir/markers" "$dir/audex"
  chmod 644 "$dir/markers"

  local mode out names
  for mode in sandbox serve no-sandbox; do
    out="$dir/$mode.out"
    case $mode in
      sandbox) "${run[@]}" run --allow s3:ListAllMyBuckets -- sh "$dir/probe.sh" "$dir/markers" ;;
      serve) "${run[@]}" run --serve --allow s3:ListAllMyBuckets -- sh "$dir/probe.sh" "$dir/markers" ;;
      no-sandbox) "${run[@]}" run --no-sandbox --allow s3:ListAllMyBuckets -- \
        sh "$dir/probe.sh" "$dir/markers" ;;
    esac >"$out" 2>"$dir/$mode.err"
    check "$label $mode: the probe ran (exit 0)" test $? -eq 0
    names=$(found "$out" "$dir/markers" | tr '\n' ' ')
    check "$label $mode: no descriptor of tryaudex's reaches Audex's or the clouds' files" \
      bash -c "! grep -aq '^FD-LEAK' '$out'"
    check "$label $mode: /proc/<parent>/environ holds no secret (erased from tryaudex's environment)" \
      bash -c "! sed -n '/^--- \\/proc\\/.*environ/,/^--- \\/proc\\/.*cmdline/p' '$out' | grep -aqF -- '$BASE_SECRET'"
    if [ "$mode" != no-sandbox ]; then
      check "$label $mode: nothing the command was not given is found [${names% }]" test -z "$names"
      check "$label $mode: no tryaudex process is visible in /proc" \
        bash -c "! grep -aq '^VISIBLE-TRYAUDEX' '$out'"
      check "$label $mode: the parent is the sandbox's init, not tryaudex (no --allow in its cmdline)" \
        bash -c "sed -n '/cmdline$/{n;p}' '$out' | grep -v -- '--allow' | grep -aq '^audex-sandbox '"
      check "$label $mode: the parent's memory holds nothing of tryaudex's" \
        bash -c "grep -aq '^mem: ' '$out' && ! grep -aq '^FOUND-IN-MEM' '$out'"
      check "$label $mode: the credential stores are empty directories" \
        bash -c "sed -n '/^## listing/,/^--- audex/p' '$out' | grep -aq '^$dir/home/.aws:$' &&
                 ! sed -n '/^## listing/,/^--- audex/p' '$out' | grep -aq credentials"
      continue
    fi
    # --no-sandbox: the README's limits, no more.
    local m missing=""
    for m in "${FILE_MARKERS[@]}"; do
      case " $names " in *" $m "*) ;; *) missing+=" $m" ;; esac
    done
    check "$label no-sandbox: the credential files are readable (stated limit)${missing:+: missing$missing}" \
      test -z "$missing"
    check "$label no-sandbox: Audex's keys are readable (stated limit)" \
      bash -c "case ' $names ' in *' audit_key '*) ;; *) exit 1;; esac; case ' $names ' in *' cache_key '*) ;; *) exit 1;; esac"
    check "$label no-sandbox: tryaudex's cmdline is readable (stated limit)" \
      bash -c "sed -n '/cmdline$/{n;p}' '$out' | grep -aq 'tryaudex run --no-sandbox'"
    if [ ${#as[@]} -gt 0 ] || [ "$(id -u)" -ne 0 ]; then
      check "$label no-sandbox: tryaudex's environ and memory are closed to the same user" \
        bash -c "grep -aq '/environ: Permission denied' '$out' && grep -aq '^mem: closed' '$out' &&
                 ! grep -aq '^FOUND-IN-MEM base_secret' '$out'"
    else
      check "$label no-sandbox: root (CAP_SYS_PTRACE) reads tryaudex's memory (stated limit)" \
        grep -aq '^FOUND-IN-MEM base_secret' "$out"
    fi
  done
}

attack_as "$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  attack_as nobody setpriv --reuid=65534 --regid=65534 --clear-groups --
fi

# --- MCP: an agent allowed only `aws` ------------------------------------------
MCP="$TMP/mcp"
mkdir -p "$MCP/home" "$MCP/audex"
chmod 700 "$MCP/audex"
fake_stores "$MCP/home"
# mcp_call SANDBOX BUCKET...: one `tryaudex mcp` session that runs
# `aws s3api get-object --bucket BUCKET` for each BUCKET (PPID in a bucket
# is the PPid the first call's /proc/self/status shows) and prints each
# tool result's text, separated by "=== result" lines.
mcp_call() {
  local sandbox=$1
  shift
  printf 'role_arn = "%s"\nregion = "us-east-1"\nmcp_allowed_commands = ["aws"]\nsandbox = %s\n' \
    "$ROLE" "$sandbox" >"$MCP/audex/config.toml"
  HOME="$MCP/home" AUDEX_HOME="$MCP/audex" "$PY" - "$BIN" "$@" <<'PY'
import json, re, subprocess, sys
server = subprocess.Popen([sys.argv[1], "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
def send(message):
    server.stdin.write(json.dumps(message) + "\n")
    server.stdin.flush()
def reply(want):
    while True:
        line = server.stdout.readline()
        if not line:
            return {}
        message = json.loads(line)
        if message.get("id") == want:
            return message
send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "attacker", "version": "0"}}})
reply(0)
send({"jsonrpc": "2.0", "method": "notifications/initialized"})
ppid = ""
for n, bucket in enumerate(sys.argv[2:], start=1):
    send({"jsonrpc": "2.0", "id": n, "method": "tools/call", "params": {"name": "audex_run", "arguments": {
        "command": ["aws", "s3api", "get-object", "--bucket", bucket.replace("PPID", ppid), "--key", "k", "/dev/null"],
        "allow": "s3:GetObject", "ttl": "15m"}}})
    result = reply(n).get("result", {})
    text = "".join(item.get("text", "") for item in result.get("content", []))
    if not ppid:
        m = re.search(r"PPid:\s*(\d+)", text)
        ppid = m.group(1) if m else "0"
    print("=== result", bucket.replace("PPID", ppid))
    print(text)
server.stdin.close()
server.wait(timeout=30)
PY
}
for sandbox in true false; do
  mcp_call "$sandbox" file:///proc/self/status file:///proc/PPID/environ file:///proc/PPID/cmdline \
    "file://$MCP/home/.aws/credentials" "file://$MCP/home/.config/gcloud/credentials.db" \
    "file://$MCP/home/.azure/msal_token_cache.json" "file://$MCP/audex/audit.jsonl" \
    "file://$MCP/audex/audit.head" >"$MCP/mcp-$sandbox.out" 2>&1
done
write_markers "$MCP/markers" "$MCP/audex"  # the audit key exists now
for sandbox in true false; do
  out="$MCP/mcp-$sandbox.out"
  check "mcp (sandbox = $sandbox): the aws child read /proc/self/status through --bucket" \
    grep -aq 'PPid:' "$out"
  check "mcp (sandbox = $sandbox): /proc/<ppid>/environ gives no base key" \
    bash -c "! grep -aqF -- '$BASE_SECRET' '$out'"
  names=$(found "$out" "$MCP/markers" | tr '\n' ' ')
  if [ "$sandbox" = true ]; then
    check "mcp (sandbox): the parent is the sandbox's init (PPid 1)" \
      grep -aq '^=== result file:///proc/1/environ' "$out"
    check "mcp (sandbox): the parent's environment is not tryaudex's (no base key id)" \
      bash -c "! grep -aqF -- '$BASE_KEY' '$out'"
    check "mcp (sandbox): no credential file, key or base secret comes back [${names% }]" \
      test -z "$names"
    check "mcp (sandbox): Audex's audit log and its head are not there to read" \
      bash -c "! grep -aq '\"seq\":' '$out'"
  else
    check "mcp (no sandbox): the user's files come back (stated limit)" \
      bash -c "case ' $names ' in *MARKER-AWS-CREDENTIALS-FILE*MARKER-AZURE-TOKEN-CACHE*) true;; *) false;; esac"
    check "mcp (no sandbox): Audex's audit log comes back (stated limit)" \
      grep -aq '"seq":' "$out"
  fi
done

# --- SIGKILL: the command goes with tryaudex ---------------------------------
KILL="$TMP/kill"
mkdir -p "$KILL/home" "$KILL/audex"
marker="audex-attack-orphan-$$"
# running MARKER: how many processes but tryaudex itself have MARKER in
# their command line.
running() {
  "$PY" - "$1" "${AUDEX_PID:-0}" <<'PY'
import os, sys
marker, skip = sys.argv[1].encode(), {str(os.getpid()), sys.argv[2]}
count = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        if pid not in skip and marker in open(f"/proc/{pid}/cmdline", "rb").read():
            count += 1
    except OSError:
        pass
print(count)
PY
}
for mode in sandbox no-sandbox; do
  flags=()
  [ "$mode" = no-sandbox ] && flags=(--no-sandbox)
  HOME="$KILL/home" AUDEX_HOME="$KILL/audex" "$BIN" run "${flags[@]}" --allow s3:ListAllMyBuckets \
    -- "$PY" -c 'import time; time.sleep(30)' "$marker-$mode" >/dev/null 2>&1 &
  AUDEX_PID=$!
  for _ in $(seq 100); do [ "$(running "$marker-$mode")" -gt 0 ] && break; sleep 0.1; done
  check "kill ($mode): the command is running" test "$(running "$marker-$mode")" -gt 0
  kill -9 "$AUDEX_PID"
  wait "$AUDEX_PID" 2>/dev/null
  for _ in $(seq 10); do [ "$(running "$marker-$mode")" -eq 0 ] && break; sleep 0.1; done
  check "kill ($mode): the command is gone within a second of tryaudex's SIGKILL" \
    test "$(running "$marker-$mode")" -eq 0
  AUDEX_PID=
  HOME="$KILL/home" AUDEX_HOME="$KILL/audex" "$BIN" sessions list --all --json >"$KILL/sessions.json" 2>&1
  check "kill ($mode): sessions list --all shows the session abandoned" "$PY" -c '
import json, sys
sessions = json.load(open(sys.argv[1]))
mine = [s for s in sessions if sys.argv[2] in " ".join(s["command"])]
sys.exit(0 if mine and all(s["state"] == "abandoned" for s in mine) else 1)' "$KILL/sessions.json" "$marker-$mode"
  HOME="$KILL/home" AUDEX_HOME="$KILL/audex" "$BIN" sessions list >"$KILL/active.txt" 2>&1
  check "kill ($mode): sessions list (active only) no longer shows it" \
    bash -c "! grep -aq -- '$marker-$mode' '$KILL/active.txt'"
done

# --- a kernel that refuses namespaces --------------------------------------
# A user namespace of the test's own with user.max_user_namespaces = 0 binds
# every namespace below it: the command still runs, and stderr says why once.
REFUSE="$TMP/refuse"
mkdir -p "$REFUSE/home" "$REFUSE/audex"
HOME="$REFUSE/home" AUDEX_HOME="$REFUSE/audex" unshare -Ur sh -c \
  'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" run --allow s3:ListAllMyBuckets -- sh -c "cat \$HOME/.aws/credentials 2>/dev/null; echo ran"' \
  "$BIN" >"$REFUSE/out" 2>"$REFUSE/err"
check "refused: the command runs without the sandbox" grep -aqx ran "$REFUSE/out"
check "refused: stderr says so once, with the reason" \
  bash -c "[ \$(grep -c 'runs without the sandbox: the kernel allows no more user namespaces' '$REFUSE/err') -eq 1 ]"
HOME="$REFUSE/home" AUDEX_HOME="$REFUSE/audex" unshare -Ur sh -c \
  'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" health' "$BIN" >"$REFUSE/health" 2>&1
check "refused: health reports the sandbox unavailable, with the reason" \
  grep -aq '^sandbox .*FAIL unavailable: the kernel allows no more user namespaces' "$REFUSE/health"
HOME="$KILL/home" AUDEX_HOME="$KILL/audex" "$BIN" health >"$KILL/health" 2>&1
check "health: the sandbox is on and names what it hides" \
  bash -c "grep -aq '^sandbox .*ok   on .*$KILL/home/.aws.*tryaudex.s /proc entries' '$KILL/health'"

finish
