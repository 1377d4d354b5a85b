#!/usr/bin/env bash
# Assembles the Home Assistant add-on as a self-contained folder that builds from source: the
# add-on's files (deploy/homeassistant-addon) plus the sources it compiles, in OUTDIR/source.
#   scripts/addon-context.sh OUTDIR
# OUTDIR's config.yaml has no `image:`, so a Supervisor that finds it in /addons builds the image
# on the device (Dockerfile, base image from build.yaml) instead of pulling the published one:
#   scp -r OUTDIR root@homeassistant.local:/addons/hems2mqtt
# then Settings > Add-ons > Add-on store > (menu) Check for updates, and install it from
# "Local add-ons". The release workflow builds the published add-on images from the same folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 1 ] || {
  echo "usage: scripts/addon-context.sh OUTDIR" >&2
  exit 2
}
out=$1
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
  echo "addon-context: $out exists and is not empty" >&2
  exit 1
fi
mkdir -p "$out/source"

addon=$root/deploy/homeassistant-addon
cp -R "$addon/." "$out/"
# Built here, not pulled: drop the published image's name.
grep -v '^image:' "$addon/config.yaml" >"$out/config.yaml"

# What the compile step reads (the same as docker/Dockerfile copies), and the license files.
for path in CMakeLists.txt cmake include src config deploy/systemd deploy/udev \
  docker/image-steps.sh LICENSE NOTICE; do
  mkdir -p "$out/source/$(dirname "$path")"
  cp -R "$root/$path" "$out/source/$path"
done
echo "add-on build context in $out ($(du -sh "$out" | cut -f1))"
