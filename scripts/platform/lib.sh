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
# Prints the directory holding <binary> from Debian's <package>, extracting it into
# $TASKTIDE_CACHE/<binary>-<version>/ on first use (idempotent: a cached binary returns at once).
# The .deb is only downloaded (`apt-get download`), never installed: the packages we take tools
# from (prometheus, prometheus-alertmanager) would start a daemon from their maintainer scripts and
# pull in their web UIs. `<binary> --version` must name <version>, so a Debian update cannot drift
# silently. A subshell, so its EXIT trap removes the scratch directory when it returns.
#   deb_binary prometheus promtool 2.42.0
deb_binary() (
  package="$1" binary="$2" version="$3"
  out="$TASKTIDE_CACHE/$binary-$version"
  if [ -x "$out/$binary" ]; then echo "$out"; exit 0; fi

  log "extracting $binary $version from Debian's $package package (first run only)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # apt-get download needs the package lists; fetch them once when this machine has none yet.
  if ! apt-cache show "$package" >/dev/null 2>&1; then as_root apt-get update -qq; fi
  # _apt cannot write into a root-only mktemp dir; a world-writable one avoids the sandbox warning.
  chmod 0777 "$work"
  (cd "$work" && apt-get download -qq "$package")
  dpkg-deb -x "$work/$package"_*.deb "$work/root"
  rm -rf "$out.partial" && mkdir -p "$out.partial"
  install -m 0755 "$work/root/usr/bin/$binary" "$out.partial/$binary"
  found="$("$out.partial/$binary" --version 2>&1)"
  [[ "$found" == *"version $version"* ]] || { log "unexpected $binary version: $found"; exit 1; }
  rm -rf "$out" && mv "$out.partial" "$out"
  log "$binary ready in $out"
  echo "$out"
)
