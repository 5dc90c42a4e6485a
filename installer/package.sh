#!/usr/bin/env bash
# Builds Hopscope's packages from a built tree and validates them:
#
#   installer/package.sh BUILD_DIR [-o OUT_DIR] [--no-validate]
#
# `./build.sh package` builds, then runs this. Writes to OUT_DIR (default BUILD_DIR/packages):
#   hopscope_<version>_<arch>.deb              Debian package, Depends from dpkg-shlibdeps
#   hopscope-<version>-linux-<cpu>.tar.gz      the same tree under a top-level folder
#   *.sha256                                   checksums
# then validates the .deb's contents: desktop-file-validate, appstreamcli validate-tree
# (--no-net) and lintian (fails on errors). Needs: cpack, dpkg-dev, fakeroot, file,
# desktop-file-utils, appstream, lintian.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR [-o OUT_DIR] [--no-validate]" >&2; exit 2; }
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'package.sh: %s\n' "$*" >&2; exit 1; }

[ $# -ge 1 ] || usage
build_dir="$(cd "$1" && pwd)" || usage
shift
out_dir="$build_dir/packages"
validate=1
while [ $# -gt 0 ]; do
  case "$1" in
    -o) [ $# -ge 2 ] || usage; out_dir="$2"; shift 2 ;;
    --no-validate) validate=0; shift ;;
    *) usage ;;
  esac
done

[ -f "$build_dir/CPackConfig.cmake" ] || die "$build_dir is not a configured Hopscope build (no CPackConfig.cmake)"
[ -x "$build_dir/app/cli/hopscope-cli" ] || die "$build_dir is not built yet: run ./build.sh build (or ./build.sh package)"
missing=()
for tool in cpack dpkg-shlibdeps fakeroot file; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[ $validate = 0 ] || for tool in desktop-file-validate appstreamcli lintian; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
[ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (Debian: dpkg-dev fakeroot file desktop-file-utils appstream lintian)"

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
rm -f "$out_dir"/hopscope_*.deb "$out_dir"/hopscope-*.tar.gz "$out_dir"/*.sha256

say "Packaging (cpack: DEB, TGZ) into $out_dir"
log="$out_dir/cpack.log"
if ! (cd "$build_dir" && cpack -B "$out_dir" >"$log" 2>&1); then
  cat "$log" >&2
  die "cpack failed"
fi
rm -rf "$out_dir/_CPack_Packages"

deb=$(ls "$out_dir"/hopscope_*.deb)
tgz=$(ls "$out_dir"/hopscope-*.tar.gz)

if [ $validate = 1 ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  dpkg-deb -x "$deb" "$tmp/root"
  say "desktop-file-validate"
  for f in "$tmp"/root/usr/share/applications/*.desktop; do
    desktop-file-validate "$f"
    echo "desktop-file-validate: ${f#"$tmp"/root}: OK"
  done
  say "appstreamcli validate-tree --no-net"
  appstreamcli validate-tree --no-net "$tmp/root"
  say "lintian"
  # Root runs are fine for a read-only check of one .deb; lintian only warns about it.
  rc=0
  lintian --fail-on error --tag-display-limit 0 "$deb" >"$tmp/lintian.txt" 2>"$tmp/lintian.err" || rc=$?
  grep -v 'running with root privileges' "$tmp/lintian.err" >&2 || true
  cat "$tmp/lintian.txt"
  printf 'lintian: %s error(s), %s warning(s)\n' \
    "$(grep -c '^E: ' "$tmp/lintian.txt" || true)" "$(grep -c '^W: ' "$tmp/lintian.txt" || true)"
  [ $rc = 0 ] || die "lintian found errors"
fi

say "Packages"
for f in "$deb" "$tgz"; do
  printf '%s  %s bytes\n' "$f" "$(stat -c %s "$f")"
done
echo "Install: sudo apt install $deb"
