#!/usr/bin/env bash
# The packaging test (CTest: installer.package; CI runs it as root on Debian bookworm).
#
#   test_package.sh SOURCE_DIR BUILD_DIR VERSION APP_ID
#
# 1. Packages the built tree with installer/package.sh, which also runs the validators
#    (desktop-file-validate, appstreamcli validate-tree, lintian with no errors).
# 2. Unpacks the .deb into a fresh root (dpkg-deb -x) and checks the layout, the Depends, the
#    binaries (version, a route on the installed demo data, the GUI offscreen), the man pages
#    and the shell completions.
# 3. Unpacks the .tar.gz and runs `cmake --install` into a prefix: the same layout.
# 4. Installs the .deb on this machine with `apt-get install ./hopscope_*.deb`, runs the
#    installed programs, purges it, and checks that none of its files are left.
#
# Skips (exit 77) when not root or without dpkg/apt. Leaves the machine as it found it: step 4
# is skipped if a hopscope package or files are already installed, and every path out of this
# script purges what it installed.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR VERSION APP_ID" >&2; exit 2; }
src=$1 build=$2 version=$3 app_id=$4

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf '\n=== %s\n' "$*"; }
ok() { echo "ok: $*"; }

[ "$(id -u)" = 0 ] || skip "the packaging test installs a .deb and needs root (CI runs it as root)"
command -v dpkg >/dev/null && command -v dpkg-deb >/dev/null || skip "no dpkg: not a Debian system"
command -v apt-get >/dev/null || skip "no apt-get: not a Debian system"

start=$SECONDS
work=$(mktemp -d /tmp/hopscope-pkgtest.XXXXXX)
installed_by_us=0
extra_pkgs=()

cleanup() {
  local rc=$?
  if [ $installed_by_us = 1 ]; then
    echo "cleanup: purging hopscope ${extra_pkgs[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=120 hopscope "${extra_pkgs[@]}" \
      >/dev/null 2>&1 || dpkg --purge hopscope >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The programs (and fish) may write settings and caches: keep them in the work folder.
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
export XDG_DATA_HOME="$work/home/.local/share" XDG_RUNTIME_DIR="$work/xdg"
export QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0
mkdir -p "$HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"

# ---- 1. package and validate ------------------------------------------------------------------

step "package (installer/package.sh: cpack, desktop-file-validate, appstreamcli, lintian)"
"$src/installer/package.sh" "$build" -o "$work/pkg"
deb=$(ls "$work"/pkg/hopscope_"$version"_*.deb)
tgz=$(ls "$work"/pkg/hopscope-"$version"-linux-*.tar.gz)
ok "built $(basename "$deb") and $(basename "$tgz")"

# ---- helpers: checks on an installed tree -----------------------------------------------------

expected_files=(
  bin/hopscope
  bin/hopscope-cli
  share/applications/$app_id.desktop
  share/metainfo/$app_id.metainfo.xml
  share/icons/hicolor/scalable/apps/$app_id.svg
  share/man/man1/hopscope.1.gz
  share/man/man1/hopscope-cli.1.gz
  share/bash-completion/completions/hopscope-cli
  share/zsh/vendor-completions/_hopscope-cli
  share/fish/vendor_completions.d/hopscope-cli.fish
  share/hopscope/demo/00-cluster.yaml
  share/hopscope/demo/10-shop.yaml
  share/doc/hopscope/copyright
  share/doc/hopscope/changelog.gz
  share/doc/hopscope/LICENSE
  share/doc/hopscope/THIRD-PARTY-NOTICES.md
)
icon_sizes=(16 22 24 32 48 64 128 256 512)

# check_layout PREFIX: the files a standard prefix must hold.
check_layout() {
  local p=$1 f s
  for f in "${expected_files[@]}"; do [ -f "$p/$f" ] || fail "$p/$f is missing"; done
  for s in "${icon_sizes[@]}"; do
    f="$p/share/icons/hicolor/${s}x${s}/apps/$app_id.png"
    [ -f "$f" ] || fail "$f is missing"
    file -b "$f" | grep -q "PNG image data, $s x $s," || fail "$f is not a ${s}x${s} PNG: $(file -b "$f")"
  done
  [ "$(ls "$p"/share/hopscope/demo/*.yaml | wc -l)" = "$(ls "$src"/resources/demo/*.yaml | wc -l)" ] ||
    fail "$p/share/hopscope/demo does not hold every demo manifest"
  ok "layout of $p (${#expected_files[@]} files, ${#icon_sizes[@]} icon sizes)"
}

# check_programs PREFIX: the installed programs run from there.
check_programs() {
  local p=$1 out
  out=$("$p/bin/hopscope-cli" --version)
  [ "$out" = "hopscope-cli $version" ] || fail "hopscope-cli --version printed '$out', not 'hopscope-cli $version'"
  ok "$p/bin/hopscope-cli --version: $out"
  out=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "$p/bin/hopscope" --version)
  [ "$out" = "Hopscope $version" ] || fail "hopscope --version printed '$out', not 'Hopscope $version'"
  ok "$p/bin/hopscope --version (no display): $out"

  out=$("$p/bin/hopscope-cli" route -f "$p/share/hopscope/demo" --url https://shop.example.com/) ||
    fail "hopscope-cli route on the installed demo data failed: $out"
  grep -q "routed · Service shop/storefront" <<<"$out" || fail "route on the installed demo data: $out"
  ok "hopscope-cli route -f $p/share/hopscope/demo --url https://shop.example.com/:"
  sed 's/^/    /' <<<"$out" | head -12

  local rc=0
  timeout 60 "$p/bin/hopscope" --quit-after-ms 1500 >"$work/gui.log" 2>&1 || rc=$?
  [ $rc = 0 ] || { cat "$work/gui.log" >&2; fail "$p/bin/hopscope (offscreen) exited with $rc"; }
  ok "$p/bin/hopscope started offscreen, showed its window and quit after 1.5 s"
}

# check_linkage PREFIX: only system libraries, all found, no RUNPATH into a build tree.
check_linkage() {
  local p=$1 b
  for b in "$p/bin/hopscope" "$p/bin/hopscope-cli"; do
    ! ldd "$b" | grep -q "not found" || { ldd "$b" >&2; fail "$b: unresolved libraries"; }
    ! { command -v readelf >/dev/null && readelf -d "$b" | grep -Eq "R(UN)?PATH"; } || fail "$b has an RPATH/RUNPATH: $(readelf -d "$b" | grep -E 'R(UN)?PATH')"
  done
  ok "binaries in $p link only system libraries, all found, no RPATH"
}

# check_docs PREFIX: man pages render without warnings; completions parse and complete.
check_docs() {
  local p=$1 page out
  if command -v man >/dev/null; then
    for page in hopscope hopscope-cli; do
      out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$p/share/man/man1/$page.1.gz" 2>&1 >/dev/null)
      [ -z "$out" ] || fail "man $page: $out"
    done
    LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$p/share/man/man1/hopscope-cli.1.gz" 2>/dev/null | grep -q "hopscope-cli route" ||
      fail "hopscope-cli(1) does not document route"
    ok "man pages render without warnings"
  fi

  out=$(cd "$p/share/hopscope/demo" && bash -c '
    source "$1"
    c() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _hopscope_cli; echo "${COMPREPLY[*]}"; }
    c hopscope-cli ro
    c hopscope-cli route --pro
    c hopscope-cli route -f 00-cluster.yaml 10-sh
    c hopscope-cli completion z' _ "$p/share/bash-completion/completions/hopscope-cli")
  [ "$out" = $'route\n--profile\n10-shop.yaml\nzsh' ] || fail "bash completion: got: $out"
  ok "bash completion: commands, options, paths after -f, shells"
  if command -v zsh >/dev/null; then
    zsh -n "$p/share/zsh/vendor-completions/_hopscope-cli" || fail "zsh completion does not parse"
    ok "zsh completion parses"
  fi
  if command -v fish >/dev/null; then
    out=$(fish -c "source '$p/share/fish/vendor_completions.d/hopscope-cli.fish'; complete -C 'hopscope-cli ro'")
    [[ $out == route* ]] || fail "fish completion: got: $out"
    ok "fish completion"
  fi
}

# ---- 2. a fresh root from the .deb ------------------------------------------------------------

step "fresh root: dpkg-deb -x $(basename "$deb")"
root="$work/root"
dpkg-deb -x "$deb" "$root"
check_layout "$root/usr"
check_programs "$root/usr"
check_linkage "$root/usr"
check_docs "$root/usr"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libstdc++6 libqt6core6 libqt6widgets6 libyaml-cpp0.7; do
  grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
ok "Depends (dpkg-shlibdeps): $depends"
for field in Maintainer Section Homepage Description; do
  [ -n "$(dpkg-deb -f "$deb" "$field")" ] || fail "the .deb has no $field"
done
ok "control fields: Maintainer, Section, Homepage, Description"

# ---- 3. the tarball and `cmake --install` -----------------------------------------------------

step "tarball: $(basename "$tgz")"
mkdir "$work/tgz"
tar -xzf "$tgz" -C "$work/tgz"
tprefix=$(ls -d "$work"/tgz/hopscope-*)
check_layout "$tprefix"
out=$("$tprefix/bin/hopscope-cli" --version)
[ "$out" = "hopscope-cli $version" ] || fail "tarball hopscope-cli --version: $out"
ok "tarball hopscope-cli --version: $out"

step "cmake --install --prefix"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
check_layout "$work/prefix"
# The tarball holds exactly what `cmake --install` lays out.
diff <(cd "$tprefix" && find . -type f | sort) <(cd "$work/prefix" && find . -type f | sort) ||
  fail "the tarball and cmake --install differ"
ok "the tarball holds exactly the cmake --install layout"

# ---- 4. apt-get install on this machine, then purge -------------------------------------------

step "apt-get install ./$(basename "$deb")"
if dpkg-query -W -f='${Status}' hopscope 2>/dev/null | grep -Eq "ok (installed|config-files|half|unpacked)"; then
  echo "NOTE: a hopscope package is already installed here; not touching it (machine install step skipped)"
elif [ -e /usr/bin/hopscope ] || [ -e /usr/bin/hopscope-cli ] || [ -e /usr/share/hopscope ]; then
  echo "NOTE: /usr/bin/hopscope* or /usr/share/hopscope exist and belong to no package; machine install step skipped"
else
  apt_opts=(-o DPkg::Lock::Timeout=120 -o Dpkg::Use-Pty=0)
  cp "$deb" "$work/pkg-install.deb"
  chmod 644 "$work/pkg-install.deb"
  chmod 755 "$work"
  # Packages apt would pull in besides hopscope (none when the build dependencies are here)
  # are purged again afterwards.
  mapfile -t extra_pkgs < <(apt-get install -s "${apt_opts[@]}" "$work/pkg-install.deb" |
    awk '/^Inst / && $2 != "hopscope" { print $2 }')
  [ ${#extra_pkgs[@]} -eq 0 ] || echo "apt will also install: ${extra_pkgs[*]} (purged afterwards)"
  installed_by_us=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_opts[@]}" \
    "$work/pkg-install.deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install failed"; }
  dpkg-query -W -f='${Status} ${Version}\n' hopscope | grep -q "install ok installed $version" ||
    fail "hopscope $version is not installed after apt-get install"
  ok "installed: $(dpkg-query -W -f='${Package} ${Version}' hopscope)"
  mapfile -t owned < <(dpkg -L hopscope)
  [ "$(command -v hopscope-cli)" = /usr/bin/hopscope-cli ] || fail "hopscope-cli is not on PATH after install"
  check_layout /usr
  check_programs /usr
  command -v man >/dev/null && [ -n "$(man -w hopscope-cli 2>/dev/null)" ] && ok "man hopscope-cli finds the page"

  step "apt-get purge hopscope"
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${apt_opts[@]}" hopscope "${extra_pkgs[@]}" >"$work/apt.log" 2>&1 ||
    { cat "$work/apt.log" >&2; fail "apt-get purge failed"; }
  installed_by_us=0
  ! dpkg-query -W -f='${Status}' hopscope 2>/dev/null | grep -Eq "ok (installed|config-files|half|unpacked)" ||
    fail "hopscope is still (partly) installed: $(dpkg-query -W -f='${Status}' hopscope)"
  left=()
  for f in "${owned[@]}"; do
    [ -f "$f" ] || [ -L "$f" ] && left+=("$f")
  done
  for d in /usr/share/hopscope /usr/share/doc/hopscope; do [ -e "$d" ] && left+=("$d"); done
  [ ${#left[@]} -eq 0 ] || fail "left behind after purge: ${left[*]}"
  ok "purged: none of the package's ${#owned[@]} paths is left"
fi

printf '\nPASS: packaging test in %d s\n' $((SECONDS - start))
