#!/usr/bin/env bash
# Stops only kube-apiserver of the cluster in DIR; etcd and the data stay.
#   tests/cluster/stop-apiserver.sh DIR [--kill]
# --kill sends SIGKILL (a crash) instead of SIGTERM (graceful shutdown).
# start-apiserver.sh DIR brings it back on the same port.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
[[ $# -ge 1 && $# -le 2 ]] || die "usage: stop-apiserver.sh DIR [--kill]"
[[ -f "$1/env" ]] || die "$1/env not found: no cluster there"
DIR="$(cd "$1" && pwd -P)"
sig=TERM
if [[ $# -eq 2 ]]; then
  [[ "$2" == --kill ]] || die "unknown option $2"
  sig=KILL
fi
[[ -f "$DIR/pids/kube-apiserver.pid" ]] || die "kube-apiserver is not running in $DIR"
stop_pid kube-apiserver "$DIR" "$sig" 20
set_env_var "$DIR" APISERVER_PID ""
say "kube-apiserver stopped (SIG$sig)"
