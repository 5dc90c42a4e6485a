#!/usr/bin/env bash
# Hopscope's one entry point for developers and CI. Idempotent: installs only what is missing
# (Debian bookworm, apt-get, as root or with sudo) and reuses an existing build.
#
#   ./build.sh run          build, then start the desktop app on the bundled demo cluster
#   ./build.sh test         build, then run every test (CTest + Qt Test); CI runs exactly this
#   ./build.sh build        only build
#   ./build.sh bench        build and run the benchmarks (bench/README.md)
#   ./build.sh package      build the .deb and .tar.gz packages (installer/README.md)
#
# Environment: BUILD_DIR (default ./build), JOBS (default: number of cores), CI=true (CI mode:
# then tests/ci-extra.sh: the ASan+UBSan suite and bounded fuzzing; HS_STAGES picks stages).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
cmd="${1:-run}"
shift || true
build_dir="${BUILD_DIR:-$here/build}"
jobs="${JOBS:-$(nproc)}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to install: $*"; fi
}

# Installs the Debian packages that are not installed yet.
need_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build_packages=(
  g++ cmake ninja-build pkg-config ccache git ca-certificates
  qt6-base-dev qt6-base-dev-tools qt6-svg-dev libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6
  libyaml-cpp-dev libyaml-dev libcurl4-openssl-dev libsimdjson-dev libpcre2-dev libre2-dev libssl-dev zlib1g-dev
  libbenchmark-dev
)
test_packages=(
  openssl nginx-light xvfb xauth xfonts-base fonts-dejavu-core
  clang libclang-rt-14-dev clang-format
  desktop-file-utils appstream lintian dpkg-dev fakeroot file zsh fish
)

configure() {
  export CCACHE_BASEDIR="$here" CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_NOHASHDIR=1
  if [ ! -f "$build_dir/build.ninja" ]; then
    say "Configuring in $build_dir"
    cmake -G Ninja -S "$here" -B "$build_dir" \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@" >/dev/null
  fi
}

build() {
  need_packages "${build_packages[@]}"
  configure "$@"
  say "Building (ninja -j$jobs)"
  cmake --build "$build_dir" -j "$jobs"
}

case "$cmd" in
  build)
    build "$@"
    ;;
  run)
    build
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      cat >&2 <<MSG

Hopscope is built, but there is no display here (DISPLAY and WAYLAND_DISPLAY are unset), so the
desktop app cannot open a window. Everything also works headless with the CLI:

  $build_dir/app/cli/hopscope-cli route --demo --url https://shop.example.com/api/v2/orders
  $build_dir/app/cli/hopscope-cli lint  --demo
  $build_dir/app/cli/hopscope-cli --help

Or run the app on a virtual display:  xvfb-run -a $build_dir/app/gui/hopscope
MSG
      exit 0
    fi
    say "Starting Hopscope on the demo cluster"
    exec "$build_dir/app/gui/hopscope" "$@"
    ;;
  test)
    need_packages "${build_packages[@]}" "${test_packages[@]}"
    build
    say "Running the tests"
    export QT_QPA_PLATFORM=offscreen
    ctest --test-dir "$build_dir" --output-on-failure -j "$jobs" --timeout 1500 "$@"
    if [ "${CI:-}" = true ] && [ -x "$here/tests/ci-extra.sh" ]; then
      "$here/tests/ci-extra.sh"
    fi
    ;;
  bench)
    need_packages "${build_packages[@]}" graphviz goaccess time
    build
    "$here/bench/run-all.sh" "$build_dir" "$@"
    ;;
  package)
    need_packages "${build_packages[@]}" dpkg-dev fakeroot file desktop-file-utils appstream lintian
    build
    "$here/installer/package.sh" "$build_dir" "$@"
    ;;
  *)
    die "unknown command '$cmd' (run, test, build, bench, package)"
    ;;
esac
