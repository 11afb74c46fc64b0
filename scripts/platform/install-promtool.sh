#!/usr/bin/env bash
# Provides promtool for the alert-rule and PromQL checks (`promtool check rules`, `promtool test
# rules`). It comes from Debian's `prometheus` package, but installing that package would pull in
# ~96 MB, a dozen JavaScript libraries for the web UI and a Prometheus daemon its maintainer script
# tries to start. So the .deb is only downloaded and promtool alone is extracted into
# $TASKTIDE_CACHE/promtool-<version>/ (deb_binary in lib.sh). Prints that directory. Idempotent: a
# cached binary returns at once.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
PROMTOOL_VERSION="2.42.0"   # Debian 12 (bookworm): prometheus 2.42.0+ds-5+deb12u1
deb_binary prometheus promtool "$PROMTOOL_VERSION"
