#!/usr/bin/env bash
# The Debian package (packaging/CMakeLists.txt): built by CPack from this
# build tree (scripts/package --from-build: the programs stripped as the
# Release package's are, without a second compile), its control data and
# file list, lintian without errors, and installed into a throwaway root:
# an overlay of this machine's / in a private mount namespace, chrooted
# into, so that dpkg -i changes nothing here (where the kernel refuses an
# overlay: dpkg -i on this machine, removed again at exit). In it, as a
# user would: tryaudex --version from /usr/bin, man tryaudex-run, bash
# completion from the installed file, run --dry-run, and the installed
# binary finding its module in /usr/lib/audex with the build tree hidden.
#
#   bash tests/package/deb_test.sh BUILD_DIR
. "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
build=$(cd "${1:?usage: deb_test.sh BUILD_DIR}" && pwd)
e2e_setup package "$build/tryaudex"
need_tool cpack "scripts/setup installs Debian's cmake"
need_tool dpkg-shlibdeps "scripts/setup installs Debian's dpkg-dev"
need_tool lintian "scripts/setup installs Debian's lintian"
need_tool man "scripts/setup installs Debian's man-db"
[[ $(id -u) == 0 ]] || abort "runs as root (dpkg -i into a throwaway root; CI runs as root)"

# --- the package ---------------------------------------------------------------
rm -f "$build"/package/*.deb
if ! (cd "$build" && cpack -G DEB) >"$TMP/cpack.log" 2>&1; then
  cat "$TMP/cpack.log"
  abort "cpack builds the .deb"
fi
deb=$(ls "$build"/package/tryaudex_*.deb)
check "one .deb, named tryaudex_VERSION_ARCH.deb" test -f "$deb"
echo "# $(basename "$deb"): $(du -k "$deb" | cut -f1) KiB"

dpkg-deb -I "$deb" >"$TMP/info"
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$TMP/files"
field() { sed -n "s/^ $1: //p" "$TMP/info"; }
check "Package: tryaudex" test "$(field Package)" = tryaudex
check "Architecture: $(dpkg --print-architecture)" test "$(field Architecture)" = "$(dpkg --print-architecture)"
depends=$(field Depends)
echo "# Depends: $depends"
for library in libc6 libstdc++6 libcurl4 libssl3 libsqlite3-0 libpq5 libcpp-httplib0.11 libcjose0; do
  check "Depends names $library (dpkg-shlibdeps)" grep -q "\b$library\b" <<<"$depends"
done
check "a description with a long part" test "$(sed -n '/^ Description:/,$p' "$TMP/info" | wc -l)" -gt 3
for file in /usr/bin/tryaudex /usr/bin/tryaudex-server /usr/lib/audex/audex-sandbox \
  /usr/lib/audex/libaudex_credserver.so /usr/lib/audex/libaudex_awsproxy.so \
  /usr/lib/audex/libaudex_webserver.so /usr/share/doc/tryaudex/copyright \
  /usr/share/doc/tryaudex/NOTICE /usr/share/doc/tryaudex/changelog.gz \
  /usr/share/man/man1/tryaudex.1.gz /usr/share/man/man1/tryaudex-run.1.gz \
  /usr/share/man/man1/tryaudex-policies.1.gz \
  /usr/share/bash-completion/completions/tryaudex /usr/share/zsh/vendor-completions/_tryaudex \
  /usr/share/fish/vendor_completions.d/tryaudex.fish; do
  check "the package holds $file" grep -qx "$file" "$TMP/files"
done
commands=$("$build/tryaudex" --help | awk '/^Subcommands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
missing_pages=0
for command in $commands; do
  grep -qx "/usr/share/man/man1/tryaudex-$command.1.gz" "$TMP/files" || missing_pages=$((missing_pages + 1))
done
check "a man page for each of the $(wc -w <<<"$commands") commands of --help" test $missing_pages = 0
check "nothing from the build tree or a home folder" \
  test -z "$(grep -vE '^/usr/(bin|lib/audex|share/(man/man1|doc/tryaudex|bash-completion|zsh|fish|lintian))(/|$)|^/$|^/usr/$|^/usr/(lib|share|share/doc|share/man)/$' "$TMP/files")"

mkdir -p "$TMP/unpacked"
dpkg-deb -x "$deb" "$TMP/unpacked"
for program in usr/bin/tryaudex usr/bin/tryaudex-server usr/lib/audex/audex-sandbox \
  usr/lib/audex/libaudex_credserver.so; do
  sections=$(readelf -S -W "$TMP/unpacked/$program")
  check "$program is stripped (no .symtab, no .debug_*)" \
    test -z "$(grep -E '\.symtab|\.debug_' <<<"$sections")"
done
check "the modules keep the symbols tryaudex looks up (dynamic symbol table)" \
  grep -q AudexEndpointStart <<<"$(readelf --dyn-syms -W "$TMP/unpacked/usr/lib/audex/libaudex_credserver.so")"

# lintian: errors fail the test; warnings are listed (docs/install.md says
# which are left and why).
# (lintian says root is not recommended: it unpacks the .deb it checks.)
lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v "running with root privileges" >"$TMP/lintian"
sed 's/^/# lintian: /' "$TMP/lintian"
check "lintian reports no error" test -z "$(grep '^E:' "$TMP/lintian")"

# --- installed, as a user would use it ----------------------------------------
# The checks that run inside the installed system; each prints ok/not ok.
cat >"$TMP/inside.sh" <<'INSIDE'
set -u
build=$1
n=0
bad=0
ok() { if "${@:2}"; then echo "ok - $1"; else echo "not ok - $1"; bad=$((bad + 1)); fi; n=$((n + 1)); }
export HOME=/tmp/audex-package-home AUDEX_HOME=/tmp/audex-package-home/audex PATH=/usr/bin:/bin
mkdir -p "$HOME"
ok "tryaudex on PATH is /usr/bin/tryaudex" test "$(command -v tryaudex)" = /usr/bin/tryaudex
ok "tryaudex --version" bash -c 'tryaudex --version | grep -q "^tryaudex [0-9]"'
ok "man tryaudex-run shows the run options" \
  bash -c 'MANWIDTH=80 man tryaudex-run 2>/dev/null | grep -q -- "--allow-unknown"'
ok "man tryaudex lists the commands" bash -c 'MANWIDTH=80 man tryaudex 2>/dev/null | grep -q "tryaudex-policies(1)"'
ok "bash completion from the installed file: run --al gives --allow, --allow-unknown (and --allow-credential-calls)" bash -c '
  source /usr/share/bash-completion/completions/tryaudex
  COMP_WORDS=(tryaudex run --al); COMP_CWORD=2; _tryaudex
  offered=$(printf "%s\n" "${COMPREPLY[@]}" | sort)
  grep -qx -- --allow <<<"$offered" && grep -qx -- --allow-unknown <<<"$offered" &&
    test "$offered" = "$(tryaudex run --help | grep -oE "^ +--al[a-z-]*" | tr -d " " | sort)"'
ok "run --dry-run plans a session" bash -c '
  tryaudex run --allow s3:GetObject --role-arn arn:aws:iam::123456789012:role/AudexRole \
    --dry-run -- true | grep -q "s3:GetObject"'
# The build tree hidden (an empty tmpfs over it): the installed binary must
# find its module in /usr/lib/audex, never beside a build it came from.
mount -t tmpfs none "$build"
ok "the build tree is hidden" test -z "$(ls -A "$build")"
timeout 10 tryaudex dashboard --no-open >/tmp/audex-dashboard.out 2>&1
ok "dashboard loads libaudex_webserver.so from /usr/lib/audex (it serves a link)" \
  grep -q "http://127.0.0.1:" /tmp/audex-dashboard.out
grep -q "http://127.0.0.1:" /tmp/audex-dashboard.out || cat /tmp/audex-dashboard.out
rm -f /tmp/audex-dashboard.out
rm -rf "$HOME"
echo "inside: $n checks, $bad failed"
exit $((bad > 0))
INSIDE

overlay="$TMP/root"
mkdir -p "$overlay"/{upper,work,merged}
# shellcheck disable=SC2016 # expanded by the inner shell
if unshare -m --propagation private sh -c 'mount -t overlay overlay \
     -o lowerdir=/,upperdir="$1/upper",workdir="$1/work" "$1/merged"' sh "$overlay" 2>/dev/null; then
  echo "# installing into an overlay of / (nothing changes on this machine)"
  unshare -m --propagation private bash -c '
    set -e
    overlay=$1 deb=$2 inside=$3 build=$4
    mount -t overlay overlay -o lowerdir=/,upperdir="$overlay/upper",workdir="$overlay/work" \
      "$overlay/merged"
    mount -t proc proc "$overlay/merged/proc"
    mount --rbind /dev "$overlay/merged/dev"
    mount -t tmpfs none "$overlay/merged/tmp"
    cp "$deb" "$inside" "$overlay/merged/tmp/"
    chroot "$overlay/merged" sh -c "dpkg -r tryaudex >/dev/null 2>&1; dpkg -i /tmp/$(basename "$deb")" \
      >"$overlay/dpkg.log" 2>&1 || { cat "$overlay/dpkg.log"; exit 3; }
    chroot "$overlay/merged" bash "/tmp/$(basename "$inside")" "$build"
  ' bash "$overlay" "$deb" "$TMP/inside.sh" "$build" >"$TMP/inside.log" 2>&1
  status=$?
else
  echo "# the kernel refuses an overlay here: dpkg -i on this machine, dpkg -r at exit"
  dpkg-query -W tryaudex >/dev/null 2>&1 && abort "tryaudex is not installed here already (dpkg -r it first)"
  at_exit dpkg -r tryaudex
  dpkg -i "$deb" >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log"; abort "dpkg -i installs it"; }
  unshare -m --propagation private bash "$TMP/inside.sh" "$build" >"$TMP/inside.log" 2>&1
  status=$?
  dpkg -r tryaudex >>"$TMP/dpkg.log" 2>&1
fi
cat "$TMP/inside.log"
check "installed: every check inside passed" test "$status" = 0
check "installed: the checks ran" grep -q "^inside: [0-9]* checks, 0 failed" "$TMP/inside.log"
check "this machine has no tryaudex package afterwards" \
  test -z "$(dpkg-query -W -f='${Status}' tryaudex 2>/dev/null | grep ' installed')"
finish
