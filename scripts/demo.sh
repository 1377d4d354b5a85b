#!/usr/bin/env bash
# The demo: installs what is missing, builds, and runs hems2mqtt against the simulated dongle and
# meter (hems2mqtt-sim) with a Mosquitto of its own, so no hardware is needed.
#   scripts/demo.sh            # runs until Ctrl-C
# The demo always starts its own broker, on a free loopback port, and never talks to another one:
# a broker already on 1883 may be a Home Assistant's, which would keep a simulated smart meter
# among its devices. It prints the mosquitto_sub command to watch it with.
# Env: BUILD_DIR (default build/), BUILD_TYPE (default RelWithDebInfo), HEMS_DEMO_NO_BUILD=1 (use
# the binaries already in BUILD_DIR; no package installation, no build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
if [ "${HEMS_DEMO_NO_BUILD:-0}" != 1 ]; then
  "$root/scripts/deps.sh"
  "$root/scripts/build.sh" -DHEMS_BUILD_TESTS=OFF
fi
bridge=$build/src/app/hems2mqtt
sim=$build/src/sim/hems2mqtt-sim
for f in "$bridge" "$sim"; do
  [ -x "$f" ] || { echo "demo: $f is missing; build first (scripts/build.sh)" >&2; exit 1; }
done
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)

work=$(mktemp -d /tmp/hems2mqtt-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Our own Mosquitto on a free port. A port that looks free may be taken before Mosquitto binds it,
# so the broker is ours only once it says it is running; if it exits instead, the next port.
broker_pid=""
for attempt in $(seq 20); do
  port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
  port_open "$port" && continue
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" \
    >"$work/mosquitto.conf"
  "$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    grep -q ' running$' "$work/mosquitto.log" && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null && grep -q ' running$' "$work/mosquitto.log"; then
    broker_pid=$pid
    pids+=("$pid")
    break
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
if [ -z "$broker_pid" ]; then
  echo "demo: could not start Mosquitto on a free loopback port ($attempt tries):" >&2
  tail -n 5 "$work/mosquitto.log" >&2
  exit 1
fi

# The simulated dongle runs ten times faster than real time so a 30-minute push comes soon.
"$sim" --pty "$work/wisun" --dialect bp35c0 --speed 10 >"$work/sim.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -e "$work/wisun" ] && break; sleep 0.1; done

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

echo "demo: the demo's own Mosquitto listens on 127.0.0.1:$port (no other broker is used)."
echo "demo: watch it from another terminal with:"
echo "  mosquitto_sub -h 127.0.0.1 -p $port -v -t 'hems2mqtt/#' -t 'homeassistant/#'"
echo "demo: simulator log in $work/sim.log; Ctrl-C stops everything."
"$bridge" --config "$work/config.toml" &
pids+=($!)
wait "${pids[-1]}"
