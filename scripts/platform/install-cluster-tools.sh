#!/usr/bin/env bash
# Builds (once; cached) everything the cluster tiers need besides helm/kubectl, and writes their
# locations as `export VAR=…` lines to <env-file> — only when every tool is ready, so a half-built
# set is never used. `install-cluster-tools.sh <env-file> [--no-argocd]`.
# test-all.sh runs this in the background at low priority while the other tiers run: the Go builds
# are most of a cold run, and the other tiers leave a core idle much of the time.
set -euo pipefail
cd "$(dirname "$0")/../.."
env_file=${1:?env file}
with_argocd=1
[ "${2:-}" = --no-argocd ] && with_argocd=0
step() { printf '\n==> %s\n' "$*" >&2; }
rm -f "$env_file"
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
{
  printf 'export TASKTIDE_ETCD_BIN=%q TASKTIDE_KUBE_BIN=%q TASKTIDE_KWOK_BIN=%q\n' "$etcd" "$kube" "$kwok"
  printf 'export TASKTIDE_DAPR_INJECTOR_BIN=%q TASKTIDE_TOFU_BIN=%q TASKTIDE_KUBE=1\n' "$injector" "$tofu"
} >"$env_file.partial"
if [ "$with_argocd" = 1 ]; then
  step "Argo CD (Go module, ~6.5 min the first time) and Redis (Debian) for the Argo CD tier"
  argocd=$(scripts/platform/argocd/install.sh)
  redis=$(scripts/platform/install-redis.sh)
  printf 'export TASKTIDE_ARGOCD_BIN=%q TASKTIDE_REDIS_BIN=%q TASKTIDE_ARGOCD=1\n' "$argocd" "$redis" >>"$env_file.partial"
fi
mv "$env_file.partial" "$env_file"
