#!/usr/bin/env bash
# Provides Argo CD $ARGOCD_VERSION in $TASKTIDE_CACHE/argocd-<version>/ and prints that directory:
#   argocd                            the multi-call binary (its behaviour follows the name it runs as)
#   argocd-application-controller, argocd-repo-server, argocd-server, argocd-applicationset-controller
#                                     symlinks to it, the names the cluster tier runs
#   git-verify-wrapper.sh, gpg-wrapper.sh
#                                     the helpers the image puts next to them (the repo server runs
#                                     git-verify-wrapper.sh for every git revision it renders)
#   manifests/                        install.yaml and crds/ of the same version (what the bootstraps apply)
# Built from the Go module (no release download here): its go.mod replaces
# github.com/argoproj/argo-cd/gitops-engine/v3 with ./gitops-engine, which the module zip lacks, so
# the module is copied to a writable dir and the gitops-engine module of the same version put there.
# Idempotent; instant once cached. 6.5–10 minutes the first time (toolchain download included).
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
out="$TASKTIDE_CACHE/argocd-$ARGOCD_VERSION"
names=(argocd-application-controller argocd-repo-server argocd-server argocd-applicationset-controller)
complete() {
  local n
  for n in argocd "${names[@]}" git-verify-wrapper.sh gpg-wrapper.sh; do [ -x "$1/$n" ] || return 1; done
  [ -f "$1/manifests/install.yaml" ] && [ -d "$1/manifests/crds" ]
}
if complete "$out"; then echo "$out"; exit 0; fi
command -v go >/dev/null || { log "go is required to build Argo CD"; exit 1; }
export GOTOOLCHAIN="$ARGOCD_GOTOOLCHAIN" CGO_ENABLED=0 GOFLAGS=-buildvcs=false
moddir() { go mod download -json "$1@v$ARGOCD_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p'; }
src=$(moddir github.com/argoproj/argo-cd/v3)
[ -d "$src" ] || { log "could not download Argo CD v$ARGOCD_VERSION from the module proxy"; exit 1; }
rm -rf "$out.partial" && mkdir -p "$out.partial"
if [ -x "$out/argocd" ]; then
  cp "$out/argocd" "$out.partial/argocd"   # an older layout of this cache: keep the binary
else
  engine=$(moddir github.com/argoproj/argo-cd/gitops-engine/v3)
  [ -d "$engine" ] || { log "could not download gitops-engine v$ARGOCD_VERSION from the module proxy"; exit 1; }
  log "building Argo CD $ARGOCD_VERSION from the Go module (first run only, several minutes)"
  work=$(mktemp -d "${TMPDIR:-/tmp}/tasktide-argocd-build.XXXXXX")
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
  cp -r "$src" "$work/argo-cd" && chmod -R u+w "$work/argo-cd"
  rm -rf "$work/argo-cd/gitops-engine" && cp -r "$engine" "$work/argo-cd/gitops-engine"
  chmod -R u+w "$work/argo-cd/gitops-engine"
  pkg=github.com/argoproj/argo-cd/v3/common
  # The version stamp the upstream Makefile sets (argocd version, the UI's About, User-Agent).
  ldflags="-s -w -X $pkg.version=$ARGOCD_VERSION -X $pkg.buildDate=1970-01-01T00:00:00Z -X $pkg.gitTag=v$ARGOCD_VERSION -X $pkg.gitTreeState=clean"
  (cd "$work/argo-cd" && go build -trimpath -ldflags "$ldflags" -o "$out.partial/argocd" ./cmd) >&2
fi
for n in "${names[@]}"; do ln -s argocd "$out.partial/$n"; done
install -m 0755 "$src/hack/git-verify-wrapper.sh" "$src/hack/gpg-wrapper.sh" "$out.partial/"
mkdir -p "$out.partial/manifests"
cp "$src/manifests/install.yaml" "$out.partial/manifests/install.yaml"
cp -r "$src/manifests/crds" "$out.partial/manifests/crds"
chmod -R u+w "$out.partial/manifests"
version="$("$out.partial/argocd" version --client --short)"
[[ "$version" == "argocd: v$ARGOCD_VERSION"* ]] || { log "unexpected argocd version: $version"; exit 1; }
complete "$out.partial" || { log "incomplete Argo CD install in $out.partial"; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
log "Argo CD ready in $out"
echo "$out"
