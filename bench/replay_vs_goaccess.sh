#!/usr/bin/env bash
# Side by side on one ingress-nginx access log: `hopscope-cli replay` (parse + route + balance +
# Pod model + summary + verify, decision log off) against GoAccess parsing the same file with the
# matching log format. Prints lines per second for both and the ratio, then the peak memory of a
# replay of a 10-million-line log streamed through standard input.
#
#   bench/replay_vs_goaccess.sh BUILD_DIR [LINES] [BIG_LINES]
#
# BUILD_DIR must hold a Release build (hopscope-cli and hopscope-demo-traces). LINES defaults to
# 1,000,000, BIG_LINES to 10,000,000. The log is the demo traffic (resources/demo/README.md,
# "Traces"), generated once into $TMPDIR. The machine may be shared: hopscope runs seven times (a
# run takes about a second, so a burst of load on the host moves it more than GoAccess's twenty),
# GoAccess three; the best processor time (user + system) counts and the median is shown beside
# it; wall time too. Requires GNU time
# (/usr/bin/time) and goaccess (Debian packages `time`, `goaccess`).
set -euo pipefail

build="${1:?usage: $0 BUILD_DIR [LINES] [BIG_LINES]}"
lines="${2:-1000000}"
big="${3:-10000000}"
cli="$build/app/cli/hopscope-cli"
gen="$build/resources/hopscope-demo-traces"
for tool in "$cli" "$gen"; do [ -x "$tool" ] || { echo "missing $tool (build it first)" >&2; exit 2; }; done
command -v goaccess >/dev/null || { echo "goaccess is not installed (apt-get install -y goaccess)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is not installed (apt-get install -y time)" >&2; exit 2; }

work="${TMPDIR:-/tmp}/hopscope-bench-replay"
mkdir -p "$work"
log="$work/access-$lines.log"
if [ ! -s "$log" ]; then
  echo "generating $lines lines of demo traffic → $log" >&2
  "$gen" --out "$log" --requests "$lines" --seed 42
fi
bytes=$(stat -c %s "$log")

# ingress-nginx's default upstreaminfo format in GoAccess's notation (%^ = ignore a field)
ga_format='%h - %^ [%d:%t %^] "%r" %s %b "%R" "%u" %^ %T [%^] [%^] %^ %^ %^ %^ %^'

# run RUNS LABEL CMD...: RUNS runs; prints "best_cpu median_cpu wall rss_kb" (wall and peak RSS of
# the run with the least CPU time)
run() {
  local runs="$1" label="$2"; shift 2
  local best="" bestline="" all=""
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f "%U %S %e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/err.txt" || {
      echo "$label failed:" >&2; cat "$work/err.txt" >&2; exit 1; }
    read -r user sys wall rss < "$work/time.txt"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')
    all="$all $cpu"
    if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best="$cpu"; bestline="$wall $rss"
    fi
  done
  median=$(printf '%s\n' $all | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  echo "$best $median $bestline"
}

echo "log: $lines lines, $((bytes / 1000000)) MB ($log)"
echo "machine: $(nproc) cores, $(. /etc/os-release; echo "$PRETTY_NAME"), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

read -r hs_cpu hs_med hs_wall hs_rss < <(run 7 hopscope "$cli" replay --demo --trace "$log" --quiet)
read -r ga_cpu ga_med ga_wall ga_rss < <(run 3 goaccess goaccess "$log" --no-global-config --log-format="$ga_format" \
  --date-format='%d/%b/%Y' --time-format='%T' --no-progress -o "$work/goaccess.json")

rate() { awk -v n="$lines" -v t="$1" 'BEGIN { printf "%.0f", n / t }'; }
printf "%-42s %12s %10s %14s %10s %12s\n" "program" "lines/s" "CPU s" "median lines/s" "wall s" "peak RSS MB"
printf "%-42s %12s %10s %14s %10s %12s\n" "hopscope-cli replay (1 core), best of 7" "$(rate "$hs_cpu")" "$hs_cpu" "$(rate "$hs_med")" "$hs_wall" "$((hs_rss / 1024))"
printf "%-42s %12s %10s %14s %10s %12s\n" "goaccess $(goaccess --version | head -1 | grep -o '[0-9][0-9.]*[0-9]'), best of 3" "$(rate "$ga_cpu")" "$ga_cpu" "$(rate "$ga_med")" "$ga_wall" "$((ga_rss / 1024))"
awk -v h="$hs_cpu" -v g="$ga_cpu" 'BEGIN { printf "ratio (hopscope ÷ goaccess, lines per CPU second, best runs): %.1f×\n", g / h }'
echo

# Peak memory on a long trace: the generator streams BIG_LINES lines into the replay through a
# pipe (no 2.7 GB file); GNU time measures the replay process itself.
echo "replaying $big lines from a pipe (peak RSS of the replay) ..." >&2
/usr/bin/time -f "%M %U %S %e" -o "$work/rss-big.txt" "$cli" replay --demo --trace <("$gen" --out /dev/stdout --requests "$big" --seed 43) \
  --format ingress-nginx --quiet --summary "$work/big-summary.json" >/dev/null 2>"$work/err-big.txt" || { cat "$work/err-big.txt" >&2; exit 1; }
read -r big_rss big_user big_sys big_wall < "$work/rss-big.txt"
big_lines=$(grep -m1 '"total"' "$work/big-summary.json" | tr -dc '0-9')
echo "hopscope-cli replay, $big_lines lines from a pipe: peak RSS $((big_rss / 1024)) MB (target < 150 MB), CPU $(awk -v u="$big_user" -v s="$big_sys" 'BEGIN { printf "%.1f", u + s }') s"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
