#!/usr/bin/env bash
# Fails when processes a test run started are still alive: `leftovers.sh <marker> [grace-s] [pgid]`.
# A process is the run's when its command line contains <marker> (the run's own temp directory,
# which every helper's data dir, config and profile live under) or, given <pgid>, when it is in
# the runner's process group (children it started directly). Helpers get <grace> seconds to go
# (tied.sh notices a dead runner within a second; a broker takes a few to stop); then survivors are
# listed, killed, and the script exits 1 — a leak is a test failure, not a nuisance.
set -u
marker=${1:?marker}; grace=${2:-30}; group=${3:-}
survivors() {
  local pid args
  for pid in $( { pgrep -f -- "$marker"; [ -n "$group" ] && pgrep -g "$group"; } | sort -u); do
    args=$( (tr '\0' ' ' <"/proc/$pid/cmdline") 2>/dev/null) || continue
    # This script and its own subshells name the marker too.
    case "$args" in "" | *leftovers.sh*) continue ;; esac
    echo "$pid"
  done
}
for _ in $(seq 1 $((grace * 2))); do
  [ -z "$(survivors)" ] && exit 0
  sleep 0.5
done
pids=$(survivors)
[ -z "$pids" ] && exit 0
echo "leftover processes from the test run (still alive ${grace}s after it ended):" >&2
# shellcheck disable=SC2086 # one pid per word
ps -o pid=,rss=,args= -p "$(echo $pids | tr ' ' ,)" 2>/dev/null | cut -c1-240 >&2
# shellcheck disable=SC2086
kill -KILL $pids 2>/dev/null
exit 1
