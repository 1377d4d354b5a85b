#!/usr/bin/env bash
# Prints the path of a promtool, Prometheus's checker of the metrics format, which one test runs
# on the daemon's /metrics:
#   scripts/promtool.sh [DIR]
# One on PATH is used as it is. Otherwise promtool is taken out of Debian's prometheus package
# into DIR (default build/tools) without installing the package: installing it would also set up
# a Prometheus server, and on a machine booted with systemd start one on port 9090. Needs apt's
# package lists (apt-get update) and about 19 MB of download; promtool needs only libc.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if command -v promtool >/dev/null; then
  command -v promtool
  exit 0
fi
dir=${1:-$root/build/tools}
tool=$dir/usr/bin/promtool
if [ ! -x "$tool" ]; then
  mkdir -p "$dir"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # apt-get download fetches as _apt where it can; a root-owned temp dir only draws a warning.
  (cd "$work" && apt-get download prometheus >&2) || {
    echo "promtool.sh: cannot download the prometheus package (apt-get update first?)" >&2
    exit 1
  }
  dpkg-deb --fsys-tarfile "$work"/prometheus_*.deb | tar -x -C "$dir" ./usr/bin/promtool
fi
"$tool" --version >/dev/null 2>&1 || {
  echo "promtool.sh: $tool does not run" >&2
  exit 1
}
echo "$tool"
