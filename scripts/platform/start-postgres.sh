#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on 127.0.0.1:<port> for tests and dev:dapr, installing
# Debian's postgresql first if no server binaries exist. Prints the admin DATABASE_URL.
# Usage: start-postgres.sh <data-dir> [port]. Trust auth on loopback only; never for production.
source "$(dirname "$0")/lib.sh"
data=${1:?data dir}; port=${2:-54329}
bindir=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir=$d; done
if [ -z "$bindir" ]; then
  log "installing PostgreSQL from Debian"
  as_root apt-get update -qq >&2 && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bindir=$d; done
fi
[ -n "$bindir" ] || { log "no PostgreSQL server binaries found"; exit 1; }
# The server refuses to run as root: run it as the postgres system user when we are root.
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$data"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$data"
  # mktemp makes 0700 directories; the postgres user must be able to reach its data dir.
  chmod a+x "$(dirname "$data")"
fi
if [ ! -f "$data/PG_VERSION" ]; then
  run "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = ''
max_connections = 200
shared_buffers = 256MB
fsync = ${PG_FSYNC:-on}
synchronous_commit = ${PG_SYNCHRONOUS_COMMIT:-on}
CONF
fi
if ! run "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  run "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null
fi
# PG_TIED_TO=<pid>: pg_ctl daemonizes the server, so it would outlive a test runner that is killed
# before its teardown; a watcher stops it (immediate mode: throwaway data) once that process is gone.
if [ -n "${PG_TIED_TO:-}" ]; then
  setsid bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; '"$(declare -f run)"'; run "$2/pg_ctl" -D "$3" stop -m immediate' \
    pg-tied "$PG_TIED_TO" "$bindir" "$data" </dev/null >/dev/null 2>&1 &
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
