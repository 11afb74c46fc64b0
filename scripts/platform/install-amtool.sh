#!/usr/bin/env bash
# Provides amtool for the Alertmanager routing-tree checks (`amtool config routes test`,
# `amtool check-config`). It comes from Debian's `prometheus-alertmanager` package, but installing
# that package would start an Alertmanager daemon from its maintainer script and pull in the web UI's
# assets. So, as for promtool (install-promtool.sh), the .deb is only downloaded (`apt-get download`)
# and amtool alone is extracted into $TASKTIDE_CACHE/amtool-<version>/. Prints that directory.
# Idempotent: a cached binary returns at once.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
AMTOOL_VERSION="0.25.0"   # Debian 12 (bookworm): prometheus-alertmanager 0.25.0-1+b4
out="$TASKTIDE_CACHE/amtool-$AMTOOL_VERSION"
if [ -x "$out/amtool" ]; then echo "$out"; exit 0; fi

log "extracting amtool $AMTOOL_VERSION from Debian's prometheus-alertmanager package (first run only)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download needs the package lists; fetch them once when this machine has none yet.
if ! apt-cache show prometheus-alertmanager >/dev/null 2>&1; then as_root apt-get update -qq; fi
# _apt cannot write into a root-only mktemp dir; a world-writable one avoids the sandbox warning.
chmod 0777 "$work"
(cd "$work" && apt-get download -qq prometheus-alertmanager)
dpkg-deb -x "$work"/prometheus-alertmanager_*.deb "$work/root"
rm -rf "$out.partial" && mkdir -p "$out.partial"
install -m 0755 "$work/root/usr/bin/amtool" "$out.partial/amtool"
version="$("$out.partial/amtool" --version 2>&1)"
[[ "$version" == *"version $AMTOOL_VERSION"* ]] || { log "unexpected amtool version: $version"; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
log "amtool ready in $out"
echo "$out"
