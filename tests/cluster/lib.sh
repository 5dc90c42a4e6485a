# Shared functions of the tests/cluster scripts. Sourced, not executed.
# shellcheck shell=bash

CLUSTER_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

die() { echo "${0##*/}: error: $*" >&2; exit 1; }
say() { echo "${0##*/}: $*" >&2; }

# cluster_dir DIR: absolute path of DIR, which must be a plain path (the env
# file is KEY=VALUE without quoting, so no spaces or shell metacharacters).
cluster_dir() {
  local d="${1:-}"
  [[ -n "$d" ]] || die "usage: ${0##*/} DIR"
  [[ "$d" =~ ^[A-Za-z0-9._/@+-]+$ ]] || die "cluster dir '$d' may only contain letters, digits and ._/@+-"
  mkdir -p "$d" || die "cannot create $d"
  (cd "$d" && pwd -P)
}

# bin_dir: where build.sh put the binaries (HOPSCOPE_CLUSTER_BIN overrides).
bin_dir() {
  if [[ -n "${HOPSCOPE_CLUSTER_BIN:-}" ]]; then
    echo "$HOPSCOPE_CLUSTER_BIN"
    return
  fi
  local out
  out="$(bash "$CLUSTER_HERE/build.sh")" || die "build.sh failed"
  echo "${out##*$'\n'}"
}

# pid_is_ours PID DIR: the process exists and its command line mentions DIR
# (every process we start gets DIR in its arguments), so a recycled PID is
# never killed by mistake.
pid_is_ours() {
  local pid="$1" dir="$2"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  { tr '\0' '\n' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$dir"
}

# stop_pid NAME DIR [SIGNAL] [TIMEOUT_SECONDS]: stop the process recorded in
# DIR/pids/NAME.pid (SIGTERM by default, SIGKILL after the timeout) and
# remove the pid file.
stop_pid() {
  local name="$1" dir="$2" sig="${3:-TERM}" timeout="${4:-15}"
  local f="$dir/pids/$name.pid" pid i
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f" 2>/dev/null || true)"
  if pid_is_ours "$pid" "$dir"; then
    kill -s "$sig" "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 20; i++)); do
      pid_is_ours "$pid" "$dir" || break   # a zombie has an empty cmdline
      sleep 0.05
    done
    if pid_is_ours "$pid" "$dir"; then
      say "$name (pid $pid) did not exit after SIG$sig within ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 100; i++)); do pid_is_ours "$pid" "$dir" || break; sleep 0.05; done
    fi
    # Reap it when it is our own child (start.sh failing midway); no-op otherwise.
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_apiserver DIR: start kube-apiserver with the settings in DIR/env and
# wait until /readyz is ok. Writes DIR/pids/kube-apiserver.pid.
start_apiserver() {
  local dir="$1" timeout="${APISERVER_START_TIMEOUT:-90}"
  # shellcheck disable=SC1091
  source "$dir/env"
  if [[ -f "$dir/pids/kube-apiserver.pid" ]] && pid_is_ours "$(cat "$dir/pids/kube-apiserver.pid")" "$dir"; then
    die "kube-apiserver is already running (pid $(cat "$dir/pids/kube-apiserver.pid"))"
  fi
  # A killed API server can hold its port for a moment after its pid is gone.
  local w
  for ((w = 0; w < 100; w++)); do port_open "$APISERVER_PORT" || break; sleep 0.1; done
  if port_open "$APISERVER_PORT"; then
    die "port $APISERVER_PORT is in use by another process; cannot start kube-apiserver there"
  fi
  mkdir -p "$dir/pids" "$LOG_DIR"
  echo "=== start $(date -u +%FT%TZ)" >> "$LOG_DIR/kube-apiserver.log"
  "$BIN_DIR/kube-apiserver" \
    --etcd-servers="$ETCD_URL" \
    --etcd-prefix=/registry \
    --bind-address=127.0.0.1 \
    --secure-port="$APISERVER_PORT" \
    --advertise-address=127.0.0.1 \
    --cert-dir="$dir/pki/apiserver-generated" \
    --tls-cert-file="$SERVER_CERT_FILE" \
    --tls-private-key-file="$SERVER_KEY_FILE" \
    --client-ca-file="$CA_FILE" \
    --token-auth-file="$TOKEN_AUTH_FILE" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$SA_PUB_FILE" \
    --service-account-signing-key-file="$SA_KEY_FILE" \
    --service-cluster-ip-range=10.96.0.0/16 \
    --authorization-mode=Node,RBAC \
    --disable-admission-plugins=ServiceAccount \
    --endpoint-reconciler-type=none \
    --allow-privileged=true \
    --profiling=false \
    --enable-priority-and-fairness=true \
    --max-requests-inflight=800 \
    --max-mutating-requests-inflight=400 \
    --shutdown-delay-duration=0s \
    --v="${APISERVER_VERBOSITY:-1}" \
    </dev/null >>"$LOG_DIR/kube-apiserver.log" 2>&1 &
  local pid=$!
  echo "$pid" > "$dir/pids/kube-apiserver.pid"
  # shellcheck disable=SC2034  # read by the callers
  APISERVER_PID=$pid

  local ready=0 deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "kube-apiserver exited during start-up; last log lines:"
      tail -n 25 "$LOG_DIR/kube-apiserver.log" >&2
      rm -f "$dir/pids/kube-apiserver.pid"
      return 1
    fi
    if port_open "$APISERVER_PORT" &&
       [[ "$("$BIN_DIR/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" --request-timeout=2s get --raw /readyz 2>/dev/null)" == ok ]]; then
      ready=1
      break
    fi
    sleep 0.1
  done
  if [[ $ready != 1 ]]; then
    say "kube-apiserver not ready after ${timeout}s; last log lines:"
    tail -n 25 "$LOG_DIR/kube-apiserver.log" >&2
    return 1
  fi
}

# set_env_var DIR KEY VALUE: replace KEY in DIR/env (and regenerate env.json).
set_env_var() {
  local dir="$1" key="$2" val="$3"
  local tmp="$dir/env.tmp"
  if grep -q "^$key=" "$dir/env"; then
    sed "s|^$key=.*|$key=$val|" "$dir/env" > "$tmp"
  else
    { cat "$dir/env"; echo "$key=$val"; } > "$tmp"
  fi
  mv -f "$tmp" "$dir/env"
  write_env_json "$dir"
}

# write_env_json DIR: DIR/env.json is DIR/env as one JSON object of strings.
write_env_json() {
  local dir="$1" line key val first=1
  {
    echo "{"
    while IFS= read -r line; do
      [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=(.*)$ ]] || continue
      key="${BASH_REMATCH[1]}" val="${BASH_REMATCH[2]}"
      val="${val//\\/\\\\}"; val="${val//\"/\\\"}"
      [[ $first == 1 ]] || echo ","
      printf '  "%s": "%s"' "$key" "$val"
      first=0
    done < "$dir/env"
    echo
    echo "}"
  } > "$dir/env.json.tmp"
  mv -f "$dir/env.json.tmp" "$dir/env.json"
}
