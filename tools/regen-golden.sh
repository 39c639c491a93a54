#!/usr/bin/env bash
# Regenerates tests/golden/expected from real Go 1.26 (see tests/golden/regen.sh).
#   tools/regen-golden.sh [-g GO] [-o OUTDIR]
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/golden/regen.sh" "$@"
