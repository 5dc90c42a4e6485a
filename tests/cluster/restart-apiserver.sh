#!/usr/bin/env bash
# Restarts only kube-apiserver of the cluster in DIR on the same port;
# etcd and its data are kept. Returns once /readyz is ok again.
#   tests/cluster/restart-apiserver.sh DIR [--kill] [--down-seconds N]
# --kill: SIGKILL instead of SIGTERM; --down-seconds: stay down N seconds.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -ge 1 ]] || { echo "usage: restart-apiserver.sh DIR [--kill] [--down-seconds N]" >&2; exit 1; }
DIR="$1"; shift
kill_opt=() down=0
while (($#)); do
  case "$1" in
    --kill) kill_opt=(--kill); shift ;;
    --down-seconds) down="${2:?--down-seconds needs a number}"; shift 2 ;;
    *) echo "restart-apiserver.sh: unknown option $1" >&2; exit 1 ;;
  esac
done
bash "$HERE/stop-apiserver.sh" "$DIR" "${kill_opt[@]}"
[[ "$down" == 0 ]] || sleep "$down"
bash "$HERE/start-apiserver.sh" "$DIR"
