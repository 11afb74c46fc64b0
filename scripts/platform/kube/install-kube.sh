#!/usr/bin/env bash
# Provides kube-apiserver, kube-controller-manager and kube-scheduler $KUBE_VERSION in
# $TASKTIDE_CACHE/kube-<version>/ and prints that directory.
# k8s.io/kubernetes points its go.mod at ./staging/src/k8s.io/<m> for ~30 modules, and the module zip
# has no staging/ (nor vendor/): a wrapper module requires k8s.io/kubernetes and replaces each of
# those with the published k8s.io/<m> v0.<minor>.<patch>, read from the kubernetes go.mod itself so a
# version bump cannot miss one. The version is stamped with -ldflags as the upstream build does.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
out="$TASKTIDE_CACHE/kube-$KUBE_VERSION"
bins=(kube-apiserver kube-controller-manager kube-scheduler)
ok=1; for b in "${bins[@]}"; do [ -x "$out/$b" ] || ok=0; done
if [ "$ok" = 1 ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { log "go is required to build Kubernetes"; exit 1; }
log "building ${bins[*]} $KUBE_VERSION from the Go module (first run only, a few minutes)"
gomod=$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
[ -f "$gomod" ] || { log "could not download k8s.io/kubernetes@v$KUBE_VERSION"; exit 1; }
staging_version="v0.${KUBE_VERSION#*.}"   # 1.34.4 -> v0.34.4
kube_wrapper_dir
{
  echo "module tasktide.local/kube"
  echo
  sed -n -e 's/^go \(.*\)/go \1/p' -e 's/^godebug \(.*\)/godebug \1/p' "$gomod"   # same language/GODEBUG defaults as upstream
  echo
  echo "require k8s.io/kubernetes v$KUBE_VERSION"
  echo
  for b in "${bins[@]}"; do echo "tool k8s.io/kubernetes/cmd/$b"; done
  echo
  sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/.*#replace \1 => \1 '"$staging_version"'#p' "$gomod"
} >"$KUBE_WORK/go.mod"
[ "$(grep -c '^replace ' "$KUBE_WORK/go.mod")" -gt 20 ] || { log "found no staging replaces in $gomod"; exit 1; }
major=${KUBE_VERSION%%.*}; minor=${KUBE_VERSION#*.}; minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
rm -rf "$out.partial" && mkdir -p "$out.partial"
pkgs=(); for b in "${bins[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
# One `go build` for all three: the shared packages compile once.
(cd "$KUBE_WORK" && go mod tidy && go build -trimpath -ldflags "$ldflags" -o "$out.partial/" "${pkgs[@]}") >&2
for b in "${bins[@]}"; do
  version="$("$out.partial/$b" --version)"
  [ "$version" = "Kubernetes v$KUBE_VERSION" ] || { log "unexpected $b version: $version"; exit 1; }
done
rm -rf "$out" && mv "$out.partial" "$out"
log "Kubernetes control plane ready in $out"
echo "$out"
