#!/usr/bin/env bash
# Starts a fresh single-node Kubernetes control plane (etcd + kube-apiserver,
# no controllers, no kubelet) for Hopscope's integration tests.
#
#   tests/cluster/start.sh DIR [--owner-pid PID]
#
# DIR is created if needed and must not hold a running cluster. Everything the
# cluster needs lives in DIR: certificates (pki/), etcd data (etcd/), logs
# (logs/), pid files (pids/), kubeconfigs and the description files
#   DIR/env        shell-sourceable KEY=VALUE lines (no quoting needed)
#   DIR/env.json   the same keys as one JSON object of strings
# which are also printed on stdout once the API server answers /readyz ok.
#
# --owner-pid PID (or HOPSCOPE_CLUSTER_OWNER_PID): a watchdog stops the
# cluster when that process exits, so a crashed test leaves nothing behind.
#
# On any failure everything started so far is stopped again.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"

DIR_ARG="" OWNER_PID="${HOPSCOPE_CLUSTER_OWNER_PID:-}"
while (($#)); do
  case "$1" in
    --owner-pid) OWNER_PID="${2:-}"; shift 2 || die "--owner-pid needs a PID" ;;
    --owner-pid=*) OWNER_PID="${1#*=}"; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [[ -z "$DIR_ARG" ]] || die "only one DIR please"; DIR_ARG="$1"; shift ;;
  esac
done
[[ -n "$DIR_ARG" ]] || die "usage: start.sh DIR [--owner-pid PID]"
if [[ -n "$OWNER_PID" ]]; then
  [[ "$OWNER_PID" =~ ^[0-9]+$ ]] && kill -0 "$OWNER_PID" 2>/dev/null || die "--owner-pid $OWNER_PID is not a running process"
fi
command -v openssl >/dev/null || die "openssl is required (run tests/cluster/build.sh, which installs it, or apt-get install openssl)"

T0=$(date +%s%N)
DIR="$(cluster_dir "$DIR_ARG")"
BIN="$(bin_dir)"
for b in etcd kube-apiserver kubectl seed exec-plugin faultproxy; do
  [[ -x "$BIN/$b" ]] || die "$BIN/$b is missing; run tests/cluster/build.sh"
done
for name in etcd kube-apiserver watchdog; do
  if [[ -f "$DIR/pids/$name.pid" ]] && pid_is_ours "$(cat "$DIR/pids/$name.pid")" "$DIR"; then
    die "$DIR already has a running cluster ($name pid $(cat "$DIR/pids/$name.pid")); run stop.sh $DIR first"
  fi
done
[[ ! -e "$DIR/etcd" ]] || die "$DIR/etcd exists: start.sh wants a fresh directory (use restart-apiserver.sh to restart the API server)"

OK=0
cleanup() {
  local rc=$?
  if [[ $OK != 1 ]]; then
    say "start failed (exit $rc); stopping what was started"
    stop_pid watchdog "$DIR" TERM 5
    stop_pid kube-apiserver "$DIR" TERM 10
    stop_pid etcd "$DIR" TERM 10
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$DIR/pki" "$DIR/logs" "$DIR/pids"
PKI="$DIR/pki"

# ---- credentials -------------------------------------------------------------
(
  umask 077
  cd "$PKI"
  ossl() { openssl "$@" 2>>"$DIR/logs/openssl.log" >/dev/null || die "openssl $1 failed (see $DIR/logs/openssl.log)"; }
  ossl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
    -subj "/CN=hopscope-test-ca" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
  # issue NAME SUBJECT KEYSPEC EXTENSIONS...
  issue() {
    local name="$1" subj="$2" key="$3"; shift 3
    ossl req -new -newkey "$key" -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj"
    printf '%s\n' "$@" > "$name.ext"
    ossl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 12)" \
      -days 825 -out "$name.crt" -extfile "$name.ext"
    rm -f "$name.csr" "$name.ext"
  }
  client_ext=("basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=clientAuth")
  issue apiserver "/CN=kube-apiserver" rsa:2048 \
    "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" \
    "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" &
  issue cert-user "/O=hopscope-readers/CN=cert-user" rsa:2048 "${client_ext[@]}" &
  issue cert-user-ec "/O=hopscope-readers/CN=cert-user-ec" ec:<(openssl ecparam -name prime256v1) "${client_ext[@]}" &
  issue exec-cert-user "/O=hopscope-readers/CN=exec-cert-user" rsa:2048 "${client_ext[@]}" &
  ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key &
  wait
  ossl pkey -in sa.key -pubout -out sa.pub
  for f in ca.crt apiserver.crt cert-user.crt cert-user-ec.crt exec-cert-user.crt sa.pub sa.key; do
    [[ -s "$f" ]] || die "failed to create $PKI/$f (see $DIR/logs/openssl.log)"
  done
  chmod 644 ./*.crt sa.pub

  # Static tokens: token,user,uid,"groups". exec-token-invalid is deliberately absent.
  admin_token="$(openssl rand -hex 24)"
  jane_token="$(openssl rand -hex 24)"
  printf '%s\n' "$admin_token" > admin.token
  printf '%s\n' "$jane_token" > jane.token
  printf '%s\n' exec-token-valid > exec-user.token
  {
    echo "$admin_token,admin,uid-admin,\"system:masters\""
    echo "$jane_token,jane,uid-jane,\"hopscope-devs\""
    echo "exec-token-valid,exec-user,uid-exec-user,\"hopscope-readers\""
  } > tokens.csv
)

# ---- ports -------------------------------------------------------------------
read -r ETCD_PORT ETCD_PEER_PORT APISERVER_PORT < <("$BIN/seed" free-ports 3) || die "could not find free ports"
[[ -n "$APISERVER_PORT" ]] || die "could not find free ports"

# ---- kubeconfigs ---------------------------------------------------------------
b64() { base64 -w0 < "$1"; }
CA_B64="$(b64 "$PKI/ca.crt")"
# kubeconfig FILE USER <user-yaml-lines...>
kubeconfig() {
  local file="$1" user="$2"; shift 2
  (
    umask 077
    cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: hopscope-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $CA_B64
users:
- name: $user
  user:
$(printf '    %s\n' "$@")
contexts:
- name: $user@hopscope-test
  context:
    cluster: hopscope-test
    user: $user
    namespace: default
current-context: $user@hopscope-test
EOF
  )
}
kubeconfig "$DIR/admin.kubeconfig" admin "token: $(cat "$PKI/admin.token")"
kubeconfig "$DIR/jane.kubeconfig" jane "token: $(cat "$PKI/jane.token")"
kubeconfig "$DIR/cert-user.kubeconfig" cert-user \
  "client-certificate-data: $(b64 "$PKI/cert-user.crt")" "client-key-data: $(b64 "$PKI/cert-user.key")"
kubeconfig "$DIR/exec.kubeconfig" exec-user \
  "exec:" \
  "  apiVersion: client.authentication.k8s.io/v1" \
  "  command: $BIN/exec-plugin" \
  "  interactiveMode: Never" \
  "  provideClusterInfo: true" \
  "  env:" \
  "  - name: HS_EXEC_TOKEN" \
  "    value: exec-token-valid"

# ---- env file ------------------------------------------------------------------
cat > "$DIR/env" <<EOF
CLUSTER_DIR=$DIR
K8S_VERSION=$(basename "$(dirname "$BIN")")
BIN_DIR=$BIN
KUBECTL=$BIN/kubectl
SEED=$BIN/seed
FAULTPROXY=$BIN/faultproxy
EXEC_PLUGIN=$BIN/exec-plugin
GATEWAY_API_CRDS=$(ls -d "$(dirname "$BIN")"/crds/gateway-api-* 2>/dev/null | tail -n1)
APISERVER_HOST=127.0.0.1
APISERVER_PORT=$APISERVER_PORT
APISERVER_URL=https://127.0.0.1:$APISERVER_PORT
ETCD_PORT=$ETCD_PORT
ETCD_PEER_PORT=$ETCD_PEER_PORT
ETCD_URL=http://127.0.0.1:$ETCD_PORT
CA_FILE=$PKI/ca.crt
CA_KEY_FILE=$PKI/ca.key
SERVER_CERT_FILE=$PKI/apiserver.crt
SERVER_KEY_FILE=$PKI/apiserver.key
SA_KEY_FILE=$PKI/sa.key
SA_PUB_FILE=$PKI/sa.pub
TOKEN_AUTH_FILE=$PKI/tokens.csv
ADMIN_USER=admin
ADMIN_TOKEN_FILE=$PKI/admin.token
ADMIN_KUBECONFIG=$DIR/admin.kubeconfig
JANE_USER=jane
JANE_TOKEN_FILE=$PKI/jane.token
JANE_KUBECONFIG=$DIR/jane.kubeconfig
CERT_USER=cert-user
CERT_USER_GROUP=hopscope-readers
CERT_USER_CERT_FILE=$PKI/cert-user.crt
CERT_USER_KEY_FILE=$PKI/cert-user.key
CERT_USER_KUBECONFIG=$DIR/cert-user.kubeconfig
CERT_USER_EC_CERT_FILE=$PKI/cert-user-ec.crt
CERT_USER_EC_KEY_FILE=$PKI/cert-user-ec.key
EXEC_USER=exec-user
EXEC_TOKEN_VALID=exec-token-valid
EXEC_TOKEN_INVALID=exec-token-invalid
EXEC_TOKEN_FILE=$PKI/exec-user.token
EXEC_KUBECONFIG=$DIR/exec.kubeconfig
EXEC_CERT_USER=exec-cert-user
EXEC_CERT_FILE=$PKI/exec-cert-user.crt
EXEC_KEY_FILE=$PKI/exec-cert-user.key
LOG_DIR=$DIR/logs
ETCD_PID=
APISERVER_PID=
WATCHDOG_PID=
OWNER_PID=$OWNER_PID
EOF
write_env_json "$DIR"

# ---- etcd ----------------------------------------------------------------------
mkdir -p "$DIR/etcd"
chmod 700 "$DIR/etcd"
"$BIN/etcd" \
  --name=hopscope \
  --data-dir="$DIR/etcd" \
  --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster="hopscope=http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster-state=new \
  --unsafe-no-fsync=true \
  --quota-backend-bytes=8589934592 \
  --log-level=warn \
  </dev/null >>"$DIR/logs/etcd.log" 2>&1 &
ETCD_PID=$!
echo "$ETCD_PID" > "$DIR/pids/etcd.pid"
set_env_var "$DIR" ETCD_PID "$ETCD_PID"
for ((i = 0; i < 300; i++)); do
  kill -0 "$ETCD_PID" 2>/dev/null || { tail -n 20 "$DIR/logs/etcd.log" >&2; die "etcd exited during start-up"; }
  port_open "$ETCD_PORT" && break
  sleep 0.05
done
port_open "$ETCD_PORT" || die "etcd did not open port $ETCD_PORT within 15s (see $DIR/logs/etcd.log)"

# ---- kube-apiserver ---------------------------------------------------------------
start_apiserver "$DIR" || die "kube-apiserver failed to start (see $DIR/logs/kube-apiserver.log)"
set_env_var "$DIR" APISERVER_PID "$APISERVER_PID"

# ---- RBAC for the test users ----------------------------------------------------
"$BIN/kubectl" --kubeconfig "$DIR/admin.kubeconfig" apply -f "$HERE/rbac.yaml" >"$DIR/logs/rbac.log" 2>&1 \
  || { cat "$DIR/logs/rbac.log" >&2; die "applying rbac.yaml failed"; }

# ---- watchdog ------------------------------------------------------------------------
if [[ -n "$OWNER_PID" ]]; then
  bash "$HERE/watchdog.sh" "$DIR" "$OWNER_PID" </dev/null >>"$DIR/logs/watchdog.log" 2>&1 &
  echo $! > "$DIR/pids/watchdog.pid"
  set_env_var "$DIR" WATCHDOG_PID "$!"
fi

OK=1
T1=$(date +%s%N)
say "cluster ready in $(( (T1 - T0) / 1000000 )) ms: $(grep '^APISERVER_URL=' "$DIR/env" | cut -d= -f2) (env: $DIR/env)"
cat "$DIR/env"
