#!/usr/bin/env bash
# Smoke test of the real-cluster harness: build (if needed), start a cluster in
# a temporary directory, seed --small, check the objects and the permissions of
# every test user, restart the API server, send a request through faultproxy,
# then let the owner watchdog stop everything and check nothing is left.
# Exits non-zero on any failure. Last line: "smoke: N passed, N failed".
#   tests/cluster/smoke.sh            (KEEP=1 keeps the temp dir for a look)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PASS=0 FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok   - $*"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
# expect_eq WHAT EXPECTED ACTUAL
expect_eq() { if [[ "$2" == "$3" ]]; then pass "$1 ($3)"; else fail "$1: expected '$2', got '$3'"; fi; }
finish() { echo "smoke: $PASS passed, $FAIL failed"; [[ $FAIL == 0 ]]; }
abort() { fail "$*"; CLEAN_EXIT=1; finish; exit 1; }

DIR="" OWNER="" FP_PID="" CLEAN_EXIT=0
cleanup() {
  local rc=$?
  [[ -z "$FP_PID" ]] || kill "$FP_PID" 2>/dev/null || true
  if [[ -n "$DIR" ]]; then
    bash "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
    if [[ "${KEEP:-0}" == 1 || $rc != 0 ]]; then
      echo "smoke: cluster dir kept: $DIR (logs in $DIR/logs)"
    else
      rm -rf "$DIR"
    fi
  fi
  [[ -z "$OWNER" ]] || kill "$OWNER" 2>/dev/null || true
  if [[ $rc != 0 && $CLEAN_EXIT == 0 ]]; then echo "smoke: aborted (exit $rc)"; fi
}
trap cleanup EXIT

t=$SECONDS
BIN="$(bash "$HERE/build.sh")" || abort "build.sh failed"
BIN="${BIN##*$'\n'}"
pass "build.sh ($((SECONDS - t)) s): $BIN"

DIR="$(mktemp -d "${TMPDIR:-/tmp}/hopscope-smoke.XXXXXX")"
# The cluster's owner: when this process ends, the watchdog stops the cluster.
sleep 100000 >/dev/null 2>&1 &
OWNER=$!
t0=$(date +%s%N)
bash "$HERE/start.sh" "$DIR" --owner-pid "$OWNER" >/dev/null || abort "start.sh failed"
pass "start.sh in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
# shellcheck disable=SC1091
source "$DIR/env"
for k in APISERVER_URL APISERVER_PORT CA_FILE ADMIN_KUBECONFIG JANE_KUBECONFIG CERT_USER_KUBECONFIG \
         EXEC_KUBECONFIG ETCD_PID APISERVER_PID WATCHDOG_PID; do
  [[ -n "${!k:-}" ]] || fail "env has no $k"
done
grep -q "\"APISERVER_URL\": \"https://127.0.0.1:$APISERVER_PORT\"" "$DIR/env.json" \
  && pass "env.json has APISERVER_URL" || fail "env.json lacks APISERVER_URL"

k() { local kc="$1"; shift; "$KUBECTL" --kubeconfig "$kc" --request-timeout=20s "$@"; }
count() { local kc="$1"; shift; k "$kc" get "$@" --no-headers 2>/dev/null | wc -l | tr -d ' '; }
# status_of KUBECONFIG ARGS...: "ok", or the reason kubectl printed (Forbidden, Unauthorized...)
status_of() {
  local kc="$1" out; shift
  if out="$(k "$kc" "$@" 2>&1 >/dev/null)"; then echo ok; return; fi
  if [[ "$out" =~ \((Forbidden|Unauthorized|NotFound)\) ]]; then echo "${BASH_REMATCH[1]}"; else echo "error: $out"; fi
}

t0=$(date +%s%N)
"$SEED" --kubeconfig "$ADMIN_KUBECONFIG" --small >"$DIR/logs/seed.log" 2>&1 || { cat "$DIR/logs/seed.log"; abort "seed --small failed"; }
pass "seed --small in $(( ($(date +%s%N) - t0) / 1000000 )) ms"

A="$ADMIN_KUBECONFIG"
expect_eq "admin: ingresses" 6 "$(count "$A" ingresses -A)"
expect_eq "admin: ingressclasses" 2 "$(count "$A" ingressclasses)"
expect_eq "admin: seeded services" 7 "$(count "$A" services -A -l hopscope.test/seeded=true)"
expect_eq "admin: endpointslices" 5 "$(count "$A" endpointslices -A)"
expect_eq "admin: pods" 10 "$(count "$A" pods -A)"
expect_eq "admin: ready pods" 8 "$(k "$A" get pods -A -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True)"
expect_eq "admin: web-0 IP" 10.244.1.10 "$(k "$A" get pod -n team-a web-0 -o jsonpath='{.status.podIP}')"
expect_eq "admin: b-ingress got the default class" nginx "$(k "$A" get ingress -n team-b b-ingress -o jsonpath='{.spec.ingressClassName}')"
expect_eq "admin: gateway objects" 3 "$(( $(count "$A" gatewayclasses) + $(count "$A" gateways -A) + $(count "$A" httproutes -A) ))"
expect_eq "admin: secrets in team-a" ok "$(status_of "$A" get secret -n team-a a-example-tls)"

J="$JANE_KUBECONFIG"
expect_eq "jane: pods in team-a" 4 "$(count "$J" pods -n team-a)"
expect_eq "jane: pods in team-b" Forbidden "$(status_of "$J" get pods -n team-b)"
expect_eq "jane: pods cluster-wide" Forbidden "$(status_of "$J" get pods -A)"
expect_eq "jane: secrets" Forbidden "$(status_of "$J" get secrets -n team-a)"
expect_eq "jane: ingresses cluster-wide" 6 "$(count "$J" ingresses -A)"
expect_eq "jane: endpointslices cluster-wide" 5 "$(count "$J" endpointslices -A)"
expect_eq "jane: raw GET team-b pods" Forbidden "$(status_of "$J" get --raw /api/v1/namespaces/team-b/pods)"

C="$CERT_USER_KUBECONFIG"
expect_eq "cert-user: identity" cert-user "$(k "$C" auth whoami -o jsonpath='{.status.userInfo.username}')"
expect_eq "cert-user: ingresses" 6 "$(count "$C" ingresses -A)"
expect_eq "cert-user: secrets" Forbidden "$(status_of "$C" get secrets -A)"

E="$EXEC_KUBECONFIG"
expect_eq "exec-user (exec plugin): identity" exec-user "$(k "$E" auth whoami -o jsonpath='{.status.userInfo.username}')"
expect_eq "token not in the token file" Unauthorized "$(status_of "$A" --token="$EXEC_TOKEN_INVALID" get --raw /api)"

# ---- API server restart: same port, data kept ---------------------------------------
old_port="$APISERVER_PORT" old_pid="$APISERVER_PID"
t0=$(date +%s%N)
bash "$HERE/restart-apiserver.sh" "$DIR" >/dev/null 2>&1 || abort "restart-apiserver.sh failed"
pass "restart-apiserver.sh in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
source "$DIR/env"
expect_eq "apiserver port after restart" "$old_port" "$APISERVER_PORT"
[[ "$APISERVER_PID" != "$old_pid" ]] && pass "apiserver pid changed" || fail "apiserver pid unchanged"
expect_eq "readyz after restart" ok "$(k "$A" get --raw /readyz 2>&1)"
expect_eq "ingresses after restart" 6 "$(count "$A" ingresses -A)"

# ---- faultproxy ------------------------------------------------------------------------
"$FAULTPROXY" -target "127.0.0.1:$APISERVER_PORT" -ports-file "$DIR/faultproxy.ports" \
  </dev/null >/dev/null 2>"$DIR/logs/faultproxy.log" &
FP_PID=$!
for _ in $(seq 50); do [[ -s "$DIR/faultproxy.ports" ]] && break; sleep 0.1; done
[[ -s "$DIR/faultproxy.ports" ]] || abort "faultproxy did not write its ports"
source "$DIR/faultproxy.ports"
ctl() {
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$CONTROL_PORT" || return 1
  printf '%s\n' "$*" >&3
  IFS= read -r -t 5 reply <&3 || reply="(no reply)"
  exec 3>&-
  echo "$reply"
}
sed "s|https://127.0.0.1:$APISERVER_PORT|https://127.0.0.1:$LISTEN_PORT|" "$A" > "$DIR/proxied.kubeconfig"
expect_eq "ingresses through faultproxy (TLS passthrough)" 6 "$(count "$DIR/proxied.kubeconfig" ingresses -A)"
st="$(ctl status)"
[[ "$st" =~ ^OK\ open=[0-9]+\ total=([0-9]+) && ${BASH_REMATCH[1]} -ge 1 ]] && pass "faultproxy status: $st" || fail "faultproxy status: $st"
expect_eq "faultproxy refuse" "OK refusing" "$(ctl refuse)"
expect_eq "request while refusing fails" 1 "$(status_of "$DIR/proxied.kubeconfig" --request-timeout=3s get --raw /readyz | grep -c '^error')"
expect_eq "faultproxy reset" "OK reset" "$(ctl reset)"
expect_eq "readyz through faultproxy" ok "$(k "$DIR/proxied.kubeconfig" get --raw /readyz 2>&1)"
expect_eq "faultproxy quit" "OK bye" "$(ctl quit)"
for _ in $(seq 50); do kill -0 "$FP_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$FP_PID" 2>/dev/null; then fail "faultproxy still running after quit"; else pass "faultproxy exited"; fi
wait "$FP_PID" 2>/dev/null || true
FP_PID=""

# ---- owner exits: the watchdog stops the cluster -----------------------------------------
pids="$ETCD_PID $APISERVER_PID $WATCHDOG_PID"
kill "$OWNER"; wait "$OWNER" 2>/dev/null || true; OWNER=""
left=""
for _ in $(seq 300); do
  left=""
  for p in $pids; do
    # Zombies (state Z) are dead; init reaps them.
    st="$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || true)"
    [[ -n "$st" && "$st" != Z ]] && left="$left $p"
  done
  [[ -z "$left" ]] && break
  sleep 0.1
done
[[ -z "$left" ]] && pass "watchdog stopped etcd, kube-apiserver and itself" || fail "still running after the owner exited:$left"
bash "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 && pass "stop.sh after the watchdog" || fail "stop.sh failed"
stray="$(ps -eo pid=,stat=,args= | awk -v d="$DIR" 'index($0, d) && $2 !~ /^Z/ && $0 !~ /awk/' || true)"
[[ -z "$stray" ]] && pass "no process mentions $DIR" || fail "processes left behind: $stray"

finish
