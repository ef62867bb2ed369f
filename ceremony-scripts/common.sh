# Sourced by the ceremony scripts: where the programs are, and how steps
# are printed.  Every script stops at the first failed step (set -e).
set -euo pipefail
SYMBOLON_BIN=${SYMBOLON_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin}
symbolon() { "$SYMBOLON_BIN/symbolon" "$@"; }
step() { printf '\n== %s\n' "$*"; }
run() { printf '$ symbolon %s\n' "$*"; symbolon "$@"; }
