#!/usr/bin/env bash
# Builds (once; cached) everything the cluster tiers need besides helm/kubectl, in two stages:
# the control plane (etcd, Kubernetes, kwok, Dapr's injector, charts, OpenTofu), then Argo CD and
# Redis. After each stage it writes the tools' locations as `export VAR=…` lines to
# <prefix>.<stage>.env and prints the stage's name (`kube`, `argocd`) on stdout — the readiness
# signal: test-all.sh reads stdout through a FIFO, so it runs the Kubernetes tiers while Argo CD
# still builds, and an exit without the line (a failed build) reaches it as end of file.
# `install-cluster-tools.sh <prefix> [--no-argocd]`; progress goes to stderr.
# test-all.sh runs this in the background at low priority while the other tiers run: the Go builds
# are most of a cold run, and the other tiers leave a core idle much of the time.
set -euo pipefail
cd "$(dirname "$0")/../.."
prefix=${1:?env file prefix}
with_argocd=1
[ "${2:-}" = --no-argocd ] && with_argocd=0
step() { printf '\n==> %s\n' "$*" >&2; }
# `ready <stage> <export line>…`: the env file appears whole, then the signal.
ready() {
  local stage=$1
  shift
  printf '%s\n' "$@" >"$prefix.$stage.env.partial"
  mv "$prefix.$stage.env.partial" "$prefix.$stage.env"
  echo "$stage"
}
# One Go build at a time: there are two cores.
step "Kubernetes control plane: etcd, kube-apiserver/-controller-manager/-scheduler, kwok"
etcd=$(scripts/platform/kube/install-etcd.sh)
kube=$(scripts/platform/kube/install-kube.sh)
kwok=$(scripts/platform/kube/install-kwok.sh)
step "Dapr's sidecar injector and the pinned third-party charts/CRDs"
injector=$(scripts/cluster/dapr-injector/install.sh)
# Prints what it obtained and, for each chart it could not, why (the tier names them again).
bun scripts/platform/charts/obtain.ts >&2
step "OpenTofu for clusters/oke/tofu"
tofu=$(scripts/platform/tofu/install.sh)
ready kube \
  "$(printf 'export TASKTIDE_ETCD_BIN=%q TASKTIDE_KUBE_BIN=%q TASKTIDE_KWOK_BIN=%q' "$etcd" "$kube" "$kwok")" \
  "$(printf 'export TASKTIDE_DAPR_INJECTOR_BIN=%q TASKTIDE_TOFU_BIN=%q TASKTIDE_KUBE=1' "$injector" "$tofu")"
[ "$with_argocd" = 1 ] || exit 0
step "Argo CD (Go module, ~6.5 min the first time) and Redis (Debian) for the Argo CD tier"
argocd=$(scripts/platform/argocd/install.sh)
redis=$(scripts/platform/install-redis.sh)
ready argocd "$(printf 'export TASKTIDE_ARGOCD_BIN=%q TASKTIDE_REDIS_BIN=%q TASKTIDE_ARGOCD=1' "$argocd" "$redis")"
