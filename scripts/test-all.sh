#!/usr/bin/env bash
# Every test tier, in order: lint, typecheck, unit + API suites on PGlite *and* real Postgres,
# GitOps/CI validation, and the real-stack tier (Kafka + daprd + scheduler + Postgres).
# Called by `./run test` and `.ci/run`; installs and caches the tools it needs outside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/platform/lib.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/tasktide-test.XXXXXX")
cleanup() {
  scripts/platform/stop-postgres.sh "$work/pg" || true
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

step() { printf '\n==> %s\n' "$*" >&2; }

step "lint (biome)"
bunx biome check .
step "typecheck (tsc --noEmit)"
bunx tsc --noEmit -p tsconfig.json

step "PostgreSQL for the Postgres half of the suites"
port=$(( 55000 + RANDOM % 5000 ))
export DATABASE_URL
DATABASE_URL=$(PG_FSYNC=off PG_SYNCHRONOUS_COMMIT=off scripts/platform/start-postgres.sh "$work/pg" "$port")

if [ "${TASKTIDE_SKIP_STACK:-0}" != 1 ]; then
  step "real-stack tools (cached after the first run)"
  TASKTIDE_KAFKA_LIB=$(scripts/platform/install-kafka.sh)
  TASKTIDE_DAPR_BIN=$(scripts/platform/install-daprd.sh)
  export TASKTIDE_KAFKA_LIB TASKTIDE_DAPR_BIN TASKTIDE_STACK=1
fi

step "Chromium for the web app's browser tests (Debian's; cached by apt)"
TASKTIDE_CHROMIUM=$(scripts/platform/install-chromium.sh)
export TASKTIDE_CHROMIUM

step "bun test ${*:-(everything)}"
set +e
bun test --timeout 120000 "$@" 2>&1 | tee "$work/bun-test.log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -Eo '^ *[0-9]+ pass$' "$work/bun-test.log" | tail -1 | tr -dc 0-9)
failed=$(grep -Eo '^ *[0-9]+ fail$' "$work/bun-test.log" | tail -1 | tr -dc 0-9)
echo "bun: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
