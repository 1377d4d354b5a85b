#!/usr/bin/env bash
# Installs the Debian 12 packages hems2mqtt needs, from a bare Debian 12 (minbase) up.
#   scripts/deps.sh          # to build it and run the demo (scripts/demo.sh)
#   scripts/deps.sh --test   # also what the test suite needs (scripts/test.sh)
# Two groups, because the test suite brings Node.js and npm (some 300 packages) and other tools the
# daemon never uses; someone trying the demo should not have to install them.
# Only missing packages are installed; uses sudo when not root.
# CI builds in a fresh Debian 12 root from exactly these lists (scripts/fresh-machine-check.sh), so
# a package missing here fails CI.
set -euo pipefail

# To build: compiler, CMake, pkg-config and the libraries (see "Building by hand" in README.md).
# libssl-dev only because Paho's CMake package insists on finding OpenSSL.
build=(build-essential cmake pkg-config libssl-dev
  libpaho-mqttpp-dev libpaho-mqtt-dev libserialport-dev nlohmann-json3-dev libtomlplusplus-dev)
# To run the demo: its own Mosquitto, and mosquitto_sub to watch it.
demo=(mosquitto mosquitto-clients)
# To test: GoogleTest; openssl makes the TLS tests' certificates; iproute2 builds the network
# namespaces of the LAN tests; jq, python3-yaml and systemd (systemd-analyze) check the deployment
# files; python3-jinja2 renders Home Assistant templates; Node.js and npm run the Node-RED flow and
# the cross-check against the npm package echonet-lite, which npm fetches over HTTPS
# (ca-certificates); Google Benchmark builds bench/. promtool, which checks the daemon's /metrics,
# is not installed: scripts/promtool.sh takes it out of Debian's prometheus package (installing
# that would set up, and under systemd start, a whole Prometheus server).
test=(libgtest-dev libgmock-dev libbenchmark-dev openssl iproute2 jq python3-yaml python3-jinja2
  systemd ca-certificates)

packages=("${build[@]}" "${demo[@]}")
case "${1:-}" in
  "") ;;
  --test) packages+=("${test[@]}") ;;
  *)
    echo "usage: scripts/deps.sh [--test]" >&2
    exit 2
    ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js and npm by command, not by package: a Node.js from elsewhere (e.g. NodeSource, whose
# nodejs package brings npm and conflicts with Debian's) serves as well. Node-RED 4 needs 18+,
# which is Debian 12's.
if [ "${1:-}" = --test ]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "Installing: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update
"${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
