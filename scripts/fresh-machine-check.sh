#!/usr/bin/env bash
# Runs the README's commands on a machine that has never seen the project: a bare Debian 12 root
# (the debootstrap minbase base of docker/make-base.sh, copied), the committed tree (git archive
# HEAD) in /src/hems2mqtt, and inside it, in a chroot, as root:
#   1. scripts/demo.sh, unchanged: installs the packages of `scripts/deps.sh`, builds, runs. It
#      passes once the demo's own broker carries a meter reading; then it is stopped (SIGTERM).
#   2. scripts/deps.sh --test, and the build of the whole tree with the tests (scripts/build.sh).
#      With --tests, scripts/test.sh instead: the same plus the whole suite, where a skip whose
#      reason is not in .ci/allowed-skips fails.
# Both build Release with HEMS_WERROR=ON (into one build directory, so step 2 compiles only the
# tests). Any package missing from scripts/deps.sh makes a step fail, and so this check.
#   scripts/fresh-machine-check.sh [--worktree] [--tests]
# --worktree: the working tree's files (tracked and untracked, not ignored) instead of HEAD.
# Env: HEMS_BASE_IMAGE, HEMS_REBUILD_BASE, DEBIAN_MIRROR (see docker/make-base.sh),
#      HEMS_FRESH_KEEP=1 (keep the root in /var/tmp for a look after a failure).
# Needs root, podman (image mount only) and debootstrap; prints the time of each step.
set -euo pipefail

step() { echo "== [$(date +%H:%M:%S)] $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# ---- in the fresh root (chroot), from the archived tree ------------------------------------------
if [ "${1:-}" = --in-root ]; then
  with_tests=$2
  cd /src/hems2mqtt
  export BUILD_TYPE=Release HEMS_WERROR=ON
  log=/var/log/hems2mqtt-fresh
  mkdir -p "$log"

  step "scripts/demo.sh (deps, build, run until its broker has a meter reading)"
  t0=$SECONDS
  setsid scripts/demo.sh >"$log/demo.log" 2>&1 &
  demo=$!
  show_demo() { echo "---- demo output (last 60 lines)"; tail -n 60 "$log/demo.log"; }
  # Installing and compiling come first, on 2 cores that may take a while.
  deadline=$((SECONDS + 3600))
  until port=$(grep -oE 'mosquitto_sub -h 127\.0\.0\.1 -p [0-9]+' "$log/demo.log" |
    grep -oE '[0-9]+$'); do
    kill -0 $demo 2>/dev/null || { show_demo; fail "scripts/demo.sh stopped before it ran"; }
    [ $SECONDS -lt $deadline ] || { show_demo; fail "scripts/demo.sh did not run within 1 h"; }
    sleep 2
  done
  echo "installed and built in $((SECONDS - t0)) s; the demo's broker is on port $port"
  deadline=$((SECONDS + 120))
  until reading=$(mosquitto_sub -h 127.0.0.1 -p "$port" -t hems2mqtt/smart_meter -C 1 -W 2 \
    2>/dev/null) && [[ "$reading" == *'"power_w":'* ]]; do
    kill -0 $demo 2>/dev/null || { show_demo; fail "scripts/demo.sh stopped"; }
    [ $SECONDS -lt $deadline ] || { show_demo; fail "no meter reading within 120 s"; }
  done
  echo "meter reading: $reading"
  kill -TERM $demo
  status=0
  wait $demo || status=$?
  [ $status -eq 143 ] || { show_demo; fail "scripts/demo.sh exited $status on SIGTERM"; }
  echo "demo: ok in $((SECONDS - t0)) s"

  t0=$SECONDS
  if [ "$with_tests" = 1 ]; then
    step "scripts/test.sh (test packages, build with the tests, the whole suite)"
    HEMS_ALLOWED_SKIPS=.ci/allowed-skips scripts/test.sh || fail "scripts/test.sh"
  else
    step "scripts/deps.sh --test; scripts/build.sh -DHEMS_BUILD_TESTS=ON (no test run)"
    scripts/deps.sh --test >"$log/deps-test.log" 2>&1 ||
      { tail -n 30 "$log/deps-test.log"; fail "scripts/deps.sh --test"; }
    scripts/build.sh -DHEMS_BUILD_TESTS=ON >"$log/build-tests.log" 2>&1 ||
      { grep -E 'error|Error|Could NOT' "$log/build-tests.log" | head -n 40; fail "the build with the tests"; }
  fi
  echo "tests: ok in $((SECONDS - t0)) s"
  exit 0
fi

# ---- in a private mount namespace: mounts for the root, then the chroot -------------------------
if [ "${1:-}" = --inside ]; then
  fresh=$2 with_tests=$3
  mount -t proc proc "$fresh/proc"
  mount -t sysfs sysfs "$fresh/sys"
  mount --rbind /dev "$fresh/dev"
  exec chroot "$fresh" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb /src/hems2mqtt/scripts/fresh-machine-check.sh --in-root "$with_tests"
fi

# ---- on the CI machine ---------------------------------------------------------------------------
root=$(cd "$(dirname "$0")/.." && pwd)
worktree=0 with_tests=0
for arg in "$@"; do
  case $arg in
    --worktree) worktree=1 ;;
    --tests) with_tests=1 ;;
    *) fail "usage: scripts/fresh-machine-check.sh [--worktree] [--tests]" ;;
  esac
done
[ "$(id -u)" -eq 0 ] || fail "needs root (podman image mount, chroot, mounts)"
started=$SECONDS
need=()
command -v podman >/dev/null || need+=(podman)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  step "installing ${need[*]}"
  apt-get update >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" \
    fuse-overlayfs >/dev/null
fi
base_image=${HEMS_BASE_IMAGE:-localhost/hems2mqtt-base:bookworm}
status=0
HEMS_BASE_IMAGE=$base_image "$root/docker/make-base.sh" || status=$?
[ $status -eq 0 ] || fail "no Debian 12 base (docker/make-base.sh exited $status)"

work=$(mktemp -d "${TMPDIR:-/var/tmp}/hems2mqtt-fresh.XXXXXX")
fresh=$work/root
mounted=""
cleanup() {
  local status=$?
  [ -n "$mounted" ] && podman image unmount "$base_image" >/dev/null 2>&1
  # Whatever still runs in the root (a daemon a package started, a test left over) is ours.
  for proc in /proc/[0-9]*; do
    [ "$(readlink "$proc/root" 2>/dev/null)" = "$fresh" ] && kill -KILL "${proc#/proc/}" 2>/dev/null
  done
  if [ "${HEMS_FRESH_KEEP:-0}" = 1 ] && [ $status -ne 0 ]; then
    echo "the root is kept in $fresh"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

step "a bare Debian 12 root from $base_image"
mnt=$(podman image mount "$base_image")
mounted=1
mkdir -p "$fresh"
cp -a "$mnt/." "$fresh/"
podman image unmount "$base_image" >/dev/null
mounted=""
# What a Debian machine has and a root made by debootstrap lacks: name resolution, and (as in
# Debian's container images) no services started by package installs, which here would run on
# the CI machine's own network.
cp -L /etc/resolv.conf "$fresh/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$fresh/usr/sbin/policy-rc.d"
chmod 755 "$fresh/usr/sbin/policy-rc.d"

mkdir -p "$fresh/src/hems2mqtt"
if [ $worktree -eq 1 ]; then
  (cd "$root" && git ls-files -z --cached --others --exclude-standard |
    xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -c) | tar -x -C "$fresh/src/hems2mqtt"
  echo "source: the working tree of $root"
else
  git -C "$root" archive HEAD | tar -x -C "$fresh/src/hems2mqtt"
  echo "source: git archive HEAD ($(git -C "$root" rev-parse --short HEAD))"
fi
[ -x "$fresh/src/hems2mqtt/scripts/fresh-machine-check.sh" ] || fail "the tree has no scripts/fresh-machine-check.sh"

unshare --mount --propagation private "$0" --inside "$fresh" "$with_tests"
step "PASSED in $((SECONDS - started)) s"
