#!/usr/bin/env bash
# Pinned Argo CD for the cluster tier (and the clusters: clusters/minikube/bootstrap.sh pins the same
# version, so what the tier runs is what the clusters run).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
ARGOCD_VERSION="3.6.2"
# Argo CD 3.6 needs Go 1.27; the go command fetches this approved toolchain from the module proxy
# (the machine's own Go is 1.26). Nothing else here may download a toolchain.
ARGOCD_GOTOOLCHAIN="go1.27.3"
export ARGOCD_VERSION ARGOCD_GOTOOLCHAIN
