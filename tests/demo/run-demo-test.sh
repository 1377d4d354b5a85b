#!/usr/bin/env bash
# scripts/demo.sh must run on a broker of its own and leave any other broker alone. This test
# plays the machine of a Home Assistant user: a Mosquitto on 127.0.0.1:1883 with a subscriber on
# '#'. It runs the demo on already built binaries until the demo's own broker carries a meter
# reading, stops it with SIGTERM, and asserts that the broker on 1883 saw no client and no message
# but the test's own.
#
#   run-demo-test.sh DEMO_SCRIPT BUILD_DIR
#
# Exit 0: passed; 77: skipped (port 1883 is taken by another program); anything else: failed.
set -euo pipefail

demo=${1:?usage: run-demo-test.sh DEMO_SCRIPT BUILD_DIR}
build=${2:?usage: run-demo-test.sh DEMO_SCRIPT BUILD_DIR}
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
watch_id=hems-demo-test-watch

skip() {
  echo "SKIPPED: $*"
  exit 77
}
fail() {
  echo "FAILED: $*" >&2
  exit 1
}
say() { echo "demo-test: $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hems2mqtt-demo-test.XXXXXX")
broker_pid="" watch_pid="" demo_pid=""
cleanup() {
  local status=$?
  if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM "$demo_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.1; done
    # The demo runs in a process group of its own: nothing of it may outlive the test.
    kill -KILL -- "-$demo_pid" 2>/dev/null || true
  fi
  for pid in $watch_pid $broker_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    for log in demo.log seen.txt broker-1883.log; do
      [ -f "$work/$log" ] && { echo "---- $log (last 30 lines)"; tail -n 30 "$work/$log"; }
    done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# wait_until SECONDS WHAT COMMAND...: polls COMMAND until it succeeds or the time is up.
wait_until() {
  local limit=$1 what=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "waited ${limit} s for $what"
    sleep 0.2
  done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---- a broker on 1883, as on a Home Assistant host -----------------------------------------------
port_open 1883 && skip "port 1883 is taken by another program"
printf 'listener 1883 127.0.0.1\nallow_anonymous true\npersistence false\n' >"$work/broker-1883.conf"
"$mosquitto" -c "$work/broker-1883.conf" >"$work/broker-1883.log" 2>&1 &
broker_pid=$!
broker_state() {
  grep -q ' running$' "$work/broker-1883.log" && return 0
  kill -0 "$broker_pid" 2>/dev/null && return 1
  grep -q 'Address already in use' "$work/broker-1883.log" &&
    skip "port 1883 is taken by another program"
  fail "Mosquitto on 1883 exited: $(tail -n 3 "$work/broker-1883.log")"
}
wait_until 20 "Mosquitto on 1883" broker_state

mosquitto_sub -h 127.0.0.1 -p 1883 -i "$watch_id" -v -t '#' >"$work/seen.txt" 2>&1 &
watch_pid=$!
# A probe the subscriber must see, before and after the demo: it shows the subscriber was live
# the whole time, so an empty record means the demo sent nothing, not that nobody listened.
probe() {
  mosquitto_pub -h 127.0.0.1 -p 1883 -i hems-demo-test-probe -t demo-test/probe -m "$1"
}
seen() { grep -qx "demo-test/probe $1" "$work/seen.txt"; }
probe_until_seen() {
  probe "$1" && seen "$1"
}
wait_until 20 "the subscriber on 1883 to see the first probe" probe_until_seen before

# ---- the demo ------------------------------------------------------------------------------------
# setsid: its own process group, so the cleanup above can take all of it; setsid execs the demo
# in place (the test's background job is no group leader), so $! is the demo's shell.
HEMS_DEMO_NO_BUILD=1 BUILD_DIR=$build setsid "$demo" >"$work/demo.log" 2>&1 &
demo_pid=$!
demo_port=""
port_announced() {
  kill -0 "$demo_pid" 2>/dev/null || fail "the demo exited early"
  demo_port=$(grep -oE 'mosquitto_sub -h 127\.0\.0\.1 -p [0-9]+' "$work/demo.log" | grep -oE '[0-9]+$' |
    head -n 1)
  [ -n "$demo_port" ]
}
wait_until 60 "the demo to print how to watch its broker" port_announced
[ "$demo_port" != 1883 ] || fail "the demo uses port 1883"
say "the demo's broker is on port $demo_port"

reading=""
has_reading() {
  kill -0 "$demo_pid" 2>/dev/null || fail "the demo exited early"
  reading=$(mosquitto_sub -h 127.0.0.1 -p "$demo_port" -t hems2mqtt/smart_meter -C 1 -W 2 \
    2>/dev/null) || true
  [[ "$reading" == *'"power_w":'* ]]
}
wait_until 120 "a meter reading with power_w on the demo's broker" has_reading
say "the demo's broker has: $reading"
demo_dir=$(grep -oE '/[^ ]*/sim\.log' "$work/demo.log" | head -n 1)
demo_dir=${demo_dir%/sim.log}
[ -d "$demo_dir" ] || fail "the demo's directory '$demo_dir' does not exist while it runs"

kill -TERM "$demo_pid"
stopped() { ! kill -0 "$demo_pid" 2>/dev/null; }
wait_until 30 "the demo to stop on SIGTERM" stopped
status=0
wait "$demo_pid" || status=$?
demo_pid=""
say "the demo stopped (exit $status)"
[ "$status" -eq 143 ] || fail "the demo exited $status on SIGTERM, expected 143"
# The demo's processes are gone with it: its broker no longer answers and its directory is removed.
port_open "$demo_port" && fail "the demo's broker still listens on $demo_port after the demo stopped"
[ ! -e "$demo_dir" ] || fail "the demo left $demo_dir behind"

# ---- what the broker on 1883 saw ---------------------------------------------------------------
wait_until 20 "the subscriber on 1883 to see the last probe" probe_until_seen after
others=$(grep -v -x -e 'demo-test/probe before' -e 'demo-test/probe after' "$work/seen.txt" || true)
[ -z "$others" ] || fail "the broker on 1883 received messages from the demo:
$others"
clients=$(grep -oE 'New client connected from .* as [^ ]+' "$work/broker-1883.log" |
  grep -oE '[^ ]+$' | sort -u)
strangers=$(echo "$clients" | grep -v -x -e "$watch_id" -e hems-demo-test-probe || true)
[ -z "$strangers" ] || fail "clients other than the test's connected to 1883: $strangers"
say "the broker on 1883 saw only the test's own clients ($(echo $clients)) and probes"
say "passed"
