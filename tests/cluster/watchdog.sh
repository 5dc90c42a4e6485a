#!/usr/bin/env bash
# Started by start.sh --owner-pid: stops the cluster in DIR once OWNER exits.
#   watchdog.sh DIR OWNER_PID
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="$1" OWNER="$2"
sleeper=""
trap '[[ -n "$sleeper" ]] && kill "$sleeper" 2>/dev/null; exit 0' TERM INT
while kill -0 "$OWNER" 2>/dev/null; do
  sleep 1 &
  sleeper=$!
  wait "$sleeper"
  sleeper=""
done
echo "watchdog: owner pid $OWNER is gone; stopping the cluster in $DIR"
# stop.sh must not try to stop us: we are exiting anyway.
rm -f "$DIR/pids/watchdog.pid"
exec bash "$HERE/stop.sh" "$DIR"
