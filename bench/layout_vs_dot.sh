#!/usr/bin/env bash
# Our layered layout against Graphviz dot on the same synthetic cluster graphs (bench/synthetic_graph.h):
# times both, counts the crossings of both with the same counter (hs::graph::countCrossings, dot's
# layout read back from -Tplain), and prints a side-by-side table. Times are processor time (user +
# system) of one core, what the work costs whatever else the machine runs; wall time next to it.
#
# usage: bench/layout_vs_dot.sh [BUILD_DIR]          (default: build-layout next to this folder)
# env:   SIZES="1000 10000"  Pod counts (Services = Pods/5, Ingresses = Pods/10)
#        SEED=42             graph seed
#        RUNS=7              runs of our layout per size (the median is reported)
#        DOT_RUNS=3          runs of dot per size, when one run takes under 20 s (else one run)
#        DOT_TIMEOUT=3600    seconds before giving up on dot
#        CPU=0               core to pin both to (taskset), empty to not pin
#        DOT_CACHE=DIR       keep dot's layouts and times there, and reuse them when the graph is the
#                            same (dot takes minutes at 10k Pods; our side is always measured afresh)
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
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found (Debian: apt-get install -y time)" >&2; exit 2; }

pin=()
if [[ -n ${CPU-0} ]] && command -v taskset >/dev/null; then pin=(taskset -c "${CPU:-0}"); fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "# layout_vs_dot: $(nproc) cores, $(uname -srm), $(dot -V 2>&1 | head -1)"
echo "# seed $seed, our layout: median of $runs runs; pinned: ${pin[*]:-no}"
echo
printf '| %6s | %6s | %6s | %9s | %9s | %9s | %9s | %8s | %9s | %9s | %10s |\n' \
    pods nodes edges "ours cpu" "ours wall" "dot cpu" "dot wall" speed-up "ours x" "dot x" "x ours/dot"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------: -------: -------: ----------: ----------: ----------: ----------: ---------: ----------: ----------: -----------:

for pods in $sizes; do
    dotfile=$tmp/g$pods.dot
    plain=$tmp/g$pods.plain
    "$driver" dot --pods "$pods" --seed "$seed" > "$dotfile"

    # ours: "nodes edges median_ms min_ms crossings initial_crossings median_cpu_ms"
    read -r nodes edges ours_wall _ ours_x _ ours_cpu < <("${pin[@]}" "$driver" ours --pods "$pods" --seed "$seed" --runs "$runs")

    dot_cpu=() dot_wall=()
    key=""
    if [[ -n ${DOT_CACHE-} ]]; then
        mkdir -p "$DOT_CACHE"
        key=$DOT_CACHE/$(sha256sum "$dotfile" | cut -c1-16)
        if [[ -s $key.plain && -s $key.times ]]; then
            cp "$key.plain" "$plain"
            while read -r w c; do dot_wall+=("$w"); dot_cpu+=("$c"); done < "$key.times"
        fi
    fi
    for ((r = ${#dot_cpu[@]} ? dot_runs : 0; r < dot_runs; ++r)); do
        if ! timeout "$dot_timeout" /usr/bin/time -f '%e %U %S' -o "$tmp/time" "${pin[@]}" dot -Tplain "$dotfile" > "$plain"; then
            echo "dot failed or timed out on $pods pods" >&2
            exit 1
        fi
        read -r wall user sys < "$tmp/time"
        dot_wall+=("$(awk -v w="$wall" 'BEGIN { print w * 1000 }')")
        dot_cpu+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print (u + s) * 1000 }')")
        awk -v w="$wall" 'BEGIN { exit !(w < 20) }' || break
    done
    if [[ -n $key && ! -s $key.times ]]; then
        cp "$plain" "$key.plain"
        for i in "${!dot_cpu[@]}"; do echo "${dot_wall[$i]} ${dot_cpu[$i]}"; done > "$key.times"
    fi
    dc=$(printf '%s\n' "${dot_cpu[@]}" | median)
    dw=$(printf '%s\n' "${dot_wall[@]}" | median)
    dot_x=$("$driver" plain "$plain" --pods "$pods" --seed "$seed")

    speedup=$(awk -v d="$dc" -v o="$ours_cpu" 'BEGIN { printf "%.0fx", d / o }')
    ratio=$(awk -v a="$ours_x" -v b="$dot_x" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
    printf '| %6s | %6s | %6s | %9s | %9s | %9s | %9s | %8s | %9s | %9s | %10s |\n' \
        "$pods" "$nodes" "$edges" "$ours_cpu" "$ours_wall" "$dc" "$dw" "$speedup" "$ours_x" "$dot_x" "$ratio"
done
echo
echo "# times in ms: ours the median of $runs runs, dot the median of up to $dot_runs runs (one when a run takes 20 s or more);"
echo "# x = edge crossings, both counted by hs::graph::countCrossings; speed-up = dot cpu / ours cpu"
