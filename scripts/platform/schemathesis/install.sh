#!/usr/bin/env bash
# Provides schemathesis (the third-party API fuzzer of the fuzz tier) in a venv cached under
# $TASKTIDE_CACHE/schemathesis-<version>/ and prints the path of its `st` command.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
source "$(dirname "$0")/../lib.sh"
SCHEMATHESIS_VERSION=4.32.5
out="$TASKTIDE_CACHE/schemathesis-$SCHEMATHESIS_VERSION"
if [ -x "$out/venv/bin/st" ]; then echo "$out/venv/bin/st"; exit 0; fi
command -v python3 >/dev/null || { log "python3 is required for schemathesis"; exit 1; }
log "installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $out"
rm -rf "$out.partial"
python3 -m venv "$out.partial/venv" >&2
"$out.partial/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
rm -rf "$out" && mv "$out.partial" "$out"
# The venv's scripts hard-code its path: rebuild the entry point where it now lives.
sed -i "1s|^#!.*|#!$out/venv/bin/python3|" "$out/venv/bin/st"
echo "$out/venv/bin/st"
