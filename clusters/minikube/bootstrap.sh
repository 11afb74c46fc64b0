#!/usr/bin/env bash
# Brings tasktide up on a laptop: a minikube sized for the whole stack, Argo CD (pinned), the
# secrets generated locally (random, never committed, never printed), then the root Application.
# Idempotent: re-running keeps the cluster and the existing secrets and re-applies the rest.
set -euo pipefail

ARGOCD_VERSION="v3.6.2"   # = scripts/platform/argocd/lib.sh: the Argo CD the cluster tier builds and runs
KUBERNETES_VERSION="v1.33.1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

log() { printf '[bootstrap] %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null || { log "missing $1: install it first (clusters/minikube/README.md)"; exit 1; }; }
need minikube
need kubectl
need openssl
need curl

# The tags in git are the images CI's release published (docs/release.md). On a fork or before the
# first release there are none, and Argo CD would sync every service into ImagePullBackOff: say so
# now, with what to do. Anonymous pulls only see public packages; set GHCR_TOKEN (a token with
# read:packages) to check private ones, and see README "Private images" for the pull secret.
check_images() {
  local missing=0 values svc repo_name tag name token auth=()
  for values in "$repo"/gitops/services/*/values.yaml; do
    svc=$(basename "$(dirname "$values")")
    repo_name=$(sed -n 's/^  repository: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$values")
    tag=$(sed -n 's/^  tag: *"\([0-9a-f]\{40\}\)"$/\1/p' "$here/values/$svc.yaml")
    name=${repo_name#ghcr.io/}
    if [ -n "${GHCR_TOKEN:-}" ]; then
      auth=(-u "${GHCR_USER:-token}:$GHCR_TOKEN")
    fi
    token=$(curl -fsS "${auth[@]}" "https://ghcr.io/token?scope=repository:$name:pull" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p') || token=""
    if [ -z "$token" ] || ! curl -fsSI -o /dev/null -H "Authorization: Bearer $token" \
      -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json' \
      "https://ghcr.io/v2/$name/manifests/$tag"; then
      log "not found: $repo_name:$tag (clusters/minikube/values/$svc.yaml)"
      missing=1
    fi
  done
  if [ "$missing" = 1 ]; then
    log "push main and let the Release workflow publish the images (it bumps these tags), or pin"
    log "published ones (docs/release.md, Pin workflow). TASKTIDE_SKIP_IMAGE_CHECK=1 syncs anyway."
    exit 1
  fi
}
if [ "${TASKTIDE_SKIP_IMAGE_CHECK:-0}" != 1 ]; then
  log "checking that the images the tags in git name exist"
  check_images
fi

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
for key in postgres-password jwt-secret webhook-signing-key operator-token dapr-app-token smoke-password; do
  if ! kubectl -n tasktide-secrets get secret "$key" >/dev/null 2>&1; then
    value="$(openssl rand -hex 32)"
    kubectl -n tasktide-secrets create secret generic "$key" --from-literal=value="$value" >/dev/null
  fi
done
# Where alerts and deploy notices go (Alertmanager receivers, Argo CD Notifications): the operator's
# own endpoints when given, else placeholders that fail to deliver (`.invalid` never resolves) but let
# everything start. Replace them later with `kubectl -n tasktide-secrets create secret … | apply`.
declare -A endpoints=(
  [ops-chat-webhook-url]="${TASKTIDE_OPS_CHAT_WEBHOOK_URL:-https://chat.tasktide.invalid/hooks/unset}"
  [ops-pager-routing-key]="${TASKTIDE_OPS_PAGER_ROUTING_KEY:-unset}"
)
for key in "${!endpoints[@]}"; do
  if ! kubectl -n tasktide-secrets get secret "$key" >/dev/null 2>&1; then
    kubectl -n tasktide-secrets create secret generic "$key" --from-literal=value="${endpoints[$key]}" >/dev/null
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
