#!/usr/bin/env bash
# Shell completion (tryaudex completion bash|zsh|fish, cli/completion.h):
# bash's completion function driven with COMP_WORDS/COMP_CWORD as readline
# drives it, fish's `complete -C` on a command line, zsh's script checked
# for syntax and its walk run with zsh's completion builtins stood in for.
# The words offered are held to tryaudex's own --help, so the scripts
# cannot drift from the binary. No cloud needed.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup completion "$@"
need_tool zsh "scripts/setup installs Debian's zsh"
need_tool fish "scripts/setup installs Debian's fish"
export HOME="$TMP/home" AUDEX_HOME="$TMP/audex"
mkdir -p "$HOME" "$TMP/bin"
# The completion functions call `tryaudex policies list` for profile names.
ln -s "$BIN" "$TMP/bin/tryaudex"
export PATH="$TMP/bin:$PATH"

"$BIN" completion bash >"$TMP/tryaudex.bash"
"$BIN" completion zsh >"$TMP/_tryaudex"
"$BIN" completion fish >"$TMP/tryaudex.fish"

# bash_complete WORD...: what bash offers for the last WORD (being typed),
# sorted, one a line.
bash_complete() {
  bash --norc --noprofile -c '
    script=$1
    shift
    source "$script"
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    _tryaudex
    printf "%s\n" "${COMPREPLY[@]}"' bash "$TMP/tryaudex.bash" "$@" | sed '/^$/d' | sort
}
lines() { printf '%s\n' "$@"; }

# run's flags that begin with --al, as its --help lists them: --allow and
# --allow-unknown, and --allow-credential-calls (run --broker's).
run_al=$("$BIN" run --help | grep -oE '^ +--al[a-z-]*' | tr -d ' ' | sort)
check "run --help has --allow and --allow-unknown among its --al flags" \
  bash -c 'grep -qx -- --allow <<<"$1" && grep -qx -- --allow-unknown <<<"$1"' _ "$run_al"
check "bash: run --al offers --allow and --allow-unknown, exactly run's --al flags" \
  test "$(bash_complete tryaudex run --al)" = "$run_al"
check "bash: an option's value is skipped on the way (run --allow X --ttl 15m --al)" \
  test "$(bash_complete tryaudex run --allow s3:GetObject --ttl 15m --al)" = "$run_al"
check "bash: commands at the start (ru -> run)" test "$(bash_complete tryaudex ru)" = run
check "bash: --provider offers its fixed set" \
  test "$(bash_complete tryaudex run --provider '')" = "$(lines aws azure gcp)"
check "bash: --provider= (split at = by COMP_WORDBREAKS) offers the set too" \
  test "$(bash_complete tryaudex run --provider = g)" = gcp
check "bash: --profile offers profile names from tryaudex policies list" \
  test "$(bash_complete tryaudex run --profile s3-read)" = "$(lines s3-readonly s3-readwrite)"
check "bash: policies offers its sub-commands" \
  test "$(bash_complete tryaudex policies '')" = "$(lines expand list show validate)"
check "bash: policies show offers profile names" \
  test "$(bash_complete tryaudex policies show s3-reado)" = s3-readonly
check "bash: policies list --provider offers the set" \
  test "$(bash_complete tryaudex policies list --provider a)" = "$(lines aws azure)"
check "bash: report --format offers md, csv and json" \
  test "$(bash_complete tryaudex report --format '')" = "$(lines csv json md)"
check "bash: completion offers the three shells" \
  test "$(bash_complete tryaudex completion '')" = "$(lines bash fish zsh)"
check "bash: tryaudex's own flags" \
  test "$(bash_complete tryaudex --ver)" = --version
# After "--" the words are the command's: commands from PATH, not tryaudex's.
after=$(bash_complete tryaudex run --allow s3:ListBucket -- bas)
check "bash: after -- the command's name is completed from PATH" grep -qx bash <<<"$after"
check "bash: after -- no tryaudex command is offered" test -z "$(grep -x run <<<"$after")"

# Every command and every flag --help lists is offered, and nothing else.
help_commands=$("$BIN" --help | awk '/^Subcommands:/ { on = 1; next } on && !NF { exit } on { print $1 }' | sort)
check "bash: the commands are exactly those of tryaudex --help" \
  test "$(bash_complete tryaudex '')" = "$help_commands"
for command in $help_commands; do
  [[ $command == server ]] && continue # tryaudex-server answers its own --help
  flags=$("$BIN" "$command" --help | grep -oE '^ +(-[a-zA-Z],)?--[a-z][a-z-]*' |
    grep -oE -- '--?[a-zA-Z][a-z-]*' | sort -u)
  offered=$(bash_complete tryaudex "$command" - | sort -u)
  if [[ $flags != "$offered" ]]; then
    echo "  $command --help: ${flags//$'\n'/ }"
    echo "  completion:     ${offered//$'\n'/ }"
  fi
  check "bash: $command offers exactly the flags of its --help" test "$flags" = "$offered"
done

# fish: its own completion machinery on a command line.
fish_complete() {
  fish --no-config -c "source $(printf '%q' "$TMP/tryaudex.fish"); complete -C $(printf '%q' "$1")" |
    cut -f1 | sort
}
check "fish: the script parses (fish -n)" fish --no-config -n "$TMP/tryaudex.fish"
check "fish: run --al offers exactly run's --al flags" \
  test "$(fish_complete 'tryaudex run --al')" = "$run_al"
check "fish: policies list --provider offers the set" \
  test "$(fish_complete 'tryaudex policies list --provider ')" = "$(lines aws azure gcp)"
check "fish: --profile offers profile names" \
  grep -qx s3-readonly <<<"$(fish_complete 'tryaudex run --profile s3-')"
check "fish: policies offers its sub-commands" \
  test "$(fish_complete 'tryaudex policies ')" = "$(lines expand list show validate)"

# zsh: the syntax, then the script's walk with _describe and compadd
# recording what they are given (zsh filters that by the prefix itself).
check "zsh: the script parses (zsh -n)" zsh -f -n "$TMP/_tryaudex"
zsh_offers() {
  zsh -f -c '
    autoload -Uz compinit && compinit -u -D
    source "$1"
    shift
    _describe() { local name=${@[-1]}; print -l -- ${${(P)name}%%:*}; }
    compadd() { [[ $1 == -a ]] && print -l -- ${(P)2} || { shift; print -l -- "$@"; }; }
    _files() { print -- FILES; }
    _normal() { print -- NORMAL; }
    words=("$@")
    CURRENT=$#
    PREFIX=${words[-1]}
    _tryaudex' zsh "$TMP/_tryaudex" "$@" | grep -- "^${*: -1}" | sort
}
check "zsh: run --al offers exactly run's --al flags" \
  test "$(zsh_offers tryaudex run --allow s3:GetObject --al)" = "$run_al"
check "zsh: --provider offers its fixed set" \
  test "$(zsh_offers tryaudex run --provider '')" = "$(lines aws azure gcp)"
check "zsh: policies offers its sub-commands" \
  test "$(zsh_offers tryaudex policies '')" = "$(lines expand list show validate)"
check "zsh: --profile offers profile names" \
  grep -qx s3-readonly <<<"$(zsh_offers tryaudex run --profile s3-)"

# And in zsh's own completion system, autoloaded from $fpath in an
# interactive zsh on a pseudo-terminal (zsh/zpty): TAB after `run --al`
# inserts --allow, what the three flags have in common.
mkdir -p "$TMP/zfunc"
cp "$TMP/_tryaudex" "$TMP/zfunc/_tryaudex"
zsh_tab() {
  timeout 30 zsh -f -c '
    zmodload zsh/zpty
    zpty z zsh -f -i
    zpty -w z "PS1=\"> \"; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; bindkey \"^I\" complete-word"
    zpty -w -n z "$2"
    sleep 1
    zpty -w -n z $'"'"'\t'"'"'
    zpty -r -m z out "*${3}*" && print -r -- found
    zpty -d z' zsh "$TMP/zfunc" "$1" "$2"
}
check "zsh (interactive, zpty): run --al<TAB> inserts --allow" \
  test "$(zsh_tab 'tryaudex run --al' 'tryaudex run --allow')" = found
check "zsh (interactive, zpty): policies sh<TAB> inserts show" \
  test "$(zsh_tab 'tryaudex policies sh' 'tryaudex policies show')" = found

"$BIN" completion tcsh >/dev/null 2>"$TMP/tcsh.err"
check "an unknown shell: exit 2 (usage)" test $? = 2
check "an unknown shell: the error names the three" grep -q "give bash, zsh or fish" "$TMP/tcsh.err"
finish
