#!/usr/bin/env bash
# The man pages the build writes (audex-docgen, cli/man_page.h): one per
# command of `tryaudex --help` and tryaudex(1); each renders with groff and
# man without a single warning, has a NAME line apropos can read
# (lexgrog), and documents every flag its command's --help lists.
#
#   bash tests/e2e/man_pages_test.sh PATH_TO_TRYAUDEX MAN_DIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
e2e_setup man-pages "$1"
man_dir=${2:?usage: man_pages_test.sh PATH_TO_TRYAUDEX MAN_DIR}
need_tool groff "scripts/setup installs Debian's groff-base"
need_tool man "scripts/setup installs Debian's man-db"
export HOME="$TMP/home" AUDEX_HOME="$TMP/audex"
mkdir -p "$HOME"

commands=$("$BIN" --help | awk '/^Subcommands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
expected=$( (echo tryaudex.1.gz; for c in $commands; do echo "tryaudex-$c.1.gz"; done) | sort)
check "a page for tryaudex and each of its $(wc -w <<<"$commands") commands, no other" \
  test "$(cd "$man_dir" && ls | sort)" = "$expected"

for page in "$man_dir"/*.1.gz; do
  name=$(basename "$page" .1.gz)
  check "$name: groff -ww -man renders it without a warning" \
    test -z "$(zcat "$page" | groff -ww -man -z 2>&1)"
  check "$name: man --warnings -l renders it without a warning" \
    test -z "$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)"
  check "$name: its NAME line reads as 'name - summary' (lexgrog)" \
    bash -c "lexgrog '$page' | grep -q '\"$name - [a-z]'"
done

for command in $commands; do
  [[ $command == server ]] && continue # tryaudex-server answers its own --help
  page=$(zcat "$man_dir/tryaudex-$command.1.gz")
  missing=()
  for flag in $("$BIN" "$command" --help | grep -oE '^ +(-[a-zA-Z],)?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*'); do
    grep -qF "\\fB${flag//-/\\-}\\fR" <<<"$page" || missing+=("$flag")
  done
  # A command's sub-commands (policies list, ...) have theirs under COMMANDS.
  for sub in $("$BIN" "$command" --help | awk '/^Subcommands:/ { on = 1; next } on && !NF { exit } on { print $1 }'); do
    for flag in $("$BIN" "$command" "$sub" --help | grep -oE '^ +(-[a-zA-Z],)?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*'); do
      grep -qF "\\fB${flag//-/\\-}\\fR" <<<"$page" || missing+=("$sub $flag")
    done
  done
  check "tryaudex-$command(1) documents every flag of its --help${missing:+ (missing: ${missing[*]})}" \
    test ${#missing[@]} = 0
done
check "man -l shows run's --allow-unknown and its help text" \
  bash -c "MANWIDTH=100 man -l '$man_dir/tryaudex-run.1.gz' 2>/dev/null | grep -q 'allow-unknown.*Send AWS actions\|Send AWS actions the action catalog'"
finish
