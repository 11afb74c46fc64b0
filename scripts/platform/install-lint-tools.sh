#!/usr/bin/env bash
# Installs yamllint and shellcheck from Debian when missing (the GitOps tier lints every YAML file
# and the platform shell scripts). Idempotent: a machine that has both returns at once.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
missing=()
command -v yamllint >/dev/null || missing+=(yamllint)
command -v shellcheck >/dev/null || missing+=(shellcheck)
[ ${#missing[@]} -eq 0 ] && exit 0
log "installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root apt-get install -y -qq "${missing[@]}" >/dev/null
