#!/usr/bin/env bash
# Cross-checks our ECHONET Lite codec with the npm package echonet-lite (see crosscheck.js).
#
#   run-crosscheck.sh FRAMES_TOOL
#
# echonet-lite is installed with npm into a temporary directory, unless CROSSCHECK_EL_HOME names
# a directory where `npm install echonet-lite date-utils` was already run. Exit 0: the two agree;
# 77: skipped (no node/npm, or the npm registry cannot be reached); anything else: failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tool=${1:?usage: run-crosscheck.sh FRAMES_TOOL}

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

[ -x "$tool" ] || fail "$tool is not an executable"
command -v node >/dev/null || skip "node is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 12 ] || skip "node $node_major is too old for echonet-lite (needs 12 or later)"

work=$(mktemp -d "${TMPDIR:-/tmp}/hems2mqtt-crosscheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

if [ -n "${CROSSCHECK_EL_HOME:-}" ] && [ -f "$CROSSCHECK_EL_HOME/node_modules/echonet-lite/index.js" ]; then
  el_home=$CROSSCHECK_EL_HOME
  echo "crosscheck: using the echonet-lite in $el_home"
else
  command -v npm >/dev/null || skip "npm is not installed"
  timeout 90 npm view --loglevel=error echonet-lite version >/dev/null 2>&1 ||
    skip "the npm registry cannot be reached (npm view echonet-lite failed)"
  el_home=$work/el
  mkdir -p "$el_home"
  # echonet-lite requires date-utils (for its log lines) without declaring it, so it is named here.
  echo "crosscheck: installing echonet-lite with npm"
  # --prefix: without it npm would install into the nearest parent directory with a package.json.
  timeout 180 npm install --prefix "$el_home" --no-audit --no-fund --loglevel=error \
    echonet-lite date-utils >"$work/npm.log" 2>&1 || {
    cat "$work/npm.log"
    fail "npm install echonet-lite failed"
  }
fi

node "$here/crosscheck.js" "$tool" "$el_home"
