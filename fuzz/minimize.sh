#!/usr/bin/env bash
# Folds a fuzz run's findings into the committed corpus, minimised, and reduces its crashes.
# Usage: fuzz/minimize.sh TARGET   (after fuzz/run.sh TARGET SECONDS, same BUILD_DIR)
#   1. afl-cmin over the queue, the committed corpus and the seeds: the smallest set of inputs
#      with the same edge coverage becomes fuzz/corpus/<target>/ (names: the first 16 hex digits
#      of each file's SHA-256, so a rerun keeps the names of what it keeps);
#   2. afl-tmin on the largest few (TMIN_COUNT, default 5) of those over 1 KiB, which shrinks them
#      with the same coverage;
#   3. afl-tmin on every crash and hang, into fuzz/crash-candidates/<target>/ (ignored by git).
#      A crash is not committed before its bug is fixed: then its reduced input goes to
#      fuzz/crashes/<target>/, and the CTest replay (fuzz_replay_<target>) keeps it fixed.
set -euo pipefail
target=${1:?usage: fuzz/minimize.sh TARGET}
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build-afl}
binary=$build/fuzz/$target
findings=$root/fuzz/findings-$target/default
corpus=$root/fuzz/corpus/$target
[[ -x $binary ]] || {
  echo "no $binary: run fuzz/run.sh $target first" >&2
  exit 1
}

# afl-cmin refuses to work under /tmp; the build directory is private enough.
work=$(mktemp -d "$build/minimize.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/all"
for dir in "$findings/queue" "$corpus" "$root/fuzz/seeds/$target"; do
  [[ -d $dir ]] || continue
  # Named by content: the same input from two directories is kept once.
  for f in "$dir"/*; do
    [[ -f $f ]] && cp "$f" "$work/all/$(sha256sum "$f" | cut -c1-16)"
  done
done

export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1
# Edges only (-e), unless CMIN_HITCOUNTS=1: telling apart how often an edge ran keeps an input for
# every loop count the fuzzer stumbled on, hundreds of near-copies for a target that reads a
# sequence of steps. The committed corpus is for replay and for seeding, where the edges matter.
cmin_mode=(-e)
[[ ${CMIN_HITCOUNTS:-0} == 1 ]] && cmin_mode=()
nice -n 19 afl-cmin "${cmin_mode[@]}" -i "$work/all" -o "$work/min" -- "$binary" \
  >"$work/cmin.log" 2>&1 || {
  cat "$work/cmin.log" >&2
  exit 1
}

# The largest few, shrunk with the same coverage (afl-tmin keeps the path the same).
find "$work/min" -type f -size +1k -printf '%s %p\n' | sort -rn | head -n "${TMIN_COUNT:-5}" |
  while read -r _ file; do
    nice -n 19 afl-tmin -i "$file" -o "$file.min" -- "$binary" >/dev/null 2>&1 &&
      mv "$file.min" "$file"
  done

rm -rf "$corpus"
mkdir -p "$corpus"
for f in "$work/min"/*; do
  cp "$f" "$corpus/$(sha256sum "$f" | cut -c1-16)"
done
echo "corpus:      $(find "$corpus" -type f | wc -l) files, $(du -sh "$corpus" | cut -f1)"

candidates=$root/fuzz/crash-candidates/$target
for kind in crashes hangs; do
  for f in "$findings/$kind"/id:*; do
    [[ -f $f ]] || continue
    mkdir -p "$candidates"
    out=$candidates/$kind-$(sha256sum "$f" | cut -c1-16)
    # A hang is reduced as a crash would be: afl-tmin keeps whatever still times out (-H).
    mode=()
    [[ $kind == hangs ]] && mode=(-H)
    nice -n 19 afl-tmin "${mode[@]}" -i "$f" -o "$out" -- "$binary" >/dev/null 2>&1 || cp "$f" "$out"
  done
done
if [[ -d $candidates ]]; then
  echo "reduced crashes and hangs: $candidates ($(find "$candidates" -type f | wc -l))"
fi
