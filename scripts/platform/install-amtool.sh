#!/usr/bin/env bash
# Provides amtool for the Alertmanager routing-tree checks (`amtool config routes test`,
# `amtool check-config`). It comes from Debian's `prometheus-alertmanager` package, but installing
# that package would start an Alertmanager daemon from its maintainer script and pull in the web UI's
# assets. So, as for promtool (install-promtool.sh), the .deb is only downloaded and amtool alone is
# extracted into $TASKTIDE_CACHE/amtool-<version>/ (deb_binary in lib.sh). Prints that directory.
# Idempotent: a cached binary returns at once.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
AMTOOL_VERSION="0.25.0"   # Debian 12 (bookworm): prometheus-alertmanager 0.25.0-1+b4
deb_binary prometheus-alertmanager amtool "$AMTOOL_VERSION"
