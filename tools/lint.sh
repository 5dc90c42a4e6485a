#!/usr/bin/env bash
# Static checks: clang-format (layout, .clang-format) and clang-tidy (.clang-tidy) over the C++
# sources. docs/hardening.md explains the configurations.
#
#   tools/lint.sh                 both checks (exit 1 on any finding)
#   tools/lint.sh format          clang-format --dry-run over every tracked .h/.cpp
#   tools/lint.sh format --fix    reformat the tree in place
#   tools/lint.sh tidy [FILES]    clang-tidy over model/ simulator/ kubeclient/ app/cli/ app/graph/
#                                 (or FILES), using BUILD_DIR's compile_commands.json
#
# Environment: BUILD_DIR (default ./build; configured if missing), JOBS (default: cores).
# Needs the Debian packages clang-format and clang-tidy (installed when missing, as build.sh does).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
build_dir="${BUILD_DIR:-$here/build}"
jobs="${JOBS:-$(nproc)}"
what="${1:-all}"
shift || true

need() {
  local missing=()
  for p in "$@"; do command -v "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> Installing ${missing[*]}" >&2
  local sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

run_format() {
  need clang-format
  mapfile -t files < <(git ls-files '*.h' '*.cpp' | grep -v '^tests/fuzz/corpus/')
  if [ "${1:-}" = --fix ]; then
    clang-format -i "${files[@]}"
    echo "clang-format: reformatted ${#files[@]} files"
    return 0
  fi
  local out
  out="$(clang-format --dry-run "${files[@]}" 2>&1 || true)"
  local n
  n=$(grep -c 'warning: code should be clang-formatted' <<<"$out" || true)
  if [ "$n" -gt 0 ]; then
    grep 'warning: code should be clang-formatted' <<<"$out" | cut -d: -f1 | sort | uniq -c | sort -rn | head -n 40
    echo "clang-format: $n place(s) in $(grep 'warning: code should be clang-formatted' <<<"$out" | cut -d: -f1 | sort -u | wc -l) file(s) differ (tools/lint.sh format --fix)"
    return 1
  fi
  echo "clang-format: clean (${#files[@]} files)"
}

run_tidy() {
  need clang-tidy
  if [ ! -f "$build_dir/compile_commands.json" ]; then
    echo "==> Configuring $build_dir for compile_commands.json" >&2
    cmake -G Ninja -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  fi
  local files=("$@")
  if [ ${#files[@]} -eq 0 ]; then
    mapfile -t files < <(git ls-files 'model/*.cpp' 'simulator/*.cpp' 'kubeclient/*.cpp' 'app/cli/*.cpp' 'app/graph/*.cpp')
  fi
  # One clang-tidy per file, JOBS at a time; GCC-only warning flags in the database are ignored.
  local log; log="$(mktemp)"
  printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 1 \
    clang-tidy -p "$build_dir" --quiet --extra-arg=-Wno-unknown-warning-option > "$log" 2>&1 || true
  local n; n=$(grep -E '(warning|error): .*\[[a-z]+-' "$log" | sort -u | wc -l)
  if [ "$n" -gt 0 ]; then
    grep -E '(warning|error): .*\[[a-z]+-' -A3 "$log" | head -n 200
    echo "clang-tidy: $n finding(s) in ${#files[@]} file(s)"
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  echo "clang-tidy: clean (${#files[@]} files)"
}

case "$what" in
  format) run_format "$@" ;;
  tidy) run_tidy "$@" ;;
  all) rc=0; run_format || rc=1; run_tidy || rc=1; exit $rc ;;
  *) echo "usage: tools/lint.sh [format [--fix] | tidy [FILES...]]" >&2; exit 2 ;;
esac
