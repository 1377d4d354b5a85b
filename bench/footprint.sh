#!/usr/bin/env bash
# The daemon's footprint against the simulated dongle and meter, as a user would see it:
#   bench/footprint.sh BUILD_DIR
# Starts a private Mosquitto on a free loopback port, hems2mqtt-sim on a pty and hems2mqtt with a
# temporary config, then measures start-up time (first start with a scan, second start from the
# PAN cache), memory (peak and steady RSS), CPU time, binary size and the shared libraries loaded.
# Prints a table and exits 1 when a figure is over its budget in bench/budgets.txt.
#
# Environment knobs (defaults in brackets):
#   STEADY_SECONDS   seconds of readings measured after the first state [30]
#   INSTANT_INTERVAL the bridge's instant_interval in seconds [2]; the product default is 10
#   SIM_SPEED        how much faster than real time the simulator runs [20]
#   FIRST_TIMEOUT    seconds to wait for the first state on each start [60]
#   HEAP_PROFILE     1 = also measure the heap peak under valgrind massif (slow, ~30 s) [1]
#   BUDGETS          budget file [bench/budgets.txt next to this script]
#   KEEP_WORK        1 = keep the temp dir with every log and config [0]
set -euo pipefail

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bridge_bin=$build/src/app/hems2mqtt
sim_bin=$build/src/sim/hems2mqtt-sim
budgets=${BUDGETS:-$here/budgets.txt}
steady_seconds=${STEADY_SECONDS:-30}
instant_interval=${INSTANT_INTERVAL:-2}
sim_speed=${SIM_SPEED:-20}
first_timeout=${FIRST_TIMEOUT:-60}
heap_profile=${HEAP_PROFILE:-1}
state_topic=hems2mqtt/smart_meter

for tool in /usr/sbin/mosquitto mosquitto_sub stdbuf "$bridge_bin" "$sim_bin"; do
  if ! command -v "$tool" >/dev/null; then
    echo "footprint: $tool not found (build hems2mqtt and hems2mqtt-sim; apt install mosquitto" \
      "mosquitto-clients)" >&2
    exit 2
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/hems-footprint.XXXXXX")
pids=()
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Drops a pid that has been reaped, so the exit trap never signals a recycled pid.
forget() {
  local keep=() p
  for p in "${pids[@]}"; do
    [ "$p" = "$1" ] || keep+=("$p")
  done
  pids=("${keep[@]}")
}

log() { echo "footprint: $*" >&2; }

# --- Mosquitto on a free loopback port (never 1883) -------------------------------------------
start_broker "$work" || {
  log "could not start mosquitto on a free port"
  exit 2
}

# --- The simulated dongle and meter on a pty --------------------------------------------------
"$sim_bin" --pty "$work/wisun" --speed "$sim_speed" --seed 7 >"$work/sim.log" 2>&1 &
pids+=($!)
wait_for 10 grep -q '^READY ' "$work/sim.log" || {
  log "hems2mqtt-sim did not start:"
  cat "$work/sim.log" >&2
  exit 2
}

cat >"$work/config.toml" <<TOML
[mqtt]
server = "mqtt://127.0.0.1:$port"

[meter]
device = "$work/wisun"
id = "3F8A2C5E7B1D4096A8C3E5F7092B4D6E"
password = "SIMULATORPW1"
state_dir = "$work/state"
instant_interval = $instant_interval
energy_interval = $((instant_interval > 10 ? instant_interval : 10))

[log]
level = "info"
TOML

clk_tck=$(getconf CLK_TCK)
# utime + stime of a process, in milliseconds (fields 14 and 15 after the command name).
cpu_ms() { awk -v tck="$clk_tck" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / tck) }' \
  "/proc/$1/stat"; }
# Proportional set size: shared library pages divided among the processes that map them.
pss_kb() { awk '$1 == "Pss:" { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo -; }

# Subscribes to the state topic (live messages only: -R drops the retained one from an earlier
# run), waits until the subscription is acknowledged, and leaves the subscriber's pid in sub_pid.
start_subscriber() {
  local out=$1
  : >"$out"
  stdbuf -oL mosquitto_sub -d -R -W "$first_timeout" -h 127.0.0.1 -p "$port" -t "$state_topic" \
    -F 'STATE %U %p' >"$out" 2>&1 &
  sub_pid=$!
  pids+=("$sub_pid")
  wait_for 10 grep -q 'SUBACK' "$out" || {
    log "mosquitto_sub did not subscribe"
    exit 2
  }
}

# Waits until a state with a power reading arrived (or the subscriber timed out), then ends it.
wait_for_power() {
  local out=$1
  wait_for "$first_timeout" grep -q '^STATE .*"power_w"' "$out" || true
  kill "$sub_pid" 2>/dev/null || true
  wait "$sub_pid" 2>/dev/null || true
  forget "$sub_pid"
}

# Milliseconds from `t0` (ns) to when the subscriber received `line` (its %U time stamp).
received_ms() {
  local received_ns
  received_ns=$(awk '{ split($2, t, "."); printf "%s%s\n", t[1], substr(t[2] "000000000", 1, 9) }' \
    <<<"$2")
  echo $(((received_ns - $1) / 1000000))
}

# Starts hems2mqtt and waits for its first state with power; sets bridge_pid, first_state_ms
# (any state), power_ms (the first with power_w), joined_ms and first_payload.
start_bridge_and_wait() {
  local name=$1
  local sub_out=$work/sub-$name.txt
  start_subscriber "$sub_out"
  local t0
  t0=$(now_ns)
  "$bridge_bin" --config "$work/config.toml" >"$work/bridge-$name.log" 2>&1 &
  bridge_pid=$!
  pids+=("$bridge_pid")
  wait_for_power "$sub_out"
  local line power_line
  line=$(grep -m1 '^STATE ' "$sub_out" || true)
  power_line=$(grep -m1 '^STATE .*"power_w"' "$sub_out" || true)
  if [ -z "$power_line" ]; then
    log "no power reading published within ${first_timeout}s on the $name start; bridge log:"
    tail -n 30 "$work/bridge-$name.log" >&2
    exit 1
  fi
  first_state_ms=$(received_ms "$t0" "$line")
  power_ms=$(received_ms "$t0" "$power_line")
  first_payload=${line#STATE * }
  # When the PANA session came up, from the bridge's own log time stamp (local time, ms).
  local joined_at
  joined_at=$(grep -m1 'B-route: joined' "$work/bridge-$name.log" | cut -d' ' -f1 || true)
  joined_ms=-
  if [ -n "$joined_at" ] && joined_ns=$(date -d "$joined_at" +%s%N 2>/dev/null); then
    joined_ms=$(((joined_ns - t0) / 1000000))
  fi
}

# True once the process is gone or a zombie (a zombie still answers kill -0).
# shellcheck disable=SC2317  # called through wait_for
exited() {
  local state
  state=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 0
  [ -z "$state" ] || [ "$state" = Z ]
}

# SIGTERM, then SIGKILL after 15 s; leaves the exit status in bridge_exit.
stop_bridge() {
  kill -TERM "$bridge_pid" 2>/dev/null || true
  wait_for 15 exited "$bridge_pid" || kill -KILL "$bridge_pid" 2>/dev/null || true
  bridge_exit=0
  wait "$bridge_pid" 2>/dev/null || bridge_exit=$?
  forget "$bridge_pid"
  [ "$bridge_exit" = 0 ] || log "hems2mqtt exited with status $bridge_exit after SIGTERM"
}

# --- First start: scan, join, first reading ---------------------------------------------------
log "first start (scan + join), broker on port $port"
start_bridge_and_wait first
first_ms=$first_state_ms
first_power_ms=$power_ms
first_joined_ms=$joined_ms
first_keys=$(grep -o '"[a-z_]*":' <<<"$first_payload" | tr -d '":' | tr '\n' ' ')

# Readings for STEADY_SECONDS: RSS sampled every second, CPU time over the period.
cpu_start=$(cpu_ms "$bridge_pid")
cpu_start_us=$(cpu_us "$bridge_pid")
rss_min=0
rss_max=0
for _ in $(seq "$steady_seconds"); do
  sleep 1
  kill -0 "$bridge_pid" 2>/dev/null || {
    log "hems2mqtt exited during the measurement:"
    tail -n 30 "$work/bridge-first.log" >&2
    exit 1
  }
  rss=$(status_kb "$bridge_pid" VmRSS)
  [ "$rss_min" -eq 0 ] || [ "$rss" -lt "$rss_min" ] && rss_min=$rss
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
done
cpu_end=$(cpu_ms "$bridge_pid")
cpu_end_us=$(cpu_us "$bridge_pid")
rss_file=$(status_kb "$bridge_pid" RssFile)
pss=$(pss_kb "$bridge_pid")
rss_steady=$(status_kb "$bridge_pid" VmRSS)
rss_peak=$(status_kb "$bridge_pid" VmHWM)
rss_anon=$(status_kb "$bridge_pid" RssAnon)
threads=$(status_kb "$bridge_pid" Threads)
cpu_used_ms=$((cpu_end - cpu_start))
cpu_total_ms=$cpu_end
# Shared objects mapped into the process (what it really loads, not just what ldd lists).
libs=$(awk '$6 ~ /\.so/ { n = split($6, p, "/"); print p[n] }' "/proc/$bridge_pid/maps" | sort -u)
lib_count=$(wc -l <<<"$libs")
stop_bridge

[ -s "$work/state/pan-cache" ] || log "warning: no PAN cache was saved; the second start will scan"

# --- Second start: PAN cache, no scan ---------------------------------------------------------
log "second start (PAN cache)"
start_bridge_and_wait second
second_ms=$first_state_ms
second_power_ms=$power_ms
second_joined_ms=$joined_ms
if grep -q 'no scan' "$work/bridge-second.log"; then second_path="PAN cache"; else
  second_path="scanned"
fi
stop_bridge

# --- Heap peak under massif (optional) --------------------------------------------------------
heap_peak_kb=-
if [ "$heap_profile" = 1 ] && command -v valgrind >/dev/null; then
  log "heap profile (valgrind massif, ~$((steady_seconds / 2 + 10)) s)"
  start_subscriber "$work/sub-massif.txt"
  valgrind --tool=massif --massif-out-file="$work/massif.out" "$bridge_bin" \
    --config "$work/config.toml" >"$work/bridge-massif.log" 2>&1 &
  bridge_pid=$!
  pids+=("$bridge_pid")
  wait_for_power "$work/sub-massif.txt"
  sleep "$((steady_seconds / 2))"
  stop_bridge
  if [ -s "$work/massif.out" ]; then
    heap_peak_kb=$(awk -F= '/^mem_heap_B=/ { h = $2 } /^mem_heap_extra_B=/ { t = h + $2;
      if (t > m) m = t } END { printf "%d", m / 1024 }' "$work/massif.out")
  fi
fi

# --- Binary size ------------------------------------------------------------------------------
size_kb=$(($(stat -c %s "$bridge_bin") / 1024))
strip -o "$work/hems2mqtt.stripped" "$bridge_bin"
stripped_kb=$(($(stat -c %s "$work/hems2mqtt.stripped") / 1024))

# --- Report -----------------------------------------------------------------------------------
# The percentage comes from schedstat when there is one (ticks are too coarse for an idle daemon).
cpu_used_us=$((cpu_end_us - cpu_start_us))
if [ "$cpu_end_us" -gt 0 ]; then
  cpu_percent=$(awk -v c="$cpu_used_us" -v s="$steady_seconds" 'BEGIN { printf "%.3f", c / (s * 10000) }')
else
  cpu_percent=$(awk -v c="$cpu_used_ms" -v s="$steady_seconds" 'BEGIN { printf "%.3f", c / (s * 10) }')
fi
fmt_ms() { awk -v us="$1" 'BEGIN { printf "%.1f", us / 1000 }'; }
fmt_s() { awk -v ms="$1" 'BEGIN { printf "%.2f", ms / 1000 }'; }

declare -A figure=(
  [first_state_s]=$(fmt_s "$first_ms")
  [first_power_s]=$(fmt_s "$first_power_ms")
  [second_state_s]=$(fmt_s "$second_ms")
  [second_power_s]=$(fmt_s "$second_power_ms")
  [rss_peak_kb]=$rss_peak
  [rss_steady_kb]=$rss_steady
  [rss_anon_kb]=$rss_anon
  [cpu_percent]=$cpu_percent
  [stripped_kb]=$stripped_kb
  [shared_libs]=$lib_count
)
[ "$heap_peak_kb" = - ] || figure[heap_peak_kb]=$heap_peak_kb

printf '\nhems2mqtt footprint (%s, %s cores, load %s)\n' "$(uname -m)" "$(nproc)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  simulator speed x%s, instant_interval %ss, %ss of readings measured\n\n' \
  "$sim_speed" "$instant_interval" "$steady_seconds"
row() { printf '  %-40s %12s %s\n' "$1" "$2" "${3:-}"; }
fmt_joined() { if [ "$1" = - ]; then echo -; else fmt_s "$1"; fi; }
row "first start -> joined (scan)" "$(fmt_joined "$first_joined_ms") s"
row "first start -> first state" "${figure[first_state_s]} s"
row "first start -> first power reading" "${figure[first_power_s]} s"
row "second start -> joined ($second_path)" "$(fmt_joined "$second_joined_ms") s"
row "second start -> first state" "${figure[second_state_s]} s"
row "second start -> first power reading" "${figure[second_power_s]} s"
row "RSS peak (VmHWM)" "${rss_peak} kB"
row "RSS steady (VmRSS at end)" "${rss_steady} kB" "(range ${rss_min}-${rss_max} over the period)"
row "  of which private anonymous (RssAnon)" "${rss_anon} kB"
row "  of which file-backed (RssFile)" "${rss_file} kB" "(code of the binary and libraries)"
row "PSS (shared pages split)" "${pss} kB"
row "heap peak (massif, heap + overhead)" "${heap_peak_kb} kB"
row "CPU over ${steady_seconds}s of readings" "$(fmt_ms "$cpu_used_us") ms" \
  "(${cpu_percent}% of one core; utime+stime ${cpu_used_ms} ms)"
row "CPU since start (incl. scan and join)" "$(fmt_ms "$cpu_end_us") ms" \
  "(utime+stime ${cpu_total_ms} ms)"
row "threads" "$threads"
row "binary size (as built)" "${size_kb} kB"
row "binary size (stripped)" "${stripped_kb} kB"
row "shared libraries loaded" "$lib_count"
row "first state carried" "$first_keys"
echo
echo "  libraries: $(tr '\n' ' ' <<<"$libs")"
echo

# --- Budgets ----------------------------------------------------------------------------------
over=0
# A budget written `figure@BuildType` holds only for that CMake build type (the binary's size
# depends on the optimisation level); one without a type holds for every build.
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [ -f "$budgets" ]; then
  while read -r key limit _; do
    [[ -z "$key" || "$key" == \#* ]] && continue
    if [[ "$key" == *@* ]]; then
      [ "${key#*@}" = "$build_type" ] || continue
      key=${key%@*}
    fi
    value=${figure[$key]:-}
    if [ -z "$value" ]; then
      printf '  budget %-16s not measured\n' "$key"
      continue
    fi
    if awk -v v="$value" -v l="$limit" 'BEGIN { exit !(v > l) }'; then
      printf '  OVER BUDGET %-16s %s > %s\n' "$key" "$value" "$limit"
      over=1
    else
      printf '  budget %-16s %s <= %s\n' "$key" "$value" "$limit"
    fi
  done <"$budgets"
else
  log "no budget file at $budgets"
fi
exit "$over"
