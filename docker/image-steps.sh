#!/bin/sh
# The steps that both images take, written once: docker/Dockerfile (the plain image) and the Home
# Assistant add-on's Dockerfile run them inside a Debian 12 (bookworm) build, as root.
#   image-steps.sh build-deps           install what compiling hems2mqtt needs
#   image-steps.sh compile SRC STAGING  build the sources in SRC (Release) and install them under
#                                       STAGING (STAGING/usr/bin/hems2mqtt ...)
#   image-steps.sh runtime-deps [PKG]   install the libraries hems2mqtt runs with, and PKG...
set -eu

apt_install() {
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
  rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/cache/apt/archives/*.deb /var/log/apt \
    /var/log/dpkg.log
}

case "${1:-}" in
build-deps)
  # libssl-dev only because the Paho CMake package insists on finding OpenSSL.
  apt_install g++ make cmake pkg-config libssl-dev libpaho-mqttpp-dev \
    libpaho-mqtt-dev libserialport-dev nlohmann-json3-dev libtomlplusplus-dev
  ;;
compile)
  src=$2 staging=$3
  cmake -S "$src" -B /tmp/hems2mqtt-build -DCMAKE_BUILD_TYPE=Release -DHEMS_BUILD_TESTS=OFF \
    -DHEMS_WERROR=OFF -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_SYSCONFDIR=/etc
  cmake --build /tmp/hems2mqtt-build -j"$(nproc)"
  DESTDIR=$staging cmake --install /tmp/hems2mqtt-build --strip
  rm -rf /tmp/hems2mqtt-build
  ;;
runtime-deps)
  shift
  # nlohmann-json is header-only; Debian builds toml++ as a shared library. ca-certificates for
  # mqtts:// with the system's trust store.
  apt_install libpaho-mqttpp3-1 libpaho-mqtt1.3 libserialport0 libtomlplusplus3 \
    ca-certificates "$@"
  ;;
*)
  echo "usage: image-steps.sh build-deps | compile SRC STAGING | runtime-deps [PKG...]" >&2
  exit 2
  ;;
esac
