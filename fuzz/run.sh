#!/usr/bin/env bash
# Builds one fuzz target with AFL++ and fuzzes it for a fixed time, niced, on one core.
# Usage: fuzz/run.sh TARGET SECONDS
#   TARGET: fuzz_stream_parser, fuzz_echonet_decode, fuzz_mqtt_request, fuzz_config,
#           fuzz_lan_datagram, fuzz_session_events or fuzz_http_request
# Build dir: build-afl (override with BUILD_DIR). Inputs: the committed corpus
# (fuzz/corpus/<target>/) and the seeds (fuzz/seeds/<target>/); dictionary fuzz/<target>.dict.
# Findings go to fuzz/findings-<target>/ (ignored by git); a rerun resumes them. Afterwards
# fuzz/minimize.sh TARGET folds the findings into the committed corpus.
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-afl}
findings=$root/fuzz/findings-$target

# The compiler, unless CXX names one. Every choice instruments the project's libraries too.
#   1. afl-g++-fast (AFL++'s GCC plugin): persistent mode. A plugin built against another GCC
#      build refuses to load ("incompatible versions"), as Debian 12's does.
#   2. clang 16 or newer (CLANG, default the newest clang++-NN found) with its own
#      -fsanitize-coverage=trace-pc-guard, linked with AFL++'s runtime and driver: persistent mode
#      too. AFL++'s own afl-clang-fast++ is tied to the clang it was built for, and Debian 12's
#      clang 14 cannot compile the project's C++23 (std::expected).
#   3. afl-g++ (instruments the assembler output): forks once per input, much slower.
flags=()
if [[ -z ${CXX:-} ]]; then
  probe=$(mktemp -d)
  echo 'int main() { return 0; }' >"$probe/probe.cpp"
  clang=${CLANG:-$(compgen -c clang++- | grep -E '^clang\+\+-[0-9]+$' | sort -t- -k2 -n | tail -1 || true)}
  if afl-g++-fast "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1; then
    CXX=afl-g++-fast
  elif [[ -n $clang ]] && [[ ${clang##*-} -ge 16 ]]; then
    CXX=$clang
    flags=(-DCMAKE_CXX_FLAGS=-fsanitize-coverage=trace-pc-guard)
  else
    CXX=afl-g++
  fi
  rm -rf "$probe"
fi
echo "compiler:    $CXX ${flags[*]}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CXX=$CXX cmake -S "$root" -B "$build" -DHEMS_BUILD_FUZZERS=ON -DHEMS_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "${flags[@]}" >/dev/null
nice -n 10 cmake --build "$build" -j2 --target "$target"

# afl-fuzz takes one input directory: the corpus and the seeds together.
inputs=$(mktemp -d)
trap 'rm -rf "$inputs"' EXIT
for dir in "$root/fuzz/corpus/$target" "$root/fuzz/seeds/$target"; do
  if [[ -d $dir ]]; then cp "$dir"/* "$inputs"/ 2>/dev/null || true; fi
done

dict_args=()
if [[ -f $root/fuzz/$target.dict ]]; then dict_args=(-x "$root/fuzz/$target.dict"); fi

# The machine may be shared: lowest priority, and no core of its own (AFL_NO_AFFINITY).
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_AUTORESUME=1
export AFL_NO_AFFINITY=1
started=$(date +%s)
nice -n 19 afl-fuzz -V "$seconds" -i "$inputs" -o "$findings" "${dict_args[@]}" \
  -- "$build/fuzz/$target"

stat() { sed -n "s/^$1 *: *//p" "$findings/default/fuzzer_stats"; }
count() { find "$findings/default/$1" -type f -name 'id:*' 2>/dev/null | wc -l; }
echo "target:      $target"
echo "wall time:   $(($(date +%s) - started)) s"
echo "execs:       $(stat execs_done)"
echo "corpus:      $(stat corpus_count)"
echo "crashes:     $(count crashes)"
echo "hangs:       $(count hangs)"
