#!/usr/bin/env bash
# Runs a command that must not outlive a given process: `tied.sh <pid> cmd args…`.
# When <pid> disappears (exit, crash or SIGKILL of a test runner), the command is terminated.
# Why: test harnesses start brokers and sidecars; a runner killed mid-suite must not leak them.
set -u
watch=${1:?pid to follow}; shift
"$@" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit' TERM INT
while kill -0 "$watch" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
if kill -0 "$child" 2>/dev/null; then
  kill -TERM "$child" 2>/dev/null
  for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$child" 2>/dev/null
fi
wait "$child"
