#!/usr/bin/env bash
# Stops a cluster started by start-postgres.sh. Usage: stop-postgres.sh <data-dir>
source "$(dirname "$0")/lib.sh"
data=${1:?data dir}
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && bindir=$d; done
[ -f "$data/PG_VERSION" ] || exit 0
if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
else "$bindir/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true; fi
