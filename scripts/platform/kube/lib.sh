#!/usr/bin/env bash
# Pinned versions and a Go build helper for the Kubernetes control plane of the cluster test tier
# (etcd, kube-apiserver/-controller-manager/-scheduler, kwok). Everything is built from the Go
# module proxy (no release downloads here) into $TASKTIDE_CACHE/<tool>-<version>/.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ETCD_VERSION="3.6.16"   # newest 3.6.x the module proxy serves; Kubernetes 1.34 is tested against 3.6
KUBE_VERSION="1.34.4"   # k8s.io/kubernetes; its staging modules are k8s.io/<m> v0.34.4
KWOK_VERSION="0.8.0"    # sigs.k8s.io/kwok (the kwok controller, not kwokctl)
export ETCD_VERSION KUBE_VERSION KWOK_VERSION
# No toolchain download (would fail), static binaries, no VCS stamping of the temp wrapper modules.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false

# kube_wrapper_dir: a throw-away directory for a wrapper module, removed on exit.
kube_wrapper_dir() {
  KUBE_WORK=$(mktemp -d "${TMPDIR:-/tmp}/tasktide-kube-build.XXXXXX")
  trap 'rm -rf "$KUBE_WORK"' EXIT
}
