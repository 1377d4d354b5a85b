#!/usr/bin/env bash
# Installs the Debian 12 packages hems2mqtt needs to build, test and run the demo.
# Only missing packages are installed; uses sudo when not root.
set -euo pipefail

packages=(build-essential cmake pkg-config
  libpaho-mqttpp-dev libpaho-mqtt-dev libserialport-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  mosquitto mosquitto-clients socat iproute2 openssl jq python3-yaml systemd)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
echo "Installing: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
