#!/usr/bin/env bash
# Builds one fuzz target with AFL++ (GCC plugin) and fuzzes it for a fixed time.
# Usage: fuzz/run.sh fuzz_stream_parser|fuzz_echonet_decode SECONDS
# Build dir: build-fuzz (override with BUILD_DIR). Seeds: fuzz/seeds/<target>/.
# Findings go to fuzz/findings-<target>/ (ignored by git); a rerun resumes them.
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-fuzz}
seeds=$root/fuzz/seeds/$target
findings=$root/fuzz/findings-$target

# afl-g++-fast (GCC plugin) is preferred; a plugin built against a different GCC build refuses
# to load ("incompatible versions"), and then afl-g++ (assembler-level instrumentation) is used.
if [[ -z ${CXX:-} ]]; then
  probe=$(mktemp -d)
  echo 'int main() { return 0; }' >"$probe/probe.cpp"
  if afl-g++-fast "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1; then
    CXX=afl-g++-fast
  else
    CXX=afl-g++
  fi
  rm -rf "$probe"
fi
echo "compiler:    $CXX"
CXX=$CXX cmake -S "$root" -B "$build" -DHEMS_BUILD_FUZZERS=ON \
  -DHEMS_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target "$target"

dict_args=()
if [[ -f $root/fuzz/$target.dict ]]; then dict_args=(-x "$root/fuzz/$target.dict"); fi

export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_AUTORESUME=1
afl-fuzz -V "$seconds" -i "$seeds" -o "$findings" "${dict_args[@]}" -- "$build/fuzz/$target"

stat() { sed -n "s/^$1 *: *//p" "$findings/default/fuzzer_stats"; }
count() { find "$findings/default/$1" -type f -name 'id:*' 2>/dev/null | wc -l; }
echo "target:      $target"
echo "execs:       $(stat execs_done)"
echo "paths:       $(stat corpus_count)"
echo "crashes:     $(count crashes)"
echo "hangs:       $(count hangs)"
