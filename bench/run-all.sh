#!/usr/bin/env bash
# Runs Hopscope's benchmarks against their targets (bench/README.md), called by `./build.sh bench`.
#
#   bench/run-all.sh BUILD_DIR [--full] [NAME...]
#
# Benchmarks run from a Release build of their own (BUILD_DIR-release, configured here), since
# the developer build carries debug information and no -O3. Without --full the slow side-by-side
# comparisons use their quick settings (Graphviz dot only at 1,000 Pods; the API-server benchmark
# is skipped unless named). NAME picks benchmarks: load route layout dot kube replay gui.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
dev_build=${1:?usage: bench/run-all.sh BUILD_DIR [--full] [NAME...]}
shift
full=false
names=()
for a in "$@"; do
  case "$a" in
    --full) full=true ;;
    *) names+=("$a") ;;
  esac
done
want() {
  [ ${#names[@]} -eq 0 ] && [ "$1" != kube ] && return 0
  [ ${#names[@]} -eq 0 ] && [ "$1" = kube ] && $full && return 0
  for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}

build="${dev_build%/}-release"
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHOPSCOPE_TESTS=OFF \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
fi
cmake --build "$build" -j "${JOBS:-$(nproc)}"

section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
machine="$(nproc) cores, $(. /etc/os-release && echo "$PRETTY_NAME"), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $machine"

if want load; then
  section "Manifest loading: 5,000 files / 11,000 objects (target < 1 s, < 200 MB)"
  "$build/bench/bench_load" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
fi
if want route; then
  section "Routing: compile < 100 ms; >= 2 M decisions/s; 10k paths within 2x of 10; 0 allocations"
  "$build/bench/bench_route" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
fi
if want layout; then
  section "Graph layout (Google Benchmark)"
  "$build/bench/bench_layout"
fi
if want dot; then
  section "Graph layout next to Graphviz dot (target: < 300 ms at 10k Pods, >= 20x faster, no more crossings)"
  if $full; then SIZES="1000 10000" "$here/layout_vs_dot.sh" "$build"
  else SIZES="1000" "$here/layout_vs_dot.sh" "$build"; fi
fi
if want kube && [ -x "$here/kube_sync_vs_kubectl.sh" ]; then
  section "Live cluster: initial sync next to kubectl (real API server)"
  "$here/kube_sync_vs_kubectl.sh" "$build"
fi
if want replay && [ -x "$here/replay_vs_goaccess.sh" ]; then
  section "Replay next to GoAccess"
  "$here/replay_vs_goaccess.sh" "$build"
fi
if want gui && [ -x "$here/gui_bench.sh" ]; then
  section "Desktop app: startup, frame time, memory"
  "$here/gui_bench.sh" "$build"
fi
