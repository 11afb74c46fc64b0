#!/usr/bin/env bash
# Shared settings for the local-platform scripts: pinned versions and the cache outside the repo.
set -euo pipefail
: "${TASKTIDE_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/tasktide}"
export TASKTIDE_CACHE
# 1.18.1, not 1.18.3: the module proxy here does not serve 1.18.3's durabletask-go v0.12.4,
# iskorotkov/avro v2.33.1 or its pulsar-client-go pseudo-version, so 1.18.3 cannot be built.
DAPR_VERSION="1.18.1"
KAFKA_VERSION="4.3.1"
BUN_VERSION="$(sed -n 's/.*"packageManager": *"bun@\([^"]*\)".*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../../package.json")"
export DAPR_VERSION KAFKA_VERSION BUN_VERSION
mkdir -p "$TASKTIDE_CACHE"
log() { printf '[platform] %s\n' "$*" >&2; }
# Run a command as root when we are not root (CI machines run as root already).
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
