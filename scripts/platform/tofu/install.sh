#!/usr/bin/env bash
# Provides OpenTofu's `tofu` $TOFU_VERSION in $TASKTIDE_CACHE/tofu-<version>/ and prints that directory.
# Built from the Go module github.com/opentofu/opentofu (no release download here). Its go.mod
# replaces hashicorp/hcl/v2 with OpenTofu's fork, so `go install …@version` refuses it: the module is
# copied to a writable dir and built there, where the replace applies. About 3 minutes the first time.
# What it is used for offline: `tofu fmt -check` and validating configurations that need no provider
# (the OCI provider comes from registry.opentofu.org, which these machines cannot reach).
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
TOFU_VERSION="1.10.10"   # newest 1.10.x the module proxy serves
out="$TASKTIDE_CACHE/tofu-$TOFU_VERSION"
if [ -x "$out/tofu" ] && [ "$("$out/tofu" version | head -1)" = "OpenTofu v$TOFU_VERSION" ]; then echo "$out"; exit 0; fi
command -v go >/dev/null || { log "go is required to build OpenTofu"; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
src=$(go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
[ -d "$src" ] || { log "could not download github.com/opentofu/opentofu@v$TOFU_VERSION"; exit 1; }
log "building OpenTofu $TOFU_VERSION from the Go module (first run only, a few minutes)"
work=$(mktemp -d "${TMPDIR:-/tmp}/tasktide-tofu-build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$src" "$work/opentofu" && chmod -R u+w "$work/opentofu"
rm -rf "$out.partial" && mkdir -p "$out.partial"
# version/VERSION holds the number; the release build (.goreleaser.yaml) also drops the -dev marker,
# without which required_version constraints would see a prerelease.
(cd "$work/opentofu" && go build -trimpath -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
  -o "$out.partial/tofu" ./cmd/tofu) >&2
version="$("$out.partial/tofu" version | head -1)"
[ "$version" = "OpenTofu v$TOFU_VERSION" ] || { log "unexpected tofu version: $version"; exit 1; }
rm -rf "$out" && mv "$out.partial" "$out"
log "tofu ready in $out"
echo "$out"
