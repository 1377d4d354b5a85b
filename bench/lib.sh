# shellcheck shell=bash
# Helpers the benchmark scripts share; sourced, never run. The caller keeps `pids` (an array of
# what its exit trap stops) and defines `log`.

now_ns() { date +%s%N; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Polls a command every 50 ms until it succeeds (0) or `seconds` pass (1).
wait_for() {
  local seconds=$1
  shift
  local deadline=$(($(now_ns) + seconds * 1000000000))
  until "$@"; do
    [ "$(now_ns)" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}

# A field of /proc/PID/status, in kB where it is a size (VmRSS, VmHWM, RssAnon; Threads counts).
status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }
# Time on CPU of every thread, in microseconds (schedstat counts nanoseconds, not 10 ms ticks);
# 0 when the kernel has no schedstat.
cpu_us() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ ns += $1 } END { printf "%d", ns / 1000 }'; }

# Mosquitto of our own on a free loopback port (never 1883), its config and log in DIR. Sets
# `port` and `broker_pid` and adds the pid to `pids`; returns 1 when no port could be had.
start_broker() {
  local dir=$1
  broker_pid=
  for _ in $(seq 20); do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$port" \
      >"$dir/mosquitto.conf"
    /usr/sbin/mosquitto -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
    broker_pid=$!
    if wait_for 5 port_in_use "$port"; then
      pids+=("$broker_pid")
      return 0
    fi
    kill "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=
  done
  return 1
}
