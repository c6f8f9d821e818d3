#!/usr/bin/env bash
# Every shell example in the README (and in the docs/ pages the reference
# moved to) works as written, against moto as the AWS account:
#
#   - a ```sh block with no marker runs as written, whole, with bash -e (the
#     AWS quick start creates its role in moto, writes config.toml and runs
#     the aws CLI under Audex; later blocks rely on it, as a reader would);
#   - `<!-- example: skip (REASON) -->` before a block (it needs a real
#     account, or builds and installs): each `tryaudex run` line in it runs
#     with --dry-run added (`intent --run`: --dry-run after --run), every
#     other tryaudex line must name a real command (`COMMAND --help` works);
#   - `<!-- example: usage ... -->`: each line must name a real command, the
#     lines that already say --dry-run run as written, and every command and
#     sub-command `tryaudex --help` lists must appear in the block;
#   - `<!-- example: file PATH -->` before a block writes it to PATH (~ is
#     HOME), so later examples can name what it defines.
# Also: the README's exit-code table lists exactly the codes `tryaudex
# --help` prints (core/base/exit_codes.h ExitCodeMeanings).
#
#   bash tests/docs/readme_examples_test.sh path/to/tryaudex
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
e2e_setup readme-examples "$@"
need_tool aws "pip's awscli is on the machine image"
# The quick start attaches the AWS-managed ReadOnlyAccess policy, which
# every real account has; moto loads those policies only when asked.
export MOTO_IAM_LOAD_MANAGED_POLICIES=true
start_moto

# A reader's machine: tryaudex on PATH (a symlink, so it still finds its
# modules beside the real binary), configuration in ~/.config/audex, no
# Claude key (intent answers offline), base credentials as the AWS CLI finds
# them. moto's account is 123456789012, as in the examples.
unset AUDEX_HOME AUDEX_ROLE_ARN AWS_PROFILE AWS_SESSION_TOKEN ANTHROPIC_API_KEY
unset XDG_CONFIG_HOME XDG_STATE_HOME AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_ACCESS_KEY_ID=AKIAREADMEREADME0000 AWS_SECRET_ACCESS_KEY=readme-base-secret
mkdir -p "$TMP/bin" "$TMP/work"
ln -s "$BIN" "$TMP/bin/tryaudex"
export PATH="$TMP/bin:$PATH"
aws_setup s3 mb s3://my-bucket >/dev/null
echo "id,total" | aws_setup s3 cp - s3://my-bucket/report.csv >/dev/null

# --- the blocks ---------------------------------------------------------------
# extract.py writes one directory per block: mode, where (FILE:LINE), body
# (de-indented by the fence's own indentation, as Markdown reads it).
mkdir -p "$TMP/blocks"
"$PY" - "$ROOT" "$TMP/blocks" <<'PY'
import os, re, sys
root, out = sys.argv[1], sys.argv[2]
pages = ["README.md", "docs/configuration.md", "docs/reference.md",
         "docs/intent-and-drift.md", "docs/learn-and-broker.md", "docs/mcp.md"]
n = 0
for page in pages:
    lines = open(os.path.join(root, page)).read().split("\n")
    marker, i = None, 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^\s*<!-- example: (\w+)(.*?)-->\s*$", line)
        if m:
            marker = (m.group(1), m.group(2).strip())
            i += 1
            continue
        fence = re.match(r"^(\s*)```(\w*)\s*$", line)
        if not fence:
            if line.strip():
                marker = None  # a marker belongs to the block right after it
            i += 1
            continue
        indent, lang, start = len(fence.group(1)), fence.group(2), i + 1
        j = start
        while not re.match(r"^\s*```\s*$", lines[j]):
            j += 1
        body = [l[indent:] if l[:indent].strip() == "" else l for l in lines[start:j]]
        mode, arg = marker or ("run", "")
        if lang == "sh" or mode == "file":
            n += 1
            d = os.path.join(out, "%03d" % n)
            os.makedirs(d)
            open(os.path.join(d, "mode"), "w").write(mode)
            open(os.path.join(d, "arg"), "w").write(arg)
            open(os.path.join(d, "where"), "w").write("%s:%d" % (page, i + 1))
            open(os.path.join(d, "body"), "w").write("\n".join(body) + "\n")
        marker, i = None, j + 1
PY
check "examples were found in the README" test -d "$TMP/blocks/001"

# tryaudex's commands, and the sub-commands of those that have them, as its
# own help lists them.
subcommands() { "$BIN" "$@" --help 2>"$TMP/subcommands.err" | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'; }
mapfile -t commands < <(subcommands)
check "tryaudex --help lists its commands" test "${#commands[@]}" -gt 5

# names_real_command LINE: `tryaudex WORD [SUB]` names a command (and
# sub-command) tryaudex has, or is `tryaudex --version` / `--licenses` /
# `COMMAND --help`.
# one_of WORD LIST...: WORD is one of LIST. (Not `printf | grep -q`: under
# pipefail, grep -q leaving at the first match makes printf die of SIGPIPE
# now and then, and the pipeline fail although the word was there.)
one_of() {
  local word=$1 item
  shift
  for item in "$@"; do [[ $item == "$word" ]] && return 0; done
  return 1
}
help_works() {
  "$BIN" "$@" --help >/dev/null 2>"$TMP/help.err"
  local rc=$?
  ((rc == 0)) && return 0
  echo "    tryaudex $* --help exited $rc:"
  sed 's/^/      /' "$TMP/help.err" | tail -5
  return 1
}
names_real_command() {
  local -a words
  read -r -a words <<<"$1"
  local first=${words[1]:-} second=${words[2]:-}
  case "$first" in
    --version | --licenses) "$BIN" "$first" >/dev/null 2>&1; return ;;
    COMMAND) return 0 ;;
  esac
  one_of "$first" "${commands[@]}" || return 1
  local -a subs
  mapfile -t subs < <(subcommands "$first")
  if ((${#subs[@]} > 0)); then
    if ! one_of "$second" "${subs[@]}"; then
      echo "    tryaudex $first --help lists no sub-command \"$second\" (it lists: ${subs[*]})"
      sed 's/^/      /' "$TMP/subcommands.err" | tail -5
      return 1
    fi
    help_works "$first" "$second"
  else
    [[ $first == server ]] && return 0  # tryaudex-server answers --help itself
    help_works "$first"
  fi
}

# logical_lines FILE: the tryaudex command lines of a block, continuation
# lines joined, comments after the command dropped.
logical_lines() {
  "$PY" - "$1" <<'PY'
import re, shlex, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
for line in text.split("\n"):
    line = line.strip()
    if not line.startswith("tryaudex"):
        continue
    # A comment starts at an unquoted " #".
    lexer = shlex.shlex(line, posix=True, punctuation_chars=False)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        print(" ".join(shlex.quote(w) for w in lexer))
    except ValueError:
        print(line)
PY
}

# with_dry_run LINE: LINE with --dry-run where it makes a run a plan.
with_dry_run() {
  "$PY" - "$1" <<'PY'
import shlex, sys
words = shlex.split(sys.argv[1])
if "--dry-run" not in words:
    if words[1] == "run":
        words.insert(2, "--dry-run")
    elif words[1] == "intent" and "--run" in words:
        words.insert(words.index("--run") + 1, "--dry-run")
print(" ".join(shlex.quote(w) for w in words))
PY
}

usage_block=""
for block in "$TMP"/blocks/*/; do
  mode=$(cat "$block/mode")
  where=$(cat "$block/where")
  case "$mode" in
    file)
      target=$(cat "$block/arg")
      target=${target/#\~/$HOME}
      mkdir -p "$(dirname "$target")"
      cp "$block/body" "$target"
      ;;
    run)
      (cd "$TMP/work" && bash -euo pipefail "$block/body") >"$block/out" 2>"$block/err"
      rc=$?
      check "$where runs as written (exit $rc)" test "$rc" -eq 0
      ((rc == 0)) || sed 's/^/    /' "$block/err" | tail -15
      ;;
    skip | usage)
      [[ $mode == usage ]] && usage_block=$block
      while IFS= read -r line; do
        if ! names_real_command "$line"; then
          check "$where: '$line' names a real command" false
          continue
        fi
        read -r -a words <<<"$line"
        planned=""
        if [[ $mode == skip ]]; then
          [[ ${words[1]} == run || (${words[1]} == intent && $line == *--run*) ]] &&
            planned=$(with_dry_run "$line")
        elif [[ $line == *--dry-run* && $line != *\[* ]]; then
          planned=$line
        fi
        if [[ -n $planned ]]; then
          (cd "$TMP/work" && eval "$planned") >"$block/out" 2>"$block/err"
          rc=$?
          check "$where: '$planned' plans (exit $rc)" test "$rc" -eq 0
          ((rc == 0)) || sed 's/^/    /' "$block/err" | tail -5
        else
          check "$where: '$line' names a real command" true
        fi
      done < <(logical_lines "$block/body")
      ;;
    *) check "$where: known example marker '$mode'" false ;;
  esac
done

check "the README has a Usage block marked as such" test -n "$usage_block"
if [[ -n $usage_block ]]; then
  for command in "${commands[@]}"; do
    check "Usage shows tryaudex $command" grep -qE "^tryaudex $command( |$)" "$usage_block/body"
    while IFS= read -r sub; do
      [[ -n $sub ]] || continue
      check "Usage shows tryaudex $command $sub" \
        grep -qE "^tryaudex $command $sub( |$)" "$usage_block/body"
    done < <(subcommands "$command")
  done
fi

# --- the exit-code table --------------------------------------------------------
readme_codes=$(sed -n '/^## Exit codes/,/^## /p' "$ROOT/README.md" |
  grep -oE '^\| [0-9][^|]* \|' | sed 's/^| //; s/ |$//' | sort)
binary_codes=$("$BIN" --help | tr '\n' ' ' | sed -n 's/.*Exit codes: \(.*\)\..*/\1/p' |
  tr ',' '\n' | awk 'NF { print $1 }' | sort)
check "the README's exit-code table lists the codes tryaudex --help prints" \
  test "$readme_codes" = "$binary_codes"
[[ $readme_codes == "$binary_codes" ]] ||
  diff <(echo "$readme_codes") <(echo "$binary_codes") | sed 's/^/    /'

finish
