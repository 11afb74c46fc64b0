#!/usr/bin/env bash
# Provides redis-server for the Argo CD of the cluster tier (Argo CD caches manifests and app state
# in Redis) in $TASKTIDE_CACHE/redis-<version>/ and prints that directory.
# From Debian: the server binary ships in `redis-tools` as redis-check-rdb (the `redis-server`
# package only adds a symlink to it plus a system service its maintainer script would start), so
# redis-tools is installed and the cache dir holds a redis-server symlink: a server runs only when a
# test starts one, on its own port.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
REDIS_VERSION="7.0.15"   # Debian 12 (bookworm): 5:7.0.15-1~deb12u*
out="$TASKTIDE_CACHE/redis-$REDIS_VERSION"
if [ -x "$out/redis-server" ]; then echo "$out"; exit 0; fi
if [ ! -x /usr/bin/redis-check-rdb ]; then
  log "installing Debian's redis-tools (first run only)"
  if ! apt-cache show redis-tools >/dev/null 2>&1; then as_root apt-get update -qq; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-tools >&2
fi
rm -rf "$out.partial" && mkdir -p "$out.partial"
ln -s /usr/bin/redis-check-rdb "$out.partial/redis-server"
version="$("$out.partial/redis-server" --version)"
[[ "$version" == *"v=$REDIS_VERSION"* ]] || { log "unexpected redis-server version: $version"; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
log "redis-server ready in $out"
echo "$out"
