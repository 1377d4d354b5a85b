#!/usr/bin/env bash
# Loads examples/node-red/flow.json into a real Node-RED and shows that it receives the meter
# state that the real hems2mqtt publishes (from hems2mqtt-sim, through a private Mosquitto), that
# its "read now" button gets an answer on the response topic, and that the half-hours the bridge
# reads back from the meter's memory after a gap are appended to the flow's history file.
#
#   run-node-red-test.sh HEMS2MQTT HEMS2MQTT_SIM [FLOW_JSON]
#
# Node-RED is installed with npm into a temporary directory, unless NODE_RED_HOME names a
# directory where `npm install node-red@4` was already run. Exit 0: passed; 77: skipped (no
# node/npm/mosquitto, or the npm registry cannot be reached); anything else: failed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bridge=${1:?usage: run-node-red-test.sh HEMS2MQTT HEMS2MQTT_SIM [FLOW_JSON]}
sim=${2:?usage: run-node-red-test.sh HEMS2MQTT HEMS2MQTT_SIM [FLOW_JSON]}
flow=${3:-$here/../../examples/node-red/flow.json}

started=$(date +%s.%N)
elapsed() { awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }'; }
say() { echo "node-red-test [$(elapsed) s]: $*"; }
skip() {
  echo "SKIPPED: $*"
  exit 77
}

command -v node >/dev/null || skip "node is not installed"
command -v npm >/dev/null || skip "npm is not installed"
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
[ -x "$mosquitto" ] || skip "mosquitto is not installed"
command -v mosquitto_sub >/dev/null || skip "mosquitto_sub (mosquitto-clients) is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || skip "node $node_major is too old for Node-RED 4 (needs 18 or later)"
for f in "$bridge" "$sim"; do
  [ -x "$f" ] || { echo "FAILED: $f is not an executable" >&2; exit 1; }
done
[ -f "$flow" ] || { echo "FAILED: no flow file $flow" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hems2mqtt-node-red.XXXXXX")
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    for log in node-red.log bridge.log sim.log mosquitto.log; do
      [ -f "$work/$log" ] && { echo "---- $log (last 40 lines)"; tail -n 40 "$work/$log"; }
    done
    for out in power.txt energy.txt response.txt history.csv; do
      [ -f "$work/out/$out" ] && { echo "---- $out"; tail -n 5 "$work/out/$out"; }
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# wait_until SECONDS WHAT COMMAND...: polls COMMAND until it succeeds or the time is up.
wait_until() {
  local limit=$1 what=$2
  shift 2
  local deadline=$(($(date +%s) + limit))
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "waited ${limit} s for $what"
    sleep 0.2
  done
}

free_port() {
  node -e 'const s = require("net").createServer();
           s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
alive() { kill -0 "$1" 2>/dev/null || fail "$2 exited early"; }

# ---- Node-RED --------------------------------------------------------------------------------
if [ -n "${NODE_RED_HOME:-}" ] && [ -x "$NODE_RED_HOME/node_modules/.bin/node-red" ]; then
  nr_home=$NODE_RED_HOME
  say "using the Node-RED in $nr_home"
else
  timeout 90 npm view --loglevel=error node-red@4 version >/dev/null 2>&1 ||
    skip "the npm registry cannot be reached (npm view node-red@4 failed)"
  nr_home=$work/nr
  mkdir -p "$nr_home"
  say "installing node-red@4 with npm"
  (cd "$nr_home" && timeout 480 npm install --no-audit --no-fund --loglevel=error node-red@4) \
    >"$work/npm.log" 2>&1 || {
    cat "$work/npm.log"
    fail "npm install node-red@4 failed"
  }
fi
nr_version=$(node -p "require('$nr_home/node_modules/node-red/package.json').version")
say "Node-RED $nr_version ready"

# ---- broker, simulator, bridge -----------------------------------------------------------------
mqtt_port=$(free_port)
# The flow is checked first: a broken flow fails before anything starts.
mkdir -p "$work/out" "$work/userdir"
inject_id=$(node "$here/prepare-flow.js" "$flow" "$work/flow.json" 127.0.0.1 "$mqtt_port" "$work/out") ||
  fail "the example flow is not usable"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$mqtt_port" \
  >"$work/mosquitto.conf"
"$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mosquitto_pid=$!
pids+=("$mosquitto_pid")
wait_until 20 "Mosquitto on port $mqtt_port" port_open "$mqtt_port"

# The meter's clock is fixed so that the gap below is known: the bridge last published 11:30.
"$sim" --pty "$work/wisun" --speed 20 --clock-start 2026-05-20T13:59:00 >"$work/sim.log" 2>&1 &
sim_pid=$!
pids+=("$sim_pid")
wait_until 20 "the simulator's pty" test -e "$work/wisun"

say "hems2mqtt-sim and Mosquitto (port $mqtt_port) started"

# ---- the flow ----------------------------------------------------------------------------------
nr_port=$(free_port)
node "$nr_home/node_modules/node-red/red.js" --userDir "$work/userdir" --port "$nr_port" \
  --settings "$here/settings.js" "$work/flow.json" >"$work/node-red.log" 2>&1 &
nr_pid=$!
pids+=("$nr_pid")
flows_started() {
  alive "$nr_pid" "Node-RED"
  grep -q "Started flows" "$work/node-red.log"
}
wait_until 120 "Node-RED to start the flow" flows_started
say "Node-RED started the flow (port $nr_port)"
grep -qi "missing types\|Waiting for missing" "$work/node-red.log" && fail "Node-RED lacks node types"
flow_connected() {
  alive "$nr_pid" "Node-RED"
  grep -q "Connected to broker" "$work/node-red.log"
}
wait_until 60 "the flow's MQTT nodes to connect" flow_connected

# The bridge starts once the flow listens: the history it reads back is not retained.
mkdir -p "$work/state"
echo "2026-05-20T11:30:00" >"$work/state/history-published-through"
cat >"$work/config.toml" <<TOML
[mqtt]
server = "mqtt://127.0.0.1:$mqtt_port"

[meter]
device = "$work/wisun"
id = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"
password = "SIMULATORPW1"
state_dir = "$work/state"
instant_interval = 10
energy_interval = 30
TOML
"$bridge" --config "$work/config.toml" >"$work/bridge.log" 2>&1 &
bridge_pid=$!
pids+=("$bridge_pid")
say "hems2mqtt started"

# A line that is a number (an integer for power, a decimal for energy).
has_number() { [ -f "$1" ] && grep -Eq "$2" "$1"; }
state_arrived() {
  alive "$bridge_pid" "hems2mqtt"
  alive "$nr_pid" "Node-RED"
  has_number "$work/out/power.txt" '^-?[0-9]+$' &&
    has_number "$work/out/energy.txt" '^[0-9]+(\.[0-9]+)?$'
}
wait_until 120 "power_w and energy_import_kwh from the flow" state_arrived
say "the flow extracted power_w=$(tail -n 1 "$work/out/power.txt") W and" \
  "energy_import_kwh=$(tail -n 1 "$work/out/energy.txt") kWh"

# The values are the bridge's: the retained state's power_w reaches the flow's output.
retained=$(mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t hems2mqtt/smart_meter -C 1 -W 10) ||
  fail "no retained state on hems2mqtt/smart_meter"
retained_power=$(node -p "JSON.parse(process.argv[1]).power_w" "$retained")
[[ "$retained_power" =~ ^-?[0-9]+$ ]] || fail "the retained state has no power_w: $retained"
wait_until 60 "power_w=$retained_power in the flow's output" \
  grep -qx -- "$retained_power" "$work/out/power.txt"

# Press the flow's "read now" inject node through Node-RED's admin API; the bridge answers on
# the response topic with the transaction the button sent.
node -e 'fetch(process.argv[1], { method: "POST" }).then((r) => process.exit(r.ok ? 0 : 1),
         (e) => { console.error(e.message); process.exit(1); });' \
  "http://127.0.0.1:$nr_port/inject/$inject_id" || fail "could not press the inject node"
response_ok() {
  alive "$nr_pid" "Node-RED"
  [ -f "$work/out/response.txt" ] &&
    node -e 'const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
             const ok = lines.some((l) => { const r = JSON.parse(l);
               return r.transaction === "nr-1" && r.status === "ok" &&
                      typeof r.data.power_w === "number"; });
             process.exit(ok ? 0 : 1);' "$work/out/response.txt"
}
wait_until 90 'the response {"transaction":"nr-1","status":"ok"} in the flow' response_ok
say "the flow's get request was answered: $(tail -n 1 "$work/out/response.txt")"

# The gap since 11:30 was read back and written, one CSV line per half-hour, oldest first.
history_written() {
  alive "$nr_pid" "Node-RED"
  [ -f "$work/out/history.csv" ] && [ "$(wc -l <"$work/out/history.csv")" -ge 3 ]
}
wait_until 90 "history lines in the flow's file" history_written
# 12:00 to 13:00 at least: the first value read live is 13:30 or later.
expected_history=$(printf '2026-05-20T%s:00+09:00\n' 12:00 12:30 13:00)
[ "$(head -n 3 "$work/out/history.csv" | cut -d, -f1)" = "$expected_history" ] ||
  fail "history lines not the half-hours since 11:30 in order: $(cat "$work/out/history.csv")"
grep -Evq '^[^,]+,[0-9]+(\.[0-9]+)?,[0-9]+(\.[0-9]+)?$' "$work/out/history.csv" &&
  fail "a history line is not at,import,export: $(cat "$work/out/history.csv")"
say "the flow wrote the meter's history: $(head -n 1 "$work/out/history.csv") ..."

grep -q '\[error\]' "$work/node-red.log" && fail "Node-RED logged an error"
say "passed"
