#!/usr/bin/env bash
# A long run of the built daemon against the simulated dongle and meter, with faults on a
# timeline, to find what only length finds: memory that creeps, descriptors or threads that leak,
# a link that stops coming back.
#   bench/soak.sh HOURS            e.g. bench/soak.sh 2, or bench/soak.sh 0.1 for a quick look
# Starts a private Mosquitto on a free loopback port, hems2mqtt-sim on a pty with its clock sped
# up, and hems2mqtt. Every SAMPLE_SECONDS it records the daemon's resident memory, open
# descriptors, threads and CPU time; every FAULT_SECONDS it injects the next fault of the cycle
# (the meter's faults through the simulator's console, and a broker stop of BROKER_DOWN_SECONDS).
# At the end it fits a line through the samples after the warm-up and writes the slopes.
#
# Output (OUT_DIR, default soak-YYYYmmdd-HHMMSS in the current directory):
#   samples.csv   seconds,rss_kb,fds,threads,cpu_ms,readings
#   faults.txt    when each fault was injected, and when the next reading came
#   figures.txt   the summary, also printed at the end
#   *.log         the daemon's, the simulator's and the broker's logs
# Exit status: 0 when the daemon ran to the end and was still publishing in the last
# STALL_MINUTES; 1 when it died or stopped publishing; 2 when the run could not be set up.
#
# Environment knobs (defaults in brackets):
#   BUILD_DIR          where hems2mqtt and hems2mqtt-sim were built [build]
#   SIM_SPEED          how much faster the simulator's clock runs than real time [30]
#   INSTANT_INTERVAL   the daemon's instant_interval in seconds [10]
#   SAMPLE_SECONDS     seconds between samples [10]
#   FAULT_SECONDS      seconds between faults [240]
#   BROKER_DOWN_SECONDS how long the broker stays down when that fault comes [60]
#   WARMUP_MINUTES     samples before this are left out of the slopes [10]
#   STALL_MINUTES      no reading for this long at the end counts as a failure [5]
set -euo pipefail

if [ $# -ne 1 ] || ! awk -v h="$1" 'BEGIN { exit !(h > 0) }'; then
  echo "usage: $0 HOURS" >&2
  exit 2
fi
hours=$1
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${BUILD_DIR:-$root/build}" && pwd)
bridge_bin=$build/src/app/hems2mqtt
sim_bin=$build/src/sim/hems2mqtt-sim
sim_speed=${SIM_SPEED:-30}
instant_interval=${INSTANT_INTERVAL:-10}
sample_seconds=${SAMPLE_SECONDS:-10}
fault_seconds=${FAULT_SECONDS:-240}
broker_down_seconds=${BROKER_DOWN_SECONDS:-60}
warmup_minutes=${WARMUP_MINUTES:-10}
stall_minutes=${STALL_MINUTES:-5}
out=${OUT_DIR:-$PWD/soak-$(date +%Y%m%d-%H%M%S)}
state_topic=hems2mqtt/smart_meter

for tool in /usr/sbin/mosquitto mosquitto_sub stdbuf "$bridge_bin" "$sim_bin"; do
  if ! command -v "$tool" >/dev/null; then
    echo "soak: $tool not found (build hems2mqtt and hems2mqtt-sim; apt install mosquitto" \
      "mosquitto-clients)" >&2
    exit 2
  fi
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/hems-soak.XXXXXX")

log() { echo "soak $(date +%H:%M:%S): $*" | tee -a "$out/faults.txt" >&2; }
now_s() { date +%s; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() {
  local seconds=$1
  shift
  local deadline=$(($(now_s) + seconds))
  until "$@"; do
    [ "$(now_s)" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

broker_pid= sim_pid= bridge_pid= sub_pid=
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  exec 3>&- 2>/dev/null || true
  for pid in $sub_pid $bridge_pid $sim_pid $broker_pid; do kill "$pid" 2>/dev/null || true; done
  for pid in $sub_pid $bridge_pid $sim_pid $broker_pid; do wait "$pid" 2>/dev/null || true; done
  cp "$work"/*.log "$out"/ 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Mosquitto on a free loopback port (never 1883); the same port after every restart ---------
for _ in $(seq 20); do
  port=$((20000 + RANDOM % 40000))
  port_in_use "$port" || break
done
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" \
  >"$work/mosquitto.conf"
start_broker() {
  /usr/sbin/mosquitto -c "$work/mosquitto.conf" >>"$work/mosquitto.log" 2>&1 &
  broker_pid=$!
  wait_for 10 port_in_use "$port"
}
start_broker || {
  echo "soak: mosquitto did not start on port $port" >&2
  exit 2
}

# --- The subscriber counts readings; it is restarted when the broker comes back ---------------
: >"$work/readings.txt"
start_subscriber() {
  stdbuf -oL mosquitto_sub -h 127.0.0.1 -p "$port" -t "$state_topic" -F '%U %p' \
    >>"$work/readings.txt" 2>>"$work/subscriber.log" &
  sub_pid=$!
}
start_subscriber
readings() { grep -c '"power_w"' "$work/readings.txt" || true; }
last_reading_s() { awk '/"power_w"/ { t = int($1) } END { print t + 0 }' "$work/readings.txt"; }

# --- The simulated dongle and meter; faults are typed on its console through a FIFO ----------
mkfifo "$work/console"
"$sim_bin" --pty "$work/wisun" --speed "$sim_speed" --seed 11 --infc \
  <"$work/console" >"$work/sim.log" 2>&1 &
sim_pid=$!
exec 3>"$work/console"
wait_for 10 grep -q '^READY ' "$work/sim.log" || {
  echo "soak: hems2mqtt-sim did not start" >&2
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

[log]
level = "info"
TOML
"$bridge_bin" --config "$work/config.toml" >"$work/bridge.log" 2>&1 &
bridge_pid=$!

# --- Samples ---------------------------------------------------------------------------------
clk_tck=$(getconf CLK_TCK)
status_field() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
cpu_ms() { awk -v tck="$clk_tck" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / tck) }' \
  "/proc/$1/stat"; }
fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 | wc -l; }

# The fault cycle: each entry is a console command, or "broker" for a broker stop.
# The durations are in the simulator's seconds (its clock runs SIM_SPEED times faster).
faults=(
  "fault reauth"
  "fault silent-meter 600"
  "broker"
  "fault tx-limit 900"
  "fault garbage 300"
  "fault meter-reboot 300"
  "fault split 300"
  "fault reauth-fail 600"
  "fault terminate"
  "broker"
  "fault unplug 300"
  "fault crlf-binary 300"
)
inject() {
  local fault=$1
  if [ "$fault" = broker ]; then
    log "fault: broker down for ${broker_down_seconds}s"
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    kill "$sub_pid" 2>/dev/null || true
    wait "$sub_pid" 2>/dev/null || true
    sleep "$broker_down_seconds"
    start_broker || log "mosquitto did not come back"
    start_subscriber
    log "broker back"
  else
    log "fault: ${fault#fault }"
    echo "$fault" >&3
  fi
}

start=$(now_s)
end=$((start + $(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')))
next_fault=$((start + fault_seconds))
fault_index=0
pending_fault_at=
echo "seconds,rss_kb,fds,threads,cpu_ms,readings" >"$out/samples.csv"
: >"$out/faults.txt"
log "soak for $hours h: broker port $port, simulator x$sim_speed, output in $out"
died=0
while [ "$(now_s)" -lt "$end" ]; do
  if ! kill -0 "$bridge_pid" 2>/dev/null; then
    log "hems2mqtt exited; last lines of its log:"
    tail -n 20 "$work/bridge.log" >&2
    died=1
    break
  fi
  t=$(($(now_s) - start))
  echo "$t,$(status_field "$bridge_pid" VmRSS),$(fd_count "$bridge_pid"),$(status_field \
    "$bridge_pid" Threads),$(cpu_ms "$bridge_pid"),$(readings)" >>"$out/samples.csv"
  if [ -n "$pending_fault_at" ] && [ "$(last_reading_s)" -gt "$pending_fault_at" ]; then
    log "first reading $(($(last_reading_s) - pending_fault_at)) s after the fault began"
    pending_fault_at=
  fi
  if [ "$(now_s)" -ge "$next_fault" ]; then
    pending_fault_at=$(now_s)
    inject "${faults[$fault_index]}"
    fault_index=$(((fault_index + 1) % ${#faults[@]}))
    next_fault=$(($(now_s) + fault_seconds))
  fi
  sleep "$sample_seconds"
done

# --- Figures ---------------------------------------------------------------------------------
elapsed=$(($(now_s) - start))
stalled=0
if [ $died = 0 ] && [ $(($(now_s) - $(last_reading_s))) -gt $((stall_minutes * 60)) ]; then
  stalled=1
fi
# Least-squares slope of a column against time, per hour, after the warm-up.
slope() {
  awk -F, -v col="$1" -v from=$((warmup_minutes * 60)) '
    NR > 1 && $1 >= from && $col != "" { n++; x = $1 / 3600; sx += x; sy += $col; sxx += x * x; sxy += x * $col }
    END { d = n * sxx - sx * sx; if (n < 3 || d == 0) print "n/a"; else printf "%.2f", (n * sxy - sx * sy) / d }
  ' "$out/samples.csv"
}
column_range() {
  awk -F, -v col="$1" 'NR > 1 && $col != "" { if (min == "" || $col < min) min = $col; if ($col > max) max = $col }
    END { printf "%s..%s", min, max }' "$out/samples.csv"
}
cpu_total=$(awk -F, 'NR > 1 { v = $5 } END { print v + 0 }' "$out/samples.csv")
{
  echo "hems2mqtt soak: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m)"
  echo "ran:               $elapsed s of $hours h (simulator x$sim_speed: $((elapsed * sim_speed / 3600)) simulated hours)"
  echo "faults injected:   $(grep -c ': fault' "$out/faults.txt" || true)"
  echo "readings received: $(readings)"
  echo "RSS kB:            $(column_range 2), slope $(slope 2) kB/h after ${warmup_minutes} min"
  echo "descriptors:       $(column_range 3), slope $(slope 3) /h"
  echo "threads:           $(column_range 4), slope $(slope 4) /h"
  echo "CPU:               $cpu_total ms in total, $(awk -v c="$cpu_total" -v s="$elapsed" \
    'BEGIN { if (s > 0) printf "%.1f", c / s * 60; else print 0 }') ms per minute"
  echo "recoveries:        $(grep -c 'first reading' "$out/faults.txt" || true) seen;" \
    "longest $(sed -n 's/.*first reading \([0-9]*\) s.*/\1/p' "$out/faults.txt" | sort -n | tail -1) s"
  [ $died = 1 ] && echo "RESULT: the daemon exited"
  [ $stalled = 1 ] && echo "RESULT: no reading in the last $stall_minutes minutes"
  [ $died = 0 ] && [ $stalled = 0 ] && echo "RESULT: ran to the end and kept publishing"
} | tee "$out/figures.txt"
[ $died = 0 ] && [ $stalled = 0 ]
