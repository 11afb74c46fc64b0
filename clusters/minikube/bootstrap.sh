#!/usr/bin/env bash
# Brings tasktide up on a laptop: a minikube sized for the whole stack, Argo CD (pinned), the
# secrets generated locally (random, never committed, never printed), then the root Application.
# Idempotent: re-running keeps the cluster and the existing secrets and re-applies the rest.
set -euo pipefail

ARGOCD_VERSION="v3.1.5"
KUBERNETES_VERSION="v1.33.1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

log() { printf '[bootstrap] %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null || { log "missing $1: install it first (clusters/minikube/README.md)"; exit 1; }; }
need minikube
need kubectl
need openssl

if ! minikube status >/dev/null 2>&1; then
  log "starting minikube (4 CPU, 12 GiB, Calico so NetworkPolicies are enforced)"
  minikube start --cpus 4 --memory 12g --disk-size 40g --cni calico \
    --kubernetes-version "$KUBERNETES_VERSION" --addons metrics-server
fi

log "installing Argo CD $ARGOCD_VERSION"
kubectl create namespace argocd --dry-run=client -o yaml | kubectl apply -f -
# Server-side: the ApplicationSet CRD is larger than client-side apply's annotation limit.
kubectl apply --server-side --force-conflicts -n argocd \
  -f "https://raw.githubusercontent.com/argoproj/argo-cd/$ARGOCD_VERSION/manifests/install.yaml"
kubectl apply -f "$repo/gitops/argocd/"
kubectl -n argocd rollout restart deployment/argocd-server statefulset/argocd-application-controller
kubectl -n argocd rollout status deployment/argocd-server --timeout=300s
kubectl -n argocd rollout status statefulset/argocd-application-controller --timeout=300s

log "creating local secrets in namespace tasktide-secrets (kept if they exist)"
kubectl create namespace tasktide-secrets --dry-run=client -o yaml | kubectl apply -f -
for key in postgres-password jwt-secret webhook-signing-key operator-token dapr-app-token; do
  if ! kubectl -n tasktide-secrets get secret "$key" >/dev/null 2>&1; then
    value="$(openssl rand -hex 32)"
    kubectl -n tasktide-secrets create secret generic "$key" --from-literal=value="$value" >/dev/null
  fi
done

log "applying the root Application; Argo CD takes it from here"
kubectl apply -f "$here/root-application.yaml"

cat >&2 <<'NEXT'
[bootstrap] done. Watch the sync (about 10 minutes on a first start):
  kubectl -n argocd get applications -w
Argo CD UI:   kubectl -n argocd port-forward svc/argocd-server 8080:80   -> http://localhost:8080
  (user admin; password: kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath='{.data.password}' | base64 -d)
tasktide:     add "$(minikube ip) tasktide.test" to /etc/hosts, then open https://tasktide.test:30443
NEXT
