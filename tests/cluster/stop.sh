#!/usr/bin/env bash
# Stops everything start.sh (and restart-apiserver.sh) started in DIR:
# the watchdog, kube-apiserver and etcd. Safe to run twice, and on a DIR whose
# start failed midway. Leaves DIR's files in place (the caller owns DIR).
#   tests/cluster/stop.sh DIR
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$HERE/lib.sh"
[[ $# -eq 1 ]] || die "usage: stop.sh DIR"
[[ -d "$1" ]] || die "$1 is not a directory"
DIR="$(cd "$1" && pwd -P)"
[[ -d "$DIR/pids" ]] || { say "nothing to stop in $DIR"; exit 0; }
stop_pid watchdog "$DIR" TERM 5
stop_pid kube-apiserver "$DIR" TERM 20
stop_pid etcd "$DIR" TERM 20
left=""
for f in "$DIR"/pids/*.pid; do
  [[ -e "$f" ]] || continue
  left="$left $(basename "$f" .pid)"
done
[[ -z "$left" ]] || die "could not stop:$left"
say "stopped the cluster in $DIR"
