#!/usr/bin/env bash
# Starts kube-apiserver again (same port, same credentials, same etcd data)
# after stop-apiserver.sh, and waits until /readyz is ok.
#   tests/cluster/start-apiserver.sh DIR
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
[[ $# -eq 1 ]] || die "usage: start-apiserver.sh DIR"
[[ -f "$1/env" ]] || die "$1/env not found: no cluster there"
DIR="$(cd "$1" && pwd -P)"
[[ -f "$DIR/pids/etcd.pid" ]] && pid_is_ours "$(cat "$DIR/pids/etcd.pid")" "$DIR" || die "etcd is not running in $DIR"
T0=$(date +%s%N)
OK=0
trap '[[ $OK == 1 ]] || stop_pid kube-apiserver "$DIR" KILL 5' EXIT
start_apiserver "$DIR" || die "kube-apiserver failed to start (see $DIR/logs/kube-apiserver.log)"
set_env_var "$DIR" APISERVER_PID "$APISERVER_PID"
OK=1
say "kube-apiserver ready again on port $APISERVER_PORT in $(( ($(date +%s%N) - T0) / 1000000 )) ms (pid $APISERVER_PID)"
