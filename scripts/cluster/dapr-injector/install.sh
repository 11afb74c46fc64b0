#!/usr/bin/env bash
# Provides the cluster tier's Dapr sidecar injector (main.go beside this script: Dapr's own
# pkg/injector/service, minus sentry) for Dapr $DAPR_VERSION in $TASKTIDE_CACHE/dapr-injector-<version>/
# and prints that directory. Built inside a copy of the github.com/dapr/dapr module so that Dapr's
# go.mod, go.sum and replace directives apply (as a dependency of a wrapper module they would not).
# shellcheck source-path=SCRIPTDIR source=../../platform/lib.sh
source "$(dirname "$0")/../../platform/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
out="$TASKTIDE_CACHE/dapr-injector-$DAPR_VERSION"
stamp=$(sha256sum "$here/main.go" | cut -c1-16)
# Rebuilt when main.go changes, so a cached binary always matches the source in the repo.
if [ -x "$out/injector" ] && [ "$(cat "$out/source.sha" 2>/dev/null)" = "$stamp" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { log "go is required to build the Dapr injector"; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false CGO_ENABLED=0
log "building the Dapr $DAPR_VERSION sidecar injector for the cluster tier (first run only)"
src=$(go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -d "$src" ] || { log "could not download github.com/dapr/dapr@v$DAPR_VERSION"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/tasktide-injector-build.XXXXXX")
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
mkdir -p "$work/cmd/tasktide-injector"
cp "$here/main.go" "$work/cmd/tasktide-injector/main.go"
rm -rf "$out.partial" && mkdir -p "$out.partial"
(cd "$work" && go build -trimpath -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" \
  -o "$out.partial/injector" ./cmd/tasktide-injector) >&2
echo "$stamp" >"$out.partial/source.sha"
rm -rf "$out" && mv "$out.partial" "$out"
log "Dapr injector ready in $out"
echo "$out"
