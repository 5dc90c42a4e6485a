#!/usr/bin/env bash
# Our layered layout against Graphviz dot on the same synthetic cluster graphs (bench/synthetic_graph.h):
# times both, counts the crossings of both with the same counter (hs::graph::countCrossings, dot's
# layout read back from -Tplain), and prints a side-by-side table.
#
# usage: bench/layout_vs_dot.sh [BUILD_DIR]          (default: build-layout next to this folder)
# env:   SIZES="1000 10000"  Pod counts (Services = Pods/5, Ingresses = Pods/10)
#        SEED=42             graph seed
#        RUNS=7              runs of our layout per size (the median is reported)
#        DOT_RUNS=3          runs of dot per size, when one run takes under 20 s (else one run)
#        DOT_TIMEOUT=3600    seconds before giving up on dot
#        CPU=0               core to pin both to (taskset), empty to not pin
# Build in Release first: cmake -DCMAKE_BUILD_TYPE=Release ... && ninja layout_vs_dot
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build-layout}
driver=$build/bench/layout_vs_dot
sizes=${SIZES:-1000 10000}
seed=${SEED:-42}
runs=${RUNS:-7}
dot_runs=${DOT_RUNS:-3}
dot_timeout=${DOT_TIMEOUT:-3600}

[[ -x $driver ]] || { echo "no $driver: build the layout_vs_dot target first" >&2; exit 2; }
command -v dot >/dev/null || { echo "Graphviz dot not found (Debian: apt-get install -y graphviz)" >&2; exit 2; }

pin=()
if [[ -n ${CPU-0} ]] && command -v taskset >/dev/null; then pin=(taskset -c "${CPU:-0}"); fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# layout_vs_dot: $(nproc) cores, $(uname -srm), $(dot -V 2>&1 | head -1)"
echo "# seed $seed, our layout: median of $runs runs; pinned: ${pin[*]:-no}"
echo
printf '| %6s | %6s | %6s | %12s | %12s | %9s | %14s | %14s | %11s |\n' \
    pods nodes edges "ours ms" "dot ms" speed-up "ours crossings" "dot crossings" "ours / dot"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------: -------: -------: -------------: -------------: ----------: ---------------: ---------------: ------------:

for pods in $sizes; do
    dotfile=$tmp/g$pods.dot
    plain=$tmp/g$pods.plain
    "$driver" dot --pods "$pods" --seed "$seed" > "$dotfile"

    # ours: "nodes edges median_ms min_ms crossings initial_crossings"
    read -r nodes edges ours_ms _ ours_x _ < <("${pin[@]}" "$driver" ours --pods "$pods" --seed "$seed" --runs "$runs")

    dot_times=()
    for ((r = 0; r < dot_runs; ++r)); do
        t0=$(now_ms)
        if ! timeout "$dot_timeout" "${pin[@]}" dot -Tplain "$dotfile" > "$plain"; then
            echo "dot failed or timed out on $pods pods" >&2
            exit 1
        fi
        t1=$(now_ms)
        dot_times+=($((t1 - t0)))
        (( t1 - t0 < 20000 )) || break
    done
    dot_ms=$(printf '%s\n' "${dot_times[@]}" | median)
    dot_x=$("$driver" plain "$plain" --pods "$pods" --seed "$seed")

    speedup=$(awk -v d="$dot_ms" -v o="$ours_ms" 'BEGIN { printf "%.0fx", d / o }')
    ratio=$(awk -v a="$ours_x" -v b="$dot_x" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
    printf '| %6s | %6s | %6s | %12s | %12s | %9s | %14s | %14s | %11s |\n' \
        "$pods" "$nodes" "$edges" "$ours_ms" "$dot_ms (${#dot_times[@]})" "$speedup" "$ours_x" "$dot_x" "$ratio"
done
