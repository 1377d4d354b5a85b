#!/usr/bin/env bash
# Configures and builds; arguments go to CMake (e.g. -DHEMS_BUILD_TESTS=OFF).
# Env: BUILD_DIR (default build/), BUILD_TYPE (default RelWithDebInfo), HEMS_WERROR (ON or OFF;
# unset leaves the CMake option as it is, OFF in a new build directory).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
werror=()
[ -n "${HEMS_WERROR:-}" ] && werror=(-DHEMS_WERROR="$HEMS_WERROR")
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "${werror[@]}" "$@" \
  >/dev/null
cmake --build "$build" -j"$(nproc)"
