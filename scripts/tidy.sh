#!/usr/bin/env bash
# clang-tidy over src/ with the checks in .clang-tidy; any finding fails (WarningsAsErrors).
#   scripts/tidy.sh              # every source file in src/
#   scripts/tidy.sh src/wisun/   # only files whose path matches these regular expressions
# Needs clang-tidy-19 (Debian 12: apt-get install clang-tidy-19): clang-tidy 14 cannot parse the
# std::expected of GCC 12's library. Installs the build packages that are missing
# (scripts/deps.sh), since clang-tidy reads their headers.
# It only configures, into its own build directory, for compile_commands.json: the one generated
# header (hems/version.hpp) is written by CMake at configure time, so nothing is compiled.
# Env: TIDY_BUILD_DIR (default build-tidy/), TIDY_JOBS (default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TIDY_BUILD_DIR:-$root/build-tidy}
for tool in clang-tidy-19 run-clang-tidy-19; do
  command -v "$tool" >/dev/null || {
    echo "$tool is missing: apt-get install clang-tidy-19" >&2
    exit 2
  }
done
"$root/scripts/deps.sh"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHEMS_BUILD_TESTS=OFF \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
files=("$@")
[ ${#files[@]} -eq 0 ] && files=("^$root/src/")
# Each file's command line shows the progress; the counts of warnings generated (nearly all in
# system headers, never shown) and blank lines are dropped. pipefail keeps clang-tidy's status.
run-clang-tidy-19 -clang-tidy-binary "$(command -v clang-tidy-19)" -p "$build" \
  -j "${TIDY_JOBS:-2}" -quiet -header-filter="^$root/(include|src)/" "${files[@]}" 2>&1 |
  { grep -Ev '^([0-9]+ warnings? generated\.)?$' || true; }
