#!/usr/bin/env bash
# Provides promtool for the alert-rule and PromQL checks (`promtool check rules`, `promtool test
# rules`). It comes from Debian's `prometheus` package, but installing that package would pull in
# ~96 MB, a dozen JavaScript libraries for the web UI and a Prometheus daemon its maintainer script
# tries to start. So the .deb is only downloaded (`apt-get download`) and promtool alone is
# extracted into $TASKTIDE_CACHE/promtool-<version>/. Prints that directory. Idempotent: a cached
# binary returns at once.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
PROMTOOL_VERSION="2.42.0"   # Debian 12 (bookworm): prometheus 2.42.0+ds-5+deb12u1
out="$TASKTIDE_CACHE/promtool-$PROMTOOL_VERSION"
if [ -x "$out/promtool" ]; then echo "$out"; exit 0; fi

log "extracting promtool $PROMTOOL_VERSION from Debian's prometheus package (first run only)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download needs the package lists; fetch them once when this machine has none yet.
if ! apt-cache show prometheus >/dev/null 2>&1; then as_root apt-get update -qq; fi
# _apt cannot write into a root-only mktemp dir; a world-writable one avoids the sandbox warning.
chmod 0777 "$work"
(cd "$work" && apt-get download -qq prometheus)
dpkg-deb -x "$work"/prometheus_*.deb "$work/root"
rm -rf "$out.partial" && mkdir -p "$out.partial"
install -m 0755 "$work/root/usr/bin/promtool" "$out.partial/promtool"
version="$("$out.partial/promtool" --version 2>&1)"
[[ "$version" == *"version $PROMTOOL_VERSION"* ]] || { log "unexpected promtool version: $version"; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
log "promtool ready in $out"
echo "$out"
