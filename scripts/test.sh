#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds with warnings as errors, runs CTest and
# lists the tests that skipped, with their reasons (a skipped test proves nothing: most say what
# to install). Arguments go to ctest (e.g. -R integration).
# Env: BUILD_DIR (default build/), BUILD_TYPE (default RelWithDebInfo),
#      HEMS_ALLOWED_SKIPS=FILE: fail when a test skips for a reason not in FILE (CI sets it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
"$root/scripts/deps.sh" --test
"$root/scripts/build.sh" -DHEMS_WERROR=ON -DHEMS_BUILD_TESTS=ON
junit=$build/ctest-junit.xml
rm -f "$junit"
status=0
# The output size limits keep whole outputs in the report, where the skip reasons are.
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --output-junit "$junit" \
  --test-output-size-passed 1000000 --test-output-size-failed 1000000 "$@" || status=$?
[ -f "$junit" ] || exit "$status"
allow=()
[ -n "${HEMS_ALLOWED_SKIPS:-}" ] && allow=(--allow "$HEMS_ALLOWED_SKIPS")
python3 "$root/scripts/skipped-tests.py" "$junit" "${allow[@]}" || status=1
exit "$status"
