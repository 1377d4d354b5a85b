#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with warnings as errors, runs CTest and
# lists the tests that skipped, with their reasons (a skipped test proves nothing: most say what
# to install). Arguments go to ctest (e.g. -R integration).
# Env: BUILD_DIR (default build/, or build-<sanitizer>/), BUILD_TYPE (default RelWithDebInfo),
#      HEMS_ALLOWED_SKIPS=FILE: fail when a test skips for a reason not in FILE (CI sets it),
#      HEMS_SANITIZE=address|thread: under the sanitizers instead (scripts/sanitize.sh says what).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${HEMS_SANITIZE:-}
case "$kind" in
  "" | address | thread) ;;
  *)
    echo "HEMS_SANITIZE must be address or thread, not '$kind'" >&2
    exit 2
    ;;
esac
build=${BUILD_DIR:-$root/build${kind:+-$kind}}
"$root/scripts/deps.sh" --test
# promtool checks the daemon's /metrics; without it that test skips (and CI fails on the skip).
if [ -z "${HEMS_PROMTOOL:-}" ] && HEMS_PROMTOOL=$("$root/scripts/promtool.sh" "$build/tools"); then
  export HEMS_PROMTOOL
fi

selection=()
if [ -z "$kind" ]; then
  BUILD_DIR=$build "$root/scripts/build.sh" -DHEMS_WERROR=ON -DHEMS_BUILD_TESTS=ON
else
  # Debug info for the reports and assertions on; -O1 keeps the suite about as fast as a release
  # build without the sanitizers.
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DHEMS_WERROR=ON -DHEMS_BUILD_TESTS=ON \
    -DHEMS_SANITIZE="$kind" >/dev/null
  supp=$root/tests/sanitizers
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:detect_stack_use_after_return=1"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp"
  targets=()
  if [ "$kind" = thread ]; then
    # The tests where more than one thread runs, and only what they need built: the loop's
    # cross-thread post, the Paho client and its TLS connects, and the daemon (built with TSan
    # too) against a broker that restarts, refuses the login or is away for minutes.
    targets=(--target io_tests mqtt_tests integration_tests hems2mqtt hems2mqtt-sim)
    selection=(-R '^(EventLoop|PahoClient|TlsTest|TakeoverDetector|BridgeMqtt|BridgeBuffering|BridgeRequests|BrokerLogin|ProcessFaults)\.')
  fi
  cmake --build "$build" -j"$(nproc)" "${targets[@]}"
fi

junit=$build/ctest-junit.xml
rm -f "$junit"
status=0
# The output size limits keep whole outputs in the report, where the skip reasons are.
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --output-junit "$junit" \
  --test-output-size-passed 1000000 --test-output-size-failed 1000000 "${selection[@]}" "$@" ||
  status=$?
[ -f "$junit" ] || exit "$status"
allow=()
[ -n "${HEMS_ALLOWED_SKIPS:-}" ] && allow=(--allow "$HEMS_ALLOWED_SKIPS")
python3 "$root/scripts/skipped-tests.py" "$junit" "${allow[@]}" || status=1
exit "$status"
