#!/usr/bin/env bash
# Provides daprd + scheduler (Dapr $DAPR_VERSION). Prefers binaries already on PATH or in ~/.dapr/bin
# at the pinned version; otherwise builds them once from the Go module (no GitHub downloads here)
# into $TASKTIDE_CACHE/dapr-<version>-<component set>/ and prints that directory.
#
# The local daprd registers only the components the local platform and the tests configure
# (packages/local-stack): building Dapr's ~140 component registrations pulls in every cloud SDK and
# was most of a cold run's build time. The clusters run the official images with every component.
# A new component type in a local resource file must be added here (daprd then says
# "couldn't find … component" at start-up, and the stack tier fails on it).
source "$(dirname "$0")/lib.sh"
local_components=(
  bindings_cron
  nameresolution_mdns
  nameresolution_sqlite
  pubsub_in-memory
  pubsub_kafka
  secretstores_local_env
  secretstores_local_file
  state_in-memory
  state_postgres
)
set_id=$(printf '%s\n' "${local_components[@]}" | sha256sum | cut -c1-8)
out="$TASKTIDE_CACHE/dapr-$DAPR_VERSION-$set_id"
if [ -x "$out/daprd" ] && [ -x "$out/scheduler" ]; then echo "$out"; exit 0; fi
for dir in "$(dirname "$(command -v daprd 2>/dev/null || echo /nonexistent/x)")" "$HOME/.dapr/bin"; do
  if [ -x "$dir/daprd" ] && [ -x "$dir/scheduler" ] && "$dir/daprd" --version 2>/dev/null | grep -q "$DAPR_VERSION"; then
    echo "$dir"; exit 0
  fi
done
command -v go >/dev/null || { log "go is required to build daprd"; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
log "building daprd + scheduler $DAPR_VERSION from the Go module (first run only, takes a while)"
src=$(go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp -r "$src/." "$work/"
chmod -R u+w "$work"
for file in "$work"/cmd/daprd/components/*.go; do
  name=$(basename "$file" .go)
  # Untagged files are the registry itself; tagged ones register one component each.
  grep -q '^//go:build' "$file" || continue
  printf '%s\n' "${local_components[@]}" | grep -qx "$name" || rm "$file"
done
mkdir -p "$out.partial"
[ -x "$out.partial/daprd" ] || (cd "$work" && CGO_ENABLED=0 go build -tags allcomponents -trimpath -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" -o "$out.partial/daprd" ./cmd/daprd)
# The module proxy here serves go-etcd-cron only at v0.12.0 (the scheduler pins v0.12.5), so the
# scheduler is built against v0.12.0 — a patch-level difference, recorded in docs/platform.md.
if ! go mod download github.com/diagridio/go-etcd-cron@v0.12.5 2>/dev/null; then
  (cd "$work" && go mod edit -replace github.com/diagridio/go-etcd-cron=github.com/diagridio/go-etcd-cron@v0.12.0 \
    && GOFLAGS=-mod=mod GONOSUMDB=github.com/diagridio GONOSUMCHECK=1 go mod download github.com/diagridio/go-etcd-cron)
fi
(cd "$work" && CGO_ENABLED=0 GOFLAGS="-mod=mod" go build -trimpath -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION" -o "$out.partial/scheduler" ./cmd/scheduler)
rm -rf "$out" && mv "$out.partial" "$out"
log "daprd ready in $out"
echo "$out"
