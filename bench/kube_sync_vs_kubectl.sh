#!/usr/bin/env bash
# Hopscope's live-cluster client next to kubectl, on the same real API server (tests/cluster)
# seeded with 10,000 Pods, 2,000 Services, 2,000 EndpointSlices and 1,000 Ingresses.
#
#   bench/kube_sync_vs_kubectl.sh [BUILD_DIR] [--runs N]
#
# Measures, each as the median of N runs (default 3):
#   - initial sync of the four kinds by Hopscope (bench/kube_sync: list and watch-list) against
#     `kubectl get pods,services,endpointslices,ingresses -A -o json > /dev/null` (wall time);
#   - Hopscope's peak RSS during the sync;
#   - watch event to new snapshot: an Ingress is changed 20 times, each time until a snapshot
#     shows the change (median end to end, and the part inside Hopscope).
# Targets (issue #5): sync ≤ 0.5 × kubectl, peak RSS ≤ 150 MB, event → snapshot < 100 ms.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$here/build"
runs=3
while (($#)); do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) build="$1"; shift ;;
  esac
done
sync_bin="$build/bench/kube_sync"
[[ -x "$sync_bin" ]] || { echo "missing $sync_bin: build first (./build.sh build)" >&2; exit 2; }

dir="$(mktemp -d /tmp/hopscope-bench-kube-XXXXXX)"
cleanup() { bash "$here/tests/cluster/stop.sh" "$dir/c" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
echo "starting a cluster in $dir ..." >&2
bash "$here/tests/cluster/start.sh" "$dir/c" --owner-pid $$ >/dev/null
# shellcheck disable=SC1091
source "$dir/c/env"
echo "seeding 10,000 Pods, 2,000 Services, 2,000 EndpointSlices, 1,000 Ingresses ..." >&2
"$SEED" --kubeconfig "$ADMIN_KUBECONFIG" --scale pods=10000,services=2000,slices=2000,ingresses=1000 >/dev/null 2>&1

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }
field() { sed -n "s/.*\"$1\": \\([0-9.]*\\).*/\\1/p"; }

kubectl_ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$KUBECTL" --kubeconfig "$ADMIN_KUBECONFIG" get pods,services,endpointslices,ingresses -A -o json > /dev/null
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
}

echo "warming up ..." >&2
kubectl_ms >/dev/null
"$sync_bin" --kubeconfig "$ADMIN_KUBECONFIG" --mode list >/dev/null

declare -a k_ms l_ms l_rss w_ms w_rss
for ((i = 1; i <= runs; i++)); do
  echo "run $i/$runs ..." >&2
  k_ms+=("$(kubectl_ms)")
  out="$("$sync_bin" --kubeconfig "$ADMIN_KUBECONFIG" --mode list)"
  l_ms+=("$(echo "$out" | field sync_ms)"); l_rss+=("$(echo "$out" | field peak_rss_kb_after_sync)")
  out="$("$sync_bin" --kubeconfig "$ADMIN_KUBECONFIG" --mode watchlist)"
  w_ms+=("$(echo "$out" | field sync_ms)"); w_rss+=("$(echo "$out" | field peak_rss_kb_after_sync)")
done
echo "measuring watch event → snapshot latency ..." >&2
lat="$("$sync_bin" --kubeconfig "$ADMIN_KUBECONFIG" --latency 20)"
counts="$(echo "$lat" | sed -n 's/.*"pods": \([0-9]*\), "services": \([0-9]*\), "endpointslices": \([0-9]*\), "ingresses": \([0-9]*\).*/\1 Pods, \2 Services, \3 EndpointSlices, \4 Ingresses/p')"

km=$(printf '%s\n' "${k_ms[@]}" | median)
lm=$(printf '%s\n' "${l_ms[@]}" | median)
wm=$(printf '%s\n' "${w_ms[@]}" | median)
lr=$(printf '%s\n' "${l_rss[@]}" | median)
wr=$(printf '%s\n' "${w_rss[@]}" | median)
lat_med=$(echo "$lat" | field latency_ms_median)
lat_max=$(echo "$lat" | field latency_ms_max)
lat_in=$(echo "$lat" | field latency_inside_ms_median)
rss_after=$(echo "$lat" | field peak_rss_kb)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "ok" : "MISSED" }'; }

echo
echo "Kubernetes $(grep '^K8S_VERSION=' "$dir/c/env" | cut -d= -f2), $counts; median of $runs runs; $(nproc) cores"
echo
printf '| %-46s | %12s | %12s | %8s | %-12s |\n' "measure" "hopscope" "kubectl" "ratio" "target"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------------------" "--------------" "--------------" "----------" "--------------"
printf '| %-46s | %9s ms | %9s ms | %8s | %-12s |\n' "initial sync, 4 kinds, all namespaces (list)" "$lm" "$km" "$(ratio "$lm" "$km")" "<= 0.5 $(verdict "$(ratio "$lm" "$km")" 0.5)"
printf '| %-46s | %9s ms | %9s ms | %8s | %-12s |\n' "initial sync, 4 kinds (watch-list)" "$wm" "$km" "$(ratio "$wm" "$km")" "<= 0.5 $(verdict "$(ratio "$wm" "$km")" 0.5)"
printf '| %-46s | %9s MB | %12s | %8s | %-12s |\n' "peak RSS after sync (list)" "$(mb "$lr")" "" "" "<= 150 $(verdict "$(mb "$lr")" 150)"
printf '| %-46s | %9s MB | %12s | %8s | %-12s |\n' "peak RSS after sync (watch-list)" "$(mb "$wr")" "" "" "<= 150 $(verdict "$(mb "$wr")" 150)"
printf '| %-46s | %9s MB | %12s | %8s | %-12s |\n' "peak RSS incl. 20 changes" "$(mb "$rss_after")" "" "" "<= 150 $(verdict "$(mb "$rss_after")" 150)"
printf '| %-46s | %9s ms | %12s | %8s | %-12s |\n' "watch event -> new snapshot, median of 20" "$lat_med" "" "" "< 100 $(verdict "$lat_med" 100)"
printf '| %-46s | %9s ms | %12s | %8s | %-12s |\n' "  of which inside Hopscope (median)" "$lat_in" "" "" ""
printf '| %-46s | %9s ms | %12s | %8s | %-12s |\n' "  slowest of 20" "$lat_max" "" "" ""
