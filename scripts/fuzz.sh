#!/usr/bin/env bash
# Runs the libFuzzer harnesses of tests/fuzz/ (the `fuzz` preset: clang, ASan, UBSan), one after another,
# each for a chosen time over its seed corpus (tests/fuzz/corpus/<name>/) and its fixed crashes
# (tests/fuzz/regressions/<name>/). New inputs go to DIR/fuzz-corpus/<name>/ (never into the source tree),
# crashes, hangs and leaks to DIR/fuzz-artifacts/<name>/. Exits non-zero when any harness found something.
#
#   scripts/fuzz.sh                          build build-fuzz/ and run every harness for 600 s
#   scripts/fuzz.sh --time 30 promql_eval    one harness for 30 s
#   scripts/fuzz.sh --list                   the harness names
#   scripts/fuzz.sh --time 30 --runs 100000 promql_eval   at most 100,000 inputs (and at most 30 s)
#   options: --build-dir DIR (default build-fuzz/), --no-build (CTest's smoke), -- ARGS… (more libFuzzer flags,
#            e.g. -- -fork=2 -ignore_crashes=1 to keep going after a crash)
# Per-harness libFuzzer flags (such as -max_len) are in tests/fuzz/<name>.options, one per line; a dictionary
# tests/fuzz/<name>.dict is passed with -dict.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=600
runs=
build_dir=$root/build-fuzz
build=1
extra=()
names=()
while (($#)); do
  case $1 in
    --time) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --build-dir) build_dir=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    --list) for f in "$root"/tests/fuzz/*.cpp; do basename "$f" .cpp; done; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) names+=("$1"); shift ;;
  esac
done
if ((${#names[@]} == 0)); then
  for f in "$root"/tests/fuzz/*.cpp; do names+=("$(basename "$f" .cpp)"); done
fi
for name in "${names[@]}"; do
  if [ ! -f "$root/tests/fuzz/$name.cpp" ]; then
    echo "fuzz.sh: no harness $name (tests/fuzz/$name.cpp); see --list" >&2
    exit 2
  fi
done

if ((build)); then
  "$root/scripts/build.sh" --preset fuzz "$build_dir"
fi

# Stack traces with file:line; a UBSan report is fatal (it is a finding) and prints its stack.
export ASAN_SYMBOLIZER_PATH=${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer || command -v llvm-symbolizer-14 || true)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for name in "${names[@]}"; do
  binary=$build_dir/tests/fuzz/fuzz_$name
  [ -x "$binary" ] || { echo "fuzz.sh: $binary is not built (cmake --build --preset fuzz)" >&2; exit 2; }
  work=$build_dir/fuzz-corpus/$name
  artifacts=$build_dir/fuzz-artifacts/$name
  mkdir -p "$work" "$artifacts"
  flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
         -artifact_prefix="$artifacts/")
  [ -n "$runs" ] && flags+=(-runs="$runs")
  if [ -f "$root/tests/fuzz/$name.options" ]; then
    while read -r flag; do [ -n "$flag" ] && [[ $flag != \#* ]] && flags+=("$flag"); done <"$root/tests/fuzz/$name.options"
  fi
  [ -f "$root/tests/fuzz/$name.dict" ] && flags+=(-dict="$root/tests/fuzz/$name.dict")
  corpora=("$work")
  for dir in "$root/tests/fuzz/corpus/$name" "$root/tests/fuzz/regressions/$name"; do
    [ -d "$dir" ] && corpora+=("$dir")
  done
  echo "fuzz.sh: $name for ${seconds}s: $binary ${flags[*]} ${extra[*]} ${corpora[*]}"
  start=$SECONDS
  if "$binary" "${flags[@]}" "${extra[@]}" "${corpora[@]}"; then
    echo "fuzz.sh: $name: no finding in $((SECONDS - start))s"
  else
    echo "fuzz.sh: $name: FINDING (exit $?) after $((SECONDS - start))s; reproducer in $artifacts/" >&2
    failed+=("$name")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz.sh: findings in: ${failed[*]}" >&2
  exit 1
fi
