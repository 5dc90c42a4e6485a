#!/usr/bin/env bash
# CI's hardening stages, run by `./build.sh test` after the normal test suite when CI=true
# (docs/hardening.md):
#
#   asan   AddressSanitizer + UndefinedBehaviorSanitizer build (preset "asan", -O1), whole CTest suite
#   tsan   ThreadSanitizer build (preset "tsan"), the threaded tests: kubeclient, replay, GUI
#   fuzz   libFuzzer build (preset "fuzz", clang), every target on its seed corpus: a fixed seed and run count (CI), or FUZZ_SECONDS each (random seed)
#
# Each stage's failure is reported and the others still run; the exit status is non-zero when any
# failed. The last line is the stages' own summary: "N passed, N failed".
#
# Environment: JOBS (default: cores), FUZZ_SECONDS (unset: the fixed CI budget; set: seconds per
# target, random seed), HS_STAGES (default "asan fuzz"; all three: "asan tsan fuzz"; e.g.
# HS_STAGES=fuzz for one stage), TSAN_TESTS (CTest regex of the TSan stage).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
jobs="${JOBS:-$(nproc)}"
fuzz_seconds="${FUZZ_SECONDS:-}"
# CI runs the ASan+UBSan suite and the bounded fuzzing; the TSan stage is run on demand
# (HS_STAGES="asan tsan fuzz") — its build would add ~20 minutes to a cold CI run.
stages="${HS_STAGES:-asan fuzz}"
export CCACHE_BASEDIR="$here" CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}" CCACHE_NOHASHDIR=1
export QT_QPA_PLATFORM=offscreen

passed=0
failed=0
results=()

header() { printf '\n\033[1m======== %s ========\033[0m\n' "$*"; }

# run_stage NAME FUNCTION: times the stage and records its result.
run_stage() {
  local name="$1" fn="$2" start rc
  header "hardening: $name"
  start=$(date +%s)
  "$fn"
  rc=$?
  local secs=$(( $(date +%s) - start ))
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); results+=("PASS  $name  (${secs}s)")
  else
    failed=$((failed + 1)); results+=("FAIL  $name  (${secs}s, exit $rc)")
  fi
}

configure_preset() {
  local preset="$1" dir="$2"
  if [ ! -f "$dir/build.ninja" ]; then
    cmake --preset "$preset" >/dev/null || return 1
  fi
}

stage_asan() {
  configure_preset asan build-asan || return 1
  cmake --build build-asan -j "$jobs" || return 1
  # A second try for a test that fails once: the suite runs 2-5x slower under ASan, which can
  # expose timing races in the live-cluster tests; a memory error or leak fails both tries.
  ctest --preset asan -j "$jobs" --repeat until-pass:2
}

# The tests whose code runs on more than one thread: the live-cluster client (reflectors, watch
# threads, cancellation), the replay engine and the GUI (workers off the GUI thread).
tsan_tests="${TSAN_TESTS:-^(kubeclient|replay|gui)\.}"

stage_tsan() {
  configure_preset tsan build-tsan || return 1
  # Only what those tests need: the test folders' targets (ninja's per-folder "all").
  cmake --build build-tsan -j "$jobs" --target tests/kubeclient/all tests/replay/all tests/gui/all || return 1
  ctest --preset tsan -j "$jobs" -R "$tsan_tests"
}

# Runs per target in CI: about 20-30 s each on a 2-core machine.
fuzz_runs() {
  case "$1" in
    fuzz_manifest) echo 1500 ;;
    fuzz_trace) echo 20000 ;;
    fuzz_route) echo 15000 ;;
    fuzz_api_json) echo 120000 ;;
    fuzz_kubeconfig) echo 150000 ;;
    fuzz_request) echo 500000 ;;
    fuzz_watch_stream) echo 150000 ;;
    *) echo 20000 ;;
  esac
}

stage_fuzz() {
  configure_preset fuzz build-fuzz || return 1
  cmake --build build-fuzz -j "$jobs" --target fuzzers || return 1
  local work="$here/build-fuzz/run" rc=0 t
  mkdir -p "$work"
  # Address-space layout randomisation off (util-linux's setarch), where the kernel allows it.
  local fixed_layout=()
  if [ -z "${FUZZ_SECONDS:-}" ] && setarch "$(uname -m)" -R true 2>/dev/null; then
    fixed_layout=(setarch "$(uname -m)" -R)
  fi
  for bin in build-fuzz/tests/fuzz/fuzz_*; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    t="$(basename "$bin")"
    local seeds=("$here/tests/fuzz/corpus/${t#fuzz_}")
    # Inputs that once crashed a target are replayed first (tests/fuzz/regressions/<target>/).
    [ -d "$here/tests/fuzz/regressions/${t#fuzz_}" ] && seeds+=("$here/tests/fuzz/regressions/${t#fuzz_}")
    # New inputs go to a scratch corpus (first folder); the checked-in seeds are only read.
    mkdir -p "$work/$t.corpus" "$work/$t.artifacts"
    # FUZZ_SECONDS unset: a fixed seed and a fixed number of runs per target, with address-space
    # randomisation off and no corpus reloading: the same binary then explores exactly the same
    # inputs every run (with ASLR on, coverage drifted between runs of one seed), so CI's verdict
    # on a commit is the one seen before it was pushed. FUZZ_SECONDS set: time-bounded with a
    # random seed, for hunting (docs/hardening.md); a find becomes a regression input and a test.
    local budget
    if [ -n "${FUZZ_SECONDS:-}" ]; then
      budget=(-max_total_time="$fuzz_seconds")
      printf -- '--- %s: %ss on %s\n' "$t" "$fuzz_seconds" "tests/fuzz/corpus/${t#fuzz_}"
    else
      budget=(-seed=1 -runs="$(fuzz_runs "$t")" -reload=0 -max_total_time=180)
      printf -- '--- %s: seed 1, %s runs on %s\n' "$t" "$(fuzz_runs "$t")" "tests/fuzz/corpus/${t#fuzz_}"
    fi
    # The fixed run starts from the checked-in seeds only (a hunt keeps what earlier hunts found).
    [ -z "${FUZZ_SECONDS:-}" ] && rm -rf "${work:?}/$t.corpus" && mkdir -p "$work/$t.corpus"
    if "${fixed_layout[@]}" "$bin" "${budget[@]}" -timeout=10 -rss_limit_mb=2560 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$work/$t.artifacts/" \
        "$work/$t.corpus" "${seeds[@]}" > "$work/$t.log" 2>&1; then
      grep -E '^stat::number_of_executed_units|^Done' "$work/$t.log" | tr '\n' ' '; echo
    else
      rc=1
      echo "FAILED: $t (artifacts in $work/$t.artifacts; reproduce: $bin <artifact>)"
      tail -n 60 "$work/$t.log"
    fi
  done
  return $rc
}

total_start=$(date +%s)
for s in $stages; do
  case "$s" in
    asan) run_stage "ASan+UBSan build, full test suite" stage_asan ;;
    tsan) run_stage "TSan build, threaded tests ($tsan_tests)" stage_tsan ;;
    fuzz) run_stage "libFuzzer targets (${fuzz_seconds:-fixed seed and runs}${fuzz_seconds:+s each})" stage_fuzz ;;
    *) echo "unknown stage '$s' (asan, tsan, fuzz)"; failed=$((failed + 1)); results+=("FAIL  $s  (unknown)") ;;
  esac
done

header "hardening summary ($(( $(date +%s) - total_start ))s)"
for r in "${results[@]}"; do echo "$r"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
