#!/usr/bin/env bash
# Makes the bare Debian 12 base that the image test (docker/test-image.sh) builds on and that the
# fresh-machine check (scripts/fresh-machine-check.sh) starts from: `debootstrap
# --variant=minbase bookworm`, trimmed like debian:bookworm-slim and imported with `podman import`
# (base images cannot be pulled on the CI machines). Does nothing when the image exists.
#   docker/make-base.sh
# Env: HEMS_BASE_IMAGE (default localhost/hems2mqtt-base:bookworm), HEMS_REBUILD_BASE=1 (debootstrap
#      again), DEBIAN_MIRROR (default http://deb.debian.org/debian).
# Needs root, podman and debootstrap. Exit 0: the image exists; 77: debootstrap failed (network or
# mirror); anything else: failed.
set -euo pipefail

base_image=${HEMS_BASE_IMAGE:-localhost/hems2mqtt-base:bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ "${HEMS_REBUILD_BASE:-0}" != 1 ] && podman image exists "$base_image"; then
  echo "== base image $base_image exists (HEMS_REBUILD_BASE=1 makes it again)"
  exit 0
fi

echo "== base image $base_image from debootstrap --variant=minbase bookworm"
work=$(mktemp -d /tmp/hems2mqtt-base.XXXXXX)
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
rootfs=$work/rootfs
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 5 "$work/debootstrap.log"
  echo "debootstrap failed (network or mirror)"
  exit 77
}
# Trim it the way debian:bookworm-slim is trimmed (no docs, man pages, locales, apt caches, and
# dpkg told to skip them in later installs), so the image size says something.
mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
  'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
  'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
  >"$rootfs/etc/dpkg/dpkg.cfg.d/slim"
find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
rm -rf "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
tar -C "$rootfs" -c . | podman import - "$base_image" >/dev/null
echo "base made in $(($(date +%s) - t0)) s"
