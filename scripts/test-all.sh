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
  if [ -n "${cluster_tools_pid:-}" ]; then kill -KILL -- "-$cluster_tools_pid" 2>/dev/null || true; fi
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

cluster_tools_pid=""
if [ "${TASKTIDE_SKIP_KUBE:-0}" != 1 ]; then
  step "helm + kubectl for the GitOps checks (npm; cached)"
  TASKTIDE_KUBECTL_BIN=$(scripts/platform/install-helm.sh)
  export TASKTIDE_KUBECTL_BIN
  step "cluster-tier tools (control plane, injector, charts, OpenTofu, Argo CD): built in the background, at low priority, while the other tiers run (cached after the first run)"
  argocd_flag=""
  [ "${TASKTIDE_SKIP_ARGOCD:-0}" = 1 ] && argocd_flag=--no-argocd
  # Its own process group, so the cleanup can stop a build a failed run leaves behind. Its stdout
  # is the readiness signal (a line per finished stage), read through a FIFO.
  mkfifo "$work/cluster-tools.ready"
  setsid nice -n 19 bash scripts/platform/install-cluster-tools.sh "$work/cluster-tools" $argocd_flag \
    >"$work/cluster-tools.ready" 2>"$work/cluster-tools.log" &
  cluster_tools_pid=$!
  exec 4<"$work/cluster-tools.ready"
fi

step "schemathesis for the fuzz tier (PyPI, cached venv)"
TASKTIDE_SCHEMATHESIS=$(scripts/platform/schemathesis/install.sh)
export TASKTIDE_SCHEMATHESIS TASKTIDE_FUZZ=1

step "Chromium for the web app's browser tests (Debian's; cached by apt)"
TASKTIDE_CHROMIUM=$(scripts/platform/install-chromium.sh)
export TASKTIDE_CHROMIUM

# Every temp dir a test makes (stack data, sidecar configs, browser profiles) lives under $work, so
# "a process whose command line names $work" is exactly "a process this run started".
mkdir -p "$work/tmp"
status=0
passed_total=0
failed_total=0
leaked=0

# `run_tests <label> <variables to unset> <bun test args…>`: one `bun test`, counted and checked
# for leftovers.
run_tests() {
  local label=$1 log="$work/bun-test-$((++phase)).log" unset_args=()
  for name in $2; do unset_args+=(-u "$name"); done
  shift 2
  step "bun test: $label"
  : >"$log"
  set +e
  # Its own process group (setsid), so the cleanup reaches children a killed runner would orphan.
  setsid env "${unset_args[@]}" TMPDIR="$work/tmp" bun test --timeout 120000 "$@" >"$log" 2>&1 &
  bun_pid=$!
  tail -n +1 -f --pid="$bun_pid" "$log"
  wait "$bun_pid"
  local code=$? group=$bun_pid
  bun_pid=""
  set -e
  [ "$code" = 0 ] || status=1
  local passed failed
  passed=$(grep -Eo '^ *[0-9]+ pass$' "$log" | tail -1 | tr -dc 0-9)
  failed=$(grep -Eo '^ *[0-9]+ fail$' "$log" | tail -1 | tr -dc 0-9)
  passed_total=$((passed_total + ${passed:-0}))
  failed_total=$((failed_total + ${failed:-0}))
  # Children bun started directly stay in its group; helpers name $work in their command lines.
  scripts/platform/leftovers.sh "$work/tmp" 30 "$group" || leaked=1
}

# `await_cluster_tools <stage>` (kube, argocd): waits for that stage of the background build and
# takes its tool locations; a failed build fails the run.
log_printed=0
await_cluster_tools() {
  [ -n "$cluster_tools_pid" ] || return 0
  local stage=$1 got=""
  step "waiting for the cluster-tier tools: $stage"
  while [ "$got" != "$stage" ] && read -r got <&4; do :; done
  tail -n "+$((log_printed + 1))" "$work/cluster-tools.log" >&2
  log_printed=$(wc -l <"$work/cluster-tools.log")
  if [ "$got" != "$stage" ]; then
    local code=0
    wait "$cluster_tools_pid" || code=$?
    cluster_tools_pid=""
    echo "FAIL: building the cluster-tier tools failed (exit $code, log above)" >&2
    status=1
    return 1
  fi
  # shellcheck disable=SC1090 # written by install-cluster-tools.sh
  source "$work/cluster-tools.$stage.env"
}

phase=0
argocd_stage=argocd
[ "${TASKTIDE_SKIP_ARGOCD:-0}" = 1 ] && argocd_stage=""
if [ $# -gt 0 ]; then
  await_cluster_tools kube && { [ -z "$argocd_stage" ] || await_cluster_tools argocd; } &&
    run_tests "$*" "" "$@"
elif [ -n "$cluster_tools_pid" ]; then
  # The cluster tiers skip themselves in the first pass; the Kubernetes tiers run while Argo CD
  # may still be building, the Argo CD tiers last.
  run_tests "every tier but the cluster tiers" "TASKTIDE_KUBE TASKTIDE_ARGOCD"
  if await_cluster_tools kube; then
    run_tests "the Kubernetes tiers (scripts/cluster)" "TASKTIDE_ARGOCD" scripts/cluster
    if [ -n "$argocd_stage" ] && await_cluster_tools argocd; then
      run_tests "the Argo CD tiers (scripts/cluster/argocd-*)" "" scripts/cluster/argocd-
    fi
  fi
else
  run_tests "everything" ""
fi
if [ -n "$cluster_tools_pid" ]; then
  wait "$cluster_tools_pid" || { echo "FAIL: the cluster-tier tools build failed" >&2; status=1; }
  cluster_tools_pid=""
fi
exec 4<&- 2>/dev/null || true
echo "bun: $passed_total passed, $failed_total failed"

step "nothing left running"
scripts/platform/stop-postgres.sh "$work/pg" >/dev/null 2>&1 || true
scripts/platform/leftovers.sh "$work" 30 || leaked=1
if [ "$leaked" = 1 ]; then
  echo "FAIL: the test run left processes behind (listed above)" >&2
  status=1
else
  echo "no process of the run is left"
fi
exit "$status"
