#!/usr/bin/env bash
# Provides the kwok controller $KWOK_VERSION (simulated nodes and pod lifecycles; not kwokctl, which
# downloads release binaries) in $TASKTIDE_CACHE/kwok-<version>/kwok and prints that directory.
# sigs.k8s.io/kwok has no replace directives, so a plain `go install …@version` works.
# kwok itself loads no default Stages (kwokctl writes them into its config): the defaults kwokctl uses
# (node-initialize, node-heartbeat-with-lease, pod-ready/-complete/-delete) are copied from the same
# module into <dir>/stages/ for the harness to pass with --config.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
out="$TASKTIDE_CACHE/kwok-$KWOK_VERSION"
if [ -x "$out/kwok" ] && [ -d "$out/stages" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { log "go is required to build kwok"; exit 1; }
log "building kwok $KWOK_VERSION from the Go module (first run only)"
rm -rf "$out.partial" && mkdir -p "$out.partial"
GOBIN="$out.partial" go install -trimpath -ldflags "-s -w" \
  "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" >&2
"$out.partial/kwok" --help >/dev/null
src=$(go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
mkdir -p "$out.partial/stages"
cp "$src/kustomize/stage/node/fast/node-initialize.yaml" \
  "$src/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
  "$src/kustomize/stage/pod/fast/pod-ready.yaml" "$src/kustomize/stage/pod/fast/pod-complete.yaml" \
  "$src/kustomize/stage/pod/fast/pod-delete.yaml" "$out.partial/stages/"
chmod 0644 "$out.partial/stages/"*
rm -rf "$out" && mv "$out.partial" "$out"
log "kwok ready in $out"
echo "$out"
