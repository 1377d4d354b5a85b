#!/usr/bin/env bash
# End-to-end latency, CPU and memory of the built daemon, from a meter answer on the serial line
# to a subscriber holding the published state:
#   bench/e2e.sh BUILD_DIR meter      the Wi-SUN meter at a 1 s poll (READINGS readings)
#   bench/e2e.sh BUILD_DIR lan        LAN appliances: 10, 100 and 250 simulated objects
#   bench/e2e.sh BUILD_DIR            both
#
# meter: a private Mosquitto on a free loopback port, hems2mqtt-sim on a pty with its clock sped
# up and --write-log (the wall-clock time just before each meter answer is written to the pty),
# hems2mqtt on plain mqtt:// with instant_interval = 1, and mosquitto_sub on the state topic with
# its %U receive time. bench/e2e_match.py pairs each received state with the answer it came
# from by the decoded power (E7) and current (E8) and the order (see its header), and reports
# p50, p99 and max. CPU per reading is the daemon's time on CPU (every thread, schedstat) over
# the measured readings divided by their number; memory and threads are read at the end.
#
# lan: network namespaces joined by a Linux bridge (192.0.2.0/24, never outside them), one per
# simulated node, each node a hems2mqtt-sim lan with up to 25 device objects; the daemon and its
# own Mosquitto in the controller namespace. Time from the daemon's start to the first state of
# the last object, and memory once every object has its state. Needs root and `ip`.
#
# Environment knobs (defaults in brackets):
#   READINGS     readings measured in the meter run [1000]
#   WARMUP       readings after the first left out of the figures [5]
#   SIM_SPEED    the meter simulator's clock speed-up [20]
#   LAN_SIZES    object counts of the LAN runs [10 100 250]
#   LAN_TIMEOUT  seconds to wait for the last object's state [60]
#   OUT_DIR      where figures and logs go [e2e-YYYYmmdd-HHMMSS]
# Exit status: 0 measured, 1 the daemon failed (no readings, died), 2 could not set up.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUILD_DIR [meter|lan]" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
what=${2:-all}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bridge_bin=$build/src/app/hems2mqtt
sim_bin=$build/src/sim/hems2mqtt-sim
readings=${READINGS:-1000}
warmup=${WARMUP:-5}
sim_speed=${SIM_SPEED:-20}
lan_sizes=${LAN_SIZES:-10 100 250}
lan_timeout=${LAN_TIMEOUT:-60}
out=${OUT_DIR:-$PWD/e2e-$(date +%Y%m%d-%H%M%S)}

for tool in /usr/sbin/mosquitto mosquitto_sub stdbuf python3 "$bridge_bin" "$sim_bin"; do
  if ! command -v "$tool" >/dev/null; then
    echo "e2e: $tool not found (build hems2mqtt and hems2mqtt-sim; apt install mosquitto" \
      "mosquitto-clients python3)" >&2
    exit 2
  fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

pids=()
namespaces=()
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for ns in "${namespaces[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "e2e $(date +%H:%M:%S): $*" >&2; }
rollup_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/smaps_rollup"; }
private_kb() { awk '$1 == "Private_Clean:" || $1 == "Private_Dirty:" { kb += $2 } END { print kb }' \
  "/proc/$1/smaps_rollup"; }
# User and system time of the whole process in clock ticks (fields 14 and 15 of stat), and the
# context switches of every thread: where the CPU time goes, in user code or in the kernel.
ticks() { awk '{ sub(/^.*\) /, ""); print $12, $13 }' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt_switches/ { v += $2 }
  /^nonvoluntary_ctxt_switches/ { n += $2 } END { print v, n }'; }
count_power() { grep -c '"power_w"' "$1" 2>/dev/null || true; }
# True once FILE holds at least N states with a power reading.
# shellcheck disable=SC2317  # called through wait_for
has_readings() { [ "$(count_power "$1")" -ge "$2" ]; }

# One line of memory figures for a pid: rss, peak, pss, private, anon, threads.
memory_line() {
  printf 'rss_kb %s rss_peak_kb %s pss_kb %s private_kb %s rss_anon_kb %s threads %s' \
    "$(status_kb "$1" VmRSS)" "$(status_kb "$1" VmHWM)" "$(rollup_kb "$1" Pss)" \
    "$(private_kb "$1")" "$(status_kb "$1" RssAnon)" "$(status_kb "$1" Threads)"
}

machine_line() {
  printf '%s, %s cores (%s), load %s, kernel %s' "$(uname -m)" "$(nproc)" \
    "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" "$(uname -r)"
}

# --- meter: serial line -> subscriber -----------------------------------------------------------
run_meter() {
  local dir=$out/meter
  mkdir -p "$dir"
  rm -f "$dir/answers.log" "$dir/states.txt"
  start_broker "$dir" || {
    log "could not start mosquitto on a free port"
    exit 2
  }

  "$sim_bin" --pty "$dir/wisun" --speed "$sim_speed" --seed 7 --write-log "$dir/answers.log" \
    >"$dir/sim.log" 2>&1 &
  local sim_pid=$!
  pids+=("$sim_pid")
  wait_for 10 grep -q '^READY ' "$dir/sim.log" || {
    log "hems2mqtt-sim did not start"
    exit 2
  }

  cat >"$dir/config.toml" <<TOML
[mqtt]
server = "mqtt://127.0.0.1:$port"

[meter]
device = "$dir/wisun"
id = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"
password = "SIMULATORPW1"
state_dir = "$dir/state"
instant_interval = 1
energy_interval = 600

[log]
level = "info"
TOML

  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$port" -t hems2mqtt/smart_meter -F '%U %p' \
    >"$dir/states.txt" 2>"$dir/sub.log" &
  local sub_pid=$!
  pids+=("$sub_pid")
  sleep 0.5 # mosquitto_sub has no "subscribed" signal without -d; the first readings are skipped

  log "meter: $readings readings at a 1 s poll (+ $warmup warm-up), broker port $port"
  "$bridge_bin" --config "$dir/config.toml" >"$dir/bridge.log" 2>&1 &
  local bridge_pid=$!
  pids+=("$bridge_pid")

  local first=$((1 + warmup))
  wait_for 120 has_readings "$dir/states.txt" "$first" || {
    log "no readings within 120 s; bridge log:"
    tail -n 30 "$dir/bridge.log" >&2
    exit 1
  }
  local cpu0 broker_cpu0 sim_cpu0 n0 ticks0 switches0
  ticks0=$(ticks "$bridge_pid")
  switches0=$(switches "$bridge_pid")
  cpu0=$(cpu_us "$bridge_pid")
  broker_cpu0=$(cpu_us "$broker_pid")
  sim_cpu0=$(cpu_us "$sim_pid")
  n0=$(count_power "$dir/states.txt")
  local target=$((n0 + readings))
  wait_for $((readings * 2 + 60)) has_readings "$dir/states.txt" "$target" || {
    log "only $(count_power "$dir/states.txt") of $target readings arrived"
    exit 1
  }
  # States that repeat a reading (after a value the meter pushed) are not timed: go on until
  # READINGS of them were matched with an answer.
  local timed
  while timed=$(python3 "$here/e2e_match.py" "$dir/answers.log" "$dir/states.txt" \
    --skip "$first" --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["readings"])') &&
    [ "$timed" -lt "$readings" ]; do
    target=$((target + readings - timed))
    wait_for $(((readings - timed) * 2 + 30)) has_readings "$dir/states.txt" "$target" || {
      log "only $(count_power "$dir/states.txt") of $target readings arrived"
      exit 1
    }
  done
  local cpu1 broker_cpu1 sim_cpu1 n1 memory ticks1 switches1
  cpu1=$(cpu_us "$bridge_pid")
  ticks1=$(ticks "$bridge_pid")
  switches1=$(switches "$bridge_pid")
  broker_cpu1=$(cpu_us "$broker_pid")
  sim_cpu1=$(cpu_us "$sim_pid")
  n1=$(count_power "$dir/states.txt")
  memory=$(memory_line "$bridge_pid")
  local n=$((n1 - n0))

  python3 "$here/e2e_match.py" "$dir/answers.log" "$dir/states.txt" --skip "$first" \
    >"$dir/latency.txt"
  {
    echo "machine $(machine_line)"
    echo "build $(awk -F= '/^CMAKE_BUILD_TYPE:/ { print $2 }' "$build/CMakeCache.txt")"
    cat "$dir/latency.txt"
    echo "cpu_us_per_reading $(((cpu1 - cpu0) / n))"
    echo "broker_cpu_us_per_reading $(((broker_cpu1 - broker_cpu0) / n))"
    echo "sim_cpu_us_per_reading $(((sim_cpu1 - sim_cpu0) / n))"
    echo "readings_for_cpu $n"
    # shellcheck disable=SC2086  # two numbers each
    set -- $ticks0 $ticks1 $switches0 $switches1
    echo "user_ticks $(($3 - $1)) system_ticks $(($4 - $2)) (of $(getconf CLK_TCK) per second)"
    awk -v v=$(($7 - $5)) -v i=$(($8 - $6)) -v n="$n" \
      'BEGIN { printf "context_switches_per_reading %.1f voluntary %.1f involuntary\n", v / n, i / n }'
    echo "threads_by_name $(cat /proc/"$bridge_pid"/task/*/comm | tr '\n' ' ')"
    echo "$memory" | tr ' ' '\n' | paste - - -d' '
  } | tee "$out/meter.txt"
  kill "$bridge_pid" "$sub_pid" "$sim_pid" "$broker_pid" 2>/dev/null || true
  wait "$bridge_pid" "$sub_pid" "$sim_pid" "$broker_pid" 2>/dev/null || true
  pids=()
}

# --- lan: N simulated objects -> the last one's first state -------------------------------------
lan_kinds=(aircon water-heater battery solar ev-charger floor-heater light)
objects_per_node=25

ns_prefix=hems-e2e-$$
lan_rig() {
  local nodes=$1
  local br=$ns_prefix-br
  ip netns add "$br"
  namespaces+=("$br")
  ip -n "$br" link add br0 type bridge
  ip -n "$br" link set br0 up
  ip -n "$br" link set lo up
  local i name
  for i in $(seq 0 "$nodes"); do
    if [ "$i" = 0 ]; then name=c; else name=n$i; fi
    ip netns add "$ns_prefix-$name"
    namespaces+=("$ns_prefix-$name")
    ip -n "$br" link add "v$name" type veth peer name eth0 netns "$ns_prefix-$name"
    ip -n "$br" link set "v$name" master br0 up
    ip -n "$ns_prefix-$name" addr add "192.0.2.$((1 + (i == 0 ? 0 : 10 + i)))/24" dev eth0
    ip -n "$ns_prefix-$name" link set eth0 up
    ip -n "$ns_prefix-$name" link set lo up
  done
}

lan_teardown() {
  for ns in "${namespaces[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  # shellcheck disable=SC2317  # called through wait_for
  all_gone() { for ns in "${namespaces[@]}"; do [ -z "$(ip netns pids "$ns" 2>/dev/null)" ] || return 1; done; }
  wait_for 5 all_gone || true
  for ns in "${namespaces[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done
  namespaces=()
}

run_lan_size() {
  local objects=$1
  local dir=$out/lan-$objects
  mkdir -p "$dir"
  local nodes=$(((objects + objects_per_node - 1) / objects_per_node))
  lan_rig "$nodes"
  local c=$ns_prefix-c
  printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$dir/mosquitto.conf"
  ip netns exec "$c" /usr/sbin/mosquitto -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
  sleep 0.5
  # Every device's state is <base>/<device> (one level); bridge topics have two.
  ip netns exec "$c" stdbuf -oL mosquitto_sub -p 1883 -t 'hems2mqtt/+' -F '%U %t' \
    >"$dir/states.txt" 2>"$dir/sub.log" &
  local left=$objects node=1
  while [ "$left" -gt 0 ]; do
    local here_count=$((left < objects_per_node ? left : objects_per_node)) args=()
    for k in $(seq 0 $((here_count - 1))); do
      args+=(--object "${lan_kinds[$((k % ${#lan_kinds[@]}))]}")
    done
    ip netns exec "$ns_prefix-n$node" "$sim_bin" lan --interface eth0 \
      --node-id "$(printf 'FE%030X' "$node")" "${args[@]}" >"$dir/node$node.log" 2>&1 &
    left=$((left - here_count))
    node=$((node + 1))
  done
  cat >"$dir/config.toml" <<TOML
[mqtt]
server = "mqtt://127.0.0.1:1883"

[meter]
enabled = false
state_dir = "$dir/state"

[lan]
enabled = true
interface = "eth0"

[log]
level = "info"
TOML
  sleep 1
  local t0
  t0=$(date +%s.%N)
  # `ip netns exec` enters the namespace and then execs the command: $! is the daemon itself.
  ip netns exec "$c" "$bridge_bin" --config "$dir/config.toml" >"$dir/bridge.log" 2>&1 &
  local bridge_pid=$!
  distinct() { awk '{ print $2 }' "$dir/states.txt" | sort -u | wc -l; }
  # shellcheck disable=SC2317  # called through wait_for
  all_seen() { [ "$(distinct)" -ge "$objects" ]; }
  if ! wait_for "$lan_timeout" all_seen; then
    log "lan $objects: only $(distinct) objects had a state after ${lan_timeout}s"
  fi
  sleep 2 # let the burst of first reads settle before reading memory
  local last_s seen memory
  seen=$(distinct)
  last_s=$(awk -v t0="$t0" '!($2 in first) { first[$2] = $1 } END { m = 0;
    for (k in first) if (first[k] - t0 > m) m = first[k] - t0; printf "%.2f", m }' "$dir/states.txt")
  memory=$(memory_line "$bridge_pid")
  printf 'lan objects %s nodes %s with_state %s last_first_state_s %s %s\n' "$objects" "$nodes" \
    "$seen" "$last_s" "$memory" | tee -a "$out/lan.txt"
  lan_teardown
}

run_lan() {
  if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    log "lan: needs root and ip(8); skipped"
    return 0
  fi
  : >"$out/lan.txt"
  echo "machine $(machine_line)" >>"$out/lan.txt"
  for size in $lan_sizes; do
    log "lan: $size objects"
    run_lan_size "$size"
  done
}

case $what in
  meter) run_meter ;;
  lan) run_lan ;;
  all)
    run_meter
    run_lan
    ;;
  *)
    echo "usage: $0 BUILD_DIR [meter|lan]" >&2
    exit 2
    ;;
esac
log "figures and logs in $out"
