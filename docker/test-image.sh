#!/usr/bin/env bash
# Builds the hems2mqtt image and proves it works, without a container engine:
#   1. a Debian 12 base from `debootstrap --variant=minbase bookworm`, imported with `podman import`
#      (base images cannot be pulled on the CI machines; docker/make-base.sh);
#   2. `podman build --isolation=chroot` of docker/Dockerfile from the committed tree (git archive
#      HEAD; --worktree builds the working tree instead);
#   3. `podman image mount` + chroot, as the image's user and with the image's environment:
#      `hems2mqtt --version`, the image's HEALTHCHECK, and the bridge on the simulated dongle
#      publishing to a Mosquitto on loopback, then a clean SIGTERM exit; the OCI labels, and the
#      version in them and in `hems2mqtt --version` equal to CMakeLists.txt's;
#   4. the Home Assistant add-on from the context scripts/addon-context.sh assembles, built from
#      source on the same base: its binary, run.sh, and its jq mapping the options.
# Prints the image size and timings. Exits 0 with "SKIPPED: <reason>" when this machine cannot
# build images at all; any failure of the project's files fails it.
#   docker/test-image.sh [--worktree]
# Env: HEMS_BASE_IMAGE (default localhost/hems2mqtt-base:bookworm, made when missing),
#      HEMS_REBUILD_BASE=1 (debootstrap again), HEMS_IMAGE (tag to build),
#      HEMS_REQUIRE_HEALTH=1 (fail instead of warn when hems2mqtt has no --health yet).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
base_image=${HEMS_BASE_IMAGE:-localhost/hems2mqtt-base:bookworm}
image=${HEMS_IMAGE:-localhost/hems2mqtt:test}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
started=$(date +%s)

skip() {
  echo "SKIPPED: $*"
  exit 0
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

# ---- inside: runs in a private mount namespace (re-invoked through unshare below) -------------
if [ "${1:-}" = "--inside" ]; then
  mnt=$2 work=$3 port=$4
  # The image's root is read-only; give the container's volumes, /tmp and /dev real mounts.
  mount --bind "$work/config" "$mnt/config"
  mount --bind "$work/data" "$mnt/data"
  mount --bind "$work/tmp" "$mnt/tmp"
  mount --rbind /dev "$mnt/dev"
  mount -t proc proc "$mnt/proc"

  mapfile -t image_env <"$work/image.env"
  user_ids=$(cat "$work/image.uid")
  groups=$(cat "$work/image.groups")
  run_in_image() { # as the image's USER, with the image's ENV and nothing else
    env -i "${image_env[@]}" chroot --userspec="$user_ids" --groups="$groups" "$mnt" "$@"
  }
  start_in_image() { # the same in the background; $! is then the program's own pid (env and
    # chroot exec it), so signals reach it
    local log=$1
    shift
    env -i "${image_env[@]}" chroot --userspec="$user_ids" --groups="$groups" "$mnt" "$@" \
      >"$log" 2>&1 &
  }

  step "hems2mqtt --version (in the image)"
  run_in_image /usr/bin/hems2mqtt --version || fail "hems2mqtt --version"
  [ "$(run_in_image /usr/bin/hems2mqtt --version)" = "hems2mqtt $(cat "$work/version")" ] ||
    fail "hems2mqtt --version is not the version in CMakeLists.txt"
  run_in_image /usr/bin/hems2mqtt-sim --help 2>&1 | grep -q '^usage' ||
    fail "hems2mqtt-sim does not run"
  [ "$(run_in_image /usr/bin/id -u)" != 0 ] || fail "the image runs as root"

  step "bridge on the simulator against Mosquitto on 127.0.0.1:$port"
  start_in_image "$work/sim.log" /usr/bin/hems2mqtt-sim --pty /tmp/wisun --dialect bp35c0 --speed 10
  sim_pid=$!
  for _ in $(seq 100); do grep -q '^READY' "$work/sim.log" && break; sleep 0.1; done
  grep -q '^READY' "$work/sim.log" || { cat "$work/sim.log"; fail "simulator not ready"; }

  # The config the user would mount at /config/config.toml; state_dir comes from the image ENV.
  cat >"$work/config/config.toml" <<TOML
[mqtt]
server = "mqtt://127.0.0.1:$port"
[meter]
device = "/tmp/wisun"
id = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"
password = "SIMULATORPW1"
instant_interval = 10
energy_interval = 30
TOML
  run_in_image /usr/bin/hems2mqtt --check-config || fail "--check-config in the image"

  mosquitto_sub -h 127.0.0.1 -p "$port" -v -t 'hems2mqtt/#' >"$work/mqtt.log" 2>&1 &
  sub_pid=$!
  start_in_image "$work/bridge.log" /usr/bin/hems2mqtt --log-level debug
  bridge_pid=$!
  deadline=$((SECONDS + 120))
  until grep -q '^hems2mqtt/smart_meter {.*"power_w"' "$work/mqtt.log"; do
    if [ $SECONDS -ge $deadline ] || ! kill -0 $bridge_pid 2>/dev/null; then
      tail -n 30 "$work/bridge.log"
      fail "no meter state with power_w on MQTT within 120 s"
    fi
    sleep 0.5
  done
  grep '^hems2mqtt/smart_meter {' "$work/mqtt.log" | tail -n 1
  grep -q '^hems2mqtt/bridge/state {"state":"online"}' "$work/mqtt.log" ||
    fail "bridge/state never said online"

  step "health check (the image's HEALTHCHECK command)"
  mapfile -t health_cmd <"$work/image.health"
  if run_in_image /usr/bin/hems2mqtt --help 2>&1 | grep -q -- '--health'; then
    run_in_image "${health_cmd[@]}" || fail "health check failed while the bridge runs"
    echo "healthy while running: ok"
    touch -d '-10 min' "$work/data/health"
    if run_in_image "${health_cmd[@]}"; then fail "health check passed on a stale heartbeat"; fi
    echo "unhealthy on a 10-minute-old heartbeat: ok"
  elif [ "${HEMS_REQUIRE_HEALTH:-0}" = 1 ]; then
    fail "hems2mqtt has no --health option, which the image's HEALTHCHECK runs"
  else
    echo "WARNING: hems2mqtt has no --health option yet; the HEALTHCHECK (${health_cmd[*]}) will" \
      "report unhealthy until it does"
  fi

  step "SIGTERM: clean exit and retained offline state"
  kill -TERM $bridge_pid
  status=0
  wait $bridge_pid || status=$?
  [ $status -eq 0 ] || { tail -n 20 "$work/bridge.log"; fail "bridge exited $status on SIGTERM"; }
  retained=$(mosquitto_sub -h 127.0.0.1 -p "$port" -t hems2mqtt/bridge/state -C 1 -W 5 || true)
  [ "$retained" = '{"state":"offline"}' ] || fail "retained bridge/state is '$retained'"
  echo "exit 0, bridge/state $retained"
  kill $sub_pid $sim_pid 2>/dev/null || true
  wait 2>/dev/null || true
  exit 0
fi

# ---- outside -----------------------------------------------------------------------------------
worktree=0
[ "${1:-}" = "--worktree" ] && worktree=1

[ "$(id -u)" -eq 0 ] || skip "needs root (podman image mount and chroot)"
need=()
command -v podman >/dev/null || need+=(podman)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_sub >/dev/null || need+=(mosquitto-clients)
command -v unshare >/dev/null || need+=(util-linux)
command -v jq >/dev/null || need+=(jq)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]}"
  command -v apt-get >/dev/null || skip "no apt-get to install ${need[*]}"
  { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    "${need[@]}" fuse-overlayfs; } >/tmp/hems2mqtt-test-image-apt.log 2>&1 ||
    skip "cannot install ${need[*]} (see /tmp/hems2mqtt-test-image-apt.log)"
fi
podman info >/dev/null 2>&1 || skip "podman does not work here: $(podman info 2>&1 | tail -n 1)"
# Both the base and the image's apt-get need the Debian mirror.
mirror_host=$(echo "$mirror" | sed -E 's|^[a-z]+://([^/:]+).*|\1|')
timeout 10 bash -c "exec 3<>/dev/tcp/$mirror_host/80" 2>/dev/null ||
  skip "no network to $mirror_host (needed for debootstrap and the image's apt-get)"

work=$(mktemp -d /tmp/hems2mqtt-test-image.XXXXXX)
mosquitto_pid=""
mounted=""
cleanup() {
  [ -n "$mosquitto_pid" ] && kill "$mosquitto_pid" 2>/dev/null
  [ -n "$mounted" ] && podman image unmount "$image" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

status=0
HEMS_BASE_IMAGE=$base_image DEBIAN_MIRROR=$mirror "$root/docker/make-base.sh" || status=$?
[ $status -eq 77 ] && skip "debootstrap failed (network or mirror)"
[ $status -eq 0 ] || fail "docker/make-base.sh failed"

step "podman build --isolation=chroot docker/Dockerfile -> $image"
context=$root
if [ $worktree -eq 0 ] && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  context=$work/context
  mkdir -p "$context"
  git -C "$root" archive HEAD | tar -x -C "$context"
  echo "context: git archive HEAD ($(git -C "$root" rev-parse --short HEAD))"
fi
t0=$(date +%s)
podman build --isolation=chroot --format docker \
  --build-arg BASE_IMAGE="$base_image" \
  --ignorefile "$context/docker/Dockerfile.dockerignore" \
  -f "$context/docker/Dockerfile" -t "$image" "$context" >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log"; fail "podman build failed"; }
build_seconds=$(($(date +%s) - t0))
echo "built in $build_seconds s"

# What a container engine would apply: USER, ENV, HEALTHCHECK.
podman image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$image" |
  grep -v '^$' >"$work/image.env"
user=$(podman image inspect --format '{{.Config.User}}' "$image")
health=$(podman image inspect --format '{{json .Config.Healthcheck}}' "$image")
echo "image user: $user; healthcheck: $health"
echo "$health" | jq -r '.Test | if .[0] == "CMD" then .[1:][] else error("not exec form") end' \
  >"$work/image.health" 2>/dev/null || fail "the image has no exec-form HEALTHCHECK: $health"
# The labels carry what CMakeLists.txt says (scripts/release-metadata.py keeps the defaults so).
version=$(python3 "$context/scripts/release-metadata.py" --root "$context" --print version)
label_of() { # IMAGE NAME
  podman image inspect --format "{{index .Config.Labels \"$2\"}}" "$1"
}
for label in title description version source licenses; do
  [ -n "$(label_of "$image" "org.opencontainers.image.$label")" ] ||
    fail "the image has no org.opencontainers.image.$label label"
done
value=$(label_of "$image" org.opencontainers.image.version)
[ "$value" = "$version" ] || fail "image version label '$value', CMakeLists.txt says $version"
echo "labels: version $value"
grep -q '^HEMS2MQTT_CONFIG=/config/config.toml$' "$work/image.env" || fail "HEMS2MQTT_CONFIG"
grep -q '^HEMS2MQTT_METER_STATE_DIR=/data$' "$work/image.env" || fail "HEMS2MQTT_METER_STATE_DIR"

mnt=$(podman image mount "$image")
mounted=1
if [ -z "$user" ] || [ "$user" = root ]; then fail "the image has no non-root USER"; fi
uid=$(chroot "$mnt" /usr/bin/id -u "$user") || fail "user $user not in the image"
gid=$(chroot "$mnt" /usr/bin/id -g "$user")
echo "$uid:$gid" >"$work/image.uid"
chroot "$mnt" /usr/bin/id -G "$user" | tr ' ' ',' >"$work/image.groups"
mkdir -p "$work/config" "$work/data" "$work/tmp"
chown "$uid:$gid" "$work/data" "$work/tmp"
chmod 1777 "$work/tmp"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo 18830)
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
"$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mosquitto_pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

echo "$version" >"$work/version"
unshare --mount --propagation private "$0" --inside "$mnt" "$work" "$port"

# The Home Assistant add-on: the context scripts/addon-context.sh assembles, built from source on
# Home Assistant's base (here our Debian base stands in for it, which cannot be pulled), as the
# Supervisor builds a local add-on and the release workflow builds the published ones.
step "Home Assistant add-on image (scripts/addon-context.sh, built from source)"
addon_image=${image%:*}-addon:test
"$context/scripts/addon-context.sh" "$work/addon" >/dev/null
t0=$(date +%s)
podman build --isolation=chroot --format docker --build-arg BUILD_FROM="$base_image" \
  --build-arg BUILD_ARCH=amd64 -t "$addon_image" "$work/addon" >"$work/addon-build.log" 2>&1 ||
  { tail -n 30 "$work/addon-build.log"; fail "add-on build failed"; }
echo "built in $(($(date +%s) - t0)) s"
addon_mnt=$(podman image mount "$addon_image")
[ "$(chroot "$addon_mnt" /usr/bin/hems2mqtt --version)" = "hems2mqtt $version" ] ||
  fail "hems2mqtt in the add-on image is not version $version"
[ -x "$addon_mnt/run.sh" ] || fail "the add-on image lacks an executable /run.sh"
# The image's own jq and mapping turn options into the same config as the repository's do.
printf '%s' '{"meter": {"device": "/dev/ttyUSB0", "id": "3F8A2C5E7B1D4096A8C3E5F7092B4D6E",
  "password": "SIMULATORPW1"}, "mqtt": {"server": "mqtt://127.0.0.1:1883"},
  "lan": {"hosts": ["192.0.2.10"], "names": [{"object": "192.0.2.10/0x013001", "id": "ac"}]}}' \
  >"$work/addon-options.json"
chroot "$addon_mnt" /usr/bin/jq -r -f /usr/share/hems2mqtt/options-to-toml.jq \
  <"$work/addon-options.json" >"$work/addon-in-image.toml" || fail "jq in the add-on image"
jq -r -f "$context/deploy/homeassistant-addon/options-to-toml.jq" "$work/addon-options.json" |
  cmp -s - "$work/addon-in-image.toml" || fail "the add-on image maps options differently"
podman image unmount "$addon_image" >/dev/null
for label in org.opencontainers.image.version io.hass.version; do
  value=$(label_of "$addon_image" "$label")
  [ "$value" = "$version" ] || fail "add-on image label $label is '$value', not $version"
done
echo "add-on image: ok"

size=$(podman image inspect --format '{{.Size}}' "$image")
base_size=$(podman image inspect --format '{{.Size}}' "$base_image")
echo "image size: $((size / 1000000)) MB ($size bytes), of which the debootstrap base is" \
  "$((base_size / 1000000)) MB and hems2mqtt's layers $(((size - base_size) / 1000000)) MB"
echo "PASSED in $(($(date +%s) - started)) s (image build $build_seconds s)"
