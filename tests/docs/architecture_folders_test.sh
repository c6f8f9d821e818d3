#!/usr/bin/env bash
# docs/architecture.md lists each source folder in one line, and the folder
# list matches it: every folder under src/ has its row (or, for the parties
# under adapters/ and the parts of catalog/, its name in its parent's row),
# and every folder a row names exists.
#
#   bash tests/docs/architecture_folders_test.sh
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
doc="$root/docs/architecture.md"
passed=0
failed=0
check() {
  if eval "$2"; then
    echo "ok - $1"
    passed=$((passed + 1))
  else
    echo "not ok - $1"
    failed=$((failed + 1))
  fi
}
rows=$(grep '^| `src/' "$doc")
row_of() { grep -F "| \`$1" <<<"$rows"; }

while IFS= read -r dir; do
  rel=${dir#"$root"/}
  case "$rel" in
    src/catalog/gen) continue ;;  # generated tables, described in catalog's row
    src/adapters/*) check "$rel is named in the adapters row" \
      "row_of 'src/adapters/' | grep -qF '\`${rel#src/adapters/}/\`'" ;;
    src/catalog/*) check "$rel is named in the catalog row" \
      "row_of 'src/catalog/' | grep -qF '\`${rel#src/catalog/}/\`'" ;;
    src/core | src/server | src/adapters) continue ;;  # only their sub-folders hold code
    *) check "$rel has its row" "row_of '$rel/' >/dev/null" ;;
  esac
done < <(find "$root/src" -mindepth 1 -type d | sort)

while IFS= read -r named; do
  [[ $named == src/adapters/\<party\>/ ]] && continue
  check "the row for $named names a folder that exists" "test -d '$root/$named'"
done < <(grep -o '^| `src/[^`]*`' "$doc" | sed 's/^| `//; s/`$//')

echo "$passed passed, $failed failed"
((failed == 0))
