#!/usr/bin/env bash
# Cross-builds hems2mqtt on a Debian 12 machine for another architecture and runs the unit tests
# under QEMU's user-mode emulator, so that a build for a Raspberry Pi 4/5 or a Home Assistant
# Green/Yellow is made and tested on every change without one.
#   scripts/cross-build.sh arm64 [CTEST_ARGS...]
# Steps, each with its time:
#   1. installs what is missing (only that, like scripts/deps.sh; sudo when not root): the
#      architecture in dpkg, the cross compiler, qemu-user, the target's libraries (:arm64) and
#      what the unit tests start on the machine itself (Mosquitto, openssl, python3-jinja2);
#   2. configures build-arm64/ with cmake/toolchains/aarch64-linux-gnu.cmake, warnings as errors;
#   3. builds the daemon, the simulator and the unit tests (the cross build leaves out the
#      end-to-end tests, see tests/CMakeLists.txt);
#   4. checks with `file` that each of them is an ARM aarch64 program, and starts the daemon and
#      the simulator once under the emulator;
#   5. runs the unit tests with CTest, each under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR);
#      like scripts/test.sh it then lists the tests that skipped, and with HEMS_ALLOWED_SKIPS=FILE
#      fails on a skip whose reason is not in FILE.
# Env: BUILD_DIR (default build-arm64/), BUILD_TYPE (default RelWithDebInfo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  echo "usage: scripts/cross-build.sh arm64 [CTEST_ARGS...]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
arch=$1
shift
case $arch in
  arm64)
    triple=aarch64-linux-gnu
    qemu="qemu-aarch64"
    machine="ARM aarch64"
    ;;
  *) usage ;;
esac
build=${BUILD_DIR:-$root/build-$arch}
toolchain=$root/cmake/toolchains/$triple.cmake

# ccache, when there, keys on paths relative to the checkout and not on the build directory's
# absolute path, so that a fresh clone elsewhere (as CI makes for every run) finds what an
# earlier one compiled. Such an object's debug information names the earlier directory.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$root} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

step() {
  local t0=$SECONDS
  echo "== [$(date +%H:%M:%S)] $1"
  "${@:2}"
  echo "== $1: $((SECONDS - t0)) s"
}

# ---- 1. packages ---------------------------------------------------------------------------------
# On the machine itself: the cross compiler (crossbuild-essential-arm64 brings gcc and g++ for
# the target and dpkg-cross), make and CMake, pkg-config (reads the target's .pc files, see the
# toolchain file), the emulator, `file`, and nlohmann_json, whose headers and CMake package are
# the same for every architecture (Multi-Arch: foreign). What the unit tests start as they would
# natively: a private Mosquitto and mosquitto_pub/_sub (tests/support/mosquitto.cpp), openssl for
# the TLS tests' certificates, python3 with jinja2 for Home Assistant's templates.
host=("crossbuild-essential-$arch" make cmake pkg-config qemu-user file nlohmann-json3-dev
  mosquitto mosquitto-clients openssl python3 python3-jinja2)
# For the target: the libraries the daemon links (Debian builds toml++ as a shared library,
# libtomlplusplus3, though upstream can be header-only) and GoogleTest's static libraries.
target=(libpaho-mqttpp-dev libpaho-mqtt-dev libserialport-dev libssl-dev
  libtomlplusplus-dev libgtest-dev libgmock-dev)

install_packages() {
  local sudo_cmd=() missing=() p
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  local add_arch=0
  if [ "$(dpkg --print-architecture)" != "$arch" ] &&
    ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    add_arch=1
  fi
  for p in "${host[@]}" "${target[@]/%/:$arch}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ $add_arch -eq 0 ] && [ ${#missing[@]} -eq 0 ]; then
    echo "all installed"
    return
  fi
  if [ $add_arch -eq 1 ]; then
    echo "Adding the architecture $arch to dpkg"
    "${sudo_cmd[@]}" dpkg --add-architecture "$arch"
  fi
  echo "Installing: ${missing[*]}"
  # A new architecture needs its package lists; so does a machine that has never updated them.
  "${sudo_cmd[@]}" apt-get update
  # The target's libraries must be the same version as the machine's own copies (Multi-Arch:
  # same), so apt may upgrade those too.
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
}

# ---- 2.-3. configure and build -------------------------------------------------------------------
configure() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$toolchain" \
    -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" -DHEMS_WERROR=ON -DHEMS_BUILD_TESTS=ON \
    "${launcher[@]}" >/dev/null
}

compile() {
  cmake --build "$build" -j"$(nproc)"
}

# ---- 4. what was built ---------------------------------------------------------------------------
check_binaries() {
  local programs=("$build/src/app/hems2mqtt" "$build/src/sim/hems2mqtt-sim") p description
  mapfile -t -O ${#programs[@]} programs < <(find "$build/tests" -type f -name '*_tests' -perm -u+x)
  [ ${#programs[@]} -gt 2 ] || {
    echo "no test programs in $build/tests" >&2
    return 1
  }
  for p in "${programs[@]}"; do
    description=$(file -b "$p")
    case $description in
      *"ELF 64-bit"*"$machine"*) echo "${p#"$build"/}: $machine" ;;
      *)
        echo "${p#"$build"/} is not an $machine program: $description" >&2
        return 1
        ;;
    esac
  done
  # The emulator CTest uses, as the toolchain file chose it (its -L root: the glibc to load).
  local emulator help
  IFS=';' read -r -a emulator < <(sed -n 's/^CMAKE_CROSSCOMPILING_EMULATOR:STRING=//p' \
    "$build/CMakeCache.txt") || true
  [ ${#emulator[@]} -gt 0 ] || {
    echo "no emulator in $build/CMakeCache.txt: is $qemu (qemu-user) installed?" >&2
    return 1
  }
  echo "under ${emulator[*]}:"
  "${emulator[@]}" "$build/src/app/hems2mqtt" --version
  help=$("${emulator[@]}" "$build/src/sim/hems2mqtt-sim" --help)
  echo "${help%%$'\n'*}"
}

# ---- 5. the unit tests under the emulator --------------------------------------------------------
run_tests() {
  local junit=$build/ctest-junit.xml status=0
  rm -f "$junit"
  ctest --test-dir "$build" --output-on-failure -j"$(nproc)" --output-junit "$junit" \
    --test-output-size-passed 1000000 --test-output-size-failed 1000000 "$@" || status=$?
  [ -f "$junit" ] || return "$status"
  local allow=()
  [ -n "${HEMS_ALLOWED_SKIPS:-}" ] && allow=(--allow "$HEMS_ALLOWED_SKIPS")
  python3 "$root/scripts/skipped-tests.py" "$junit" "${allow[@]}" || status=1
  return "$status"
}

started=$SECONDS
step "packages for $arch" install_packages
step "configure $build ($triple)" configure
step "build" compile
step "check the programs" check_binaries
step "unit tests under $qemu" run_tests "$@"
echo "== cross build for $arch: $((SECONDS - started)) s"
