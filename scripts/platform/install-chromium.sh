#!/usr/bin/env bash
# Installs Debian's Chromium for the web app's browser tests (playwright-core drives it; Playwright's
# own browser downloads are not reachable here). Idempotent: returns at once when the binary exists.
# Prints the binary's path on stdout.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
bin=${TASKTIDE_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$bin" ]; then
  log "installing chromium from Debian"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  # Fonts so pages render text (and screenshots show it) on a minimal machine.
  as_root apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
echo "$bin"
