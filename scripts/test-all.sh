#!/usr/bin/env bash
# Every test tier, in order: lint, typecheck, unit + API suites on PGlite *and* real Postgres,
# GitOps/CI validation, and the real-stack tier (Kafka + daprd + scheduler + Postgres).
# Called by `./run test` and `.ci/run`; installs and caches the tools it needs outside the repo.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/platform/lib.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/tasktide-test.XXXXXX")
bun_pid=""
cleanup() {
  # Whatever happened (failure, ^C, a killed runner): nothing the run started may outlive it.
  if [ -n "$bun_pid" ]; then kill -KILL -- "-$bun_pid" 2>/dev/null || true; fi
  scripts/platform/stop-postgres.sh "$work/pg" >/dev/null 2>&1 || true
  scripts/platform/leftovers.sh "$work" 5 >/dev/null 2>&1 || true
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

if [ "${TASKTIDE_SKIP_KUBE:-0}" != 1 ]; then
  step "Kubernetes control plane: etcd, kube-apiserver/-controller-manager/-scheduler, kwok (cached after the first run)"
  # One Go build at a time: there are two cores.
  TASKTIDE_ETCD_BIN=$(scripts/platform/kube/install-etcd.sh)
  TASKTIDE_KUBE_BIN=$(scripts/platform/kube/install-kube.sh)
  TASKTIDE_KWOK_BIN=$(scripts/platform/kube/install-kwok.sh)
  TASKTIDE_KUBECTL_BIN=$(scripts/platform/install-helm.sh)
  export TASKTIDE_ETCD_BIN TASKTIDE_KUBE_BIN TASKTIDE_KWOK_BIN TASKTIDE_KUBECTL_BIN TASKTIDE_KUBE=1
  step "cluster tier: Dapr's sidecar injector and the pinned third-party charts/CRDs (Go module proxy; cached)"
  TASKTIDE_DAPR_INJECTOR_BIN=$(scripts/cluster/dapr-injector/install.sh)
  export TASKTIDE_DAPR_INJECTOR_BIN
  # Prints what it obtained and, for each chart it could not, why (the tier names them again).
  bun scripts/platform/charts/obtain.ts >&2
  step "OpenTofu for clusters/oke/tofu (Go module; cached)"
  TASKTIDE_TOFU_BIN=$(scripts/platform/tofu/install.sh)
  export TASKTIDE_TOFU_BIN
  if [ "${TASKTIDE_SKIP_ARGOCD:-0}" != 1 ]; then
    step "Argo CD (Go module, ~6.5 min the first time) and Redis (Debian) for the Argo CD tier (cached)"
    TASKTIDE_ARGOCD_BIN=$(scripts/platform/argocd/install.sh)
    TASKTIDE_REDIS_BIN=$(scripts/platform/install-redis.sh)
    export TASKTIDE_ARGOCD_BIN TASKTIDE_REDIS_BIN TASKTIDE_ARGOCD=1
  fi
fi

step "schemathesis for the fuzz tier (PyPI, cached venv)"
TASKTIDE_SCHEMATHESIS=$(scripts/platform/schemathesis/install.sh)
export TASKTIDE_SCHEMATHESIS TASKTIDE_FUZZ=1

step "Chromium for the web app's browser tests (Debian's; cached by apt)"
TASKTIDE_CHROMIUM=$(scripts/platform/install-chromium.sh)
export TASKTIDE_CHROMIUM

step "bun test ${*:-(everything)}"
# Every temp dir a test makes (stack data, sidecar configs, browser profiles) lives under $work, so
# "a process whose command line names $work" is exactly "a process this run started".
mkdir -p "$work/tmp"
: >"$work/bun-test.log"
set +e
# Its own process group (setsid), so the cleanup reaches children a killed runner would orphan.
setsid env TMPDIR="$work/tmp" bun test --timeout 120000 "$@" >"$work/bun-test.log" 2>&1 &
bun_pid=$!
tail -n +1 -f --pid="$bun_pid" "$work/bun-test.log"
wait "$bun_pid"
status=$?
bun_group=$bun_pid
bun_pid=""
set -e
passed=$(grep -Eo '^ *[0-9]+ pass$' "$work/bun-test.log" | tail -1 | tr -dc 0-9)
failed=$(grep -Eo '^ *[0-9]+ fail$' "$work/bun-test.log" | tail -1 | tr -dc 0-9)
echo "bun: ${passed:-0} passed, ${failed:-0} failed"

step "nothing left running"
scripts/platform/stop-postgres.sh "$work/pg" >/dev/null 2>&1 || true
leaked=0
# Helpers name $work in their command lines; children bun started directly stay in its group.
scripts/platform/leftovers.sh "$work" 30 "$bun_group" || leaked=1
if [ "$leaked" = 1 ]; then
  echo "FAIL: the test run left processes behind (listed above)" >&2
  status=1
else
  echo "no process of the run is left"
fi
exit "$status"
