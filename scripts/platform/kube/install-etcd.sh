#!/usr/bin/env bash
# Provides etcd $ETCD_VERSION in $TASKTIDE_CACHE/etcd-<version>/etcd and prints that directory.
# go.etcd.io/etcd/server/v3's go.mod replaces its sibling modules with relative paths (../api …), so
# `go install …@version` refuses it. As a dependency of a tiny wrapper module those replaces are
# ignored: the wrapper's main calls etcdmain.Main, the same entry point as etcd's own main.
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "$0")/lib.sh"
out="$TASKTIDE_CACHE/etcd-$ETCD_VERSION"
if [ -x "$out/etcd" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { log "go is required to build etcd"; exit 1; }
log "building etcd $ETCD_VERSION from the Go module (first run only)"
kube_wrapper_dir
cat >"$KUBE_WORK/go.mod" <<MOD
module tasktide.local/etcd

go 1.26

require go.etcd.io/etcd/server/v3 v$ETCD_VERSION
MOD
cat >"$KUBE_WORK/main.go" <<'GO'
// etcd, built as a dependency so that the server module's relative replace directives do not apply.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
rm -rf "$out.partial" && mkdir -p "$out.partial"
(cd "$KUBE_WORK" && go mod tidy >&2 && go build -trimpath -ldflags "-s -w" -o "$out.partial/etcd" .) >&2
version="$("$out.partial/etcd" --version)"
[[ "$version" == *"etcd Version: $ETCD_VERSION"* ]] || { log "unexpected etcd version: $version"; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
log "etcd ready in $out"
echo "$out"
