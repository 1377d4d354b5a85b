#!/usr/bin/env bash
# The demo: installs what is missing, builds, and runs hems2mqtt against the simulated dongle and
# meter (hems2mqtt-sim) with a local Mosquitto, so no hardware is needed.
#   scripts/demo.sh            # runs until Ctrl-C
# Watch it from another terminal:
#   mosquitto_sub -v -t 'hems2mqtt/#' -t 'homeassistant/#'
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/deps.sh"
"$root/scripts/build.sh" -DHEMS_BUILD_TESTS=OFF

work=$(mktemp -d /tmp/hems2mqtt-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port=${MQTT_PORT:-1883}
if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "demo: no MQTT broker on 127.0.0.1:$port; starting Mosquitto"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" >"$work/mosquitto.conf"
  /usr/sbin/mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
fi

# The simulated dongle runs ten times faster than real time so a 30-minute push comes soon.
"$build/src/sim/hems2mqtt-sim" --pty "$work/wisun" --dialect bp35c0 --speed 10 >"$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -e "$work/wisun" ] && break; sleep 0.1; done

cat >"$work/config.toml" <<TOML
[mqtt]
server = "mqtt://127.0.0.1:$port"

[meter]
device = "$work/wisun"
id = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"
password = "SIMULATORPW1"
state_dir = "$work/state"
instant_interval = 10
energy_interval = 30
TOML

echo "demo: simulator log in $work/sim.log; watch MQTT with:"
echo "  mosquitto_sub -h 127.0.0.1 -p $port -v -t 'hems2mqtt/#' -t 'homeassistant/#'"
"$build/src/app/hems2mqtt" --config "$work/config.toml" &
pids+=($!)
wait "${pids[-1]}"
