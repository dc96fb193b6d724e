#!/usr/bin/env bash
# Measures the test suite's line and branch coverage of common/, exporter/, alertd/ and sim/ with gcov
# (GCC's --coverage) and Debian's gcovr, and prints one row per directory.
#
#   scripts/coverage.sh              build-coverage/, the whole suite (no fuzz smoke), the table
#   scripts/coverage.sh -- -R exporter   extra arguments after -- go to ctest (a partial run measures less)
#
# The build is its own (build-coverage/: -O0, --coverage, atomic counters since the programs are threaded;
# benchmarks off), so it never mixes with build/. A test that fails is reported and the figures are still
# printed (they then cover what ran). gcovr's HTML report is left in build-coverage/coverage/index.html.
# Branch figures leave out the branches GCC adds for exception unwinding and unreachable code
# (--exclude-throw-branches --exclude-unreachable-branches), which no test can take.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-coverage
ctest_args=()
while (($#)); do
  case $1 in
    --) shift; ctest_args=("$@"); break ;;
    *) echo "coverage.sh: unknown argument $1 (extra ctest arguments go after --)" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh"  # the build's packages and gcovr
export CCACHE_BASEDIR=$root
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Coverage \
  -DCMAKE_CXX_FLAGS_COVERAGE="-O0 -g0 --coverage -fprofile-update=atomic" \
  -DCMAKE_C_FLAGS_COVERAGE="-O0 -g0 --coverage -fprofile-update=atomic" \
  -DCMAKE_EXE_LINKER_FLAGS_COVERAGE="--coverage" -DCMAKE_SHARED_LINKER_FLAGS_COVERAGE="--coverage" \
  -DTWIKIT_BUILD_BENCH=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build "$build" -j2

# Counters from an earlier run would add up with this one's.
find "$build" -name '*.gcda' -delete
status=0
ctest --test-dir "$build" -j2 --output-on-failure "${ctest_args[@]}" || status=$?

mkdir -p "$build/coverage"
summary=$build/coverage/summary.json
gcovr --root "$root" --object-directory "$build" -j 2 \
  --filter "$root/common/" --filter "$root/exporter/" --filter "$root/alertd/" --filter "$root/sim/" \
  --exclude-throw-branches --exclude-unreachable-branches \
  --json-summary "$summary" --html-details "$build/coverage/index.html" >/dev/null

python3 - "$summary" <<'PY'
import json, sys
files = json.load(open(sys.argv[1]))["files"]
rows = {}
for f in files:
    top = f["filename"].split("/", 1)[0]
    r = rows.setdefault(top, [0, 0, 0, 0])
    r[0] += f["line_covered"]; r[1] += f["line_total"]
    r[2] += f["branch_covered"]; r[3] += f["branch_total"]
def pct(c, t):
    return f"{100.0 * c / t:5.1f} %" if t else "    - "
print(f"{'directory':<10} {'lines':>24} {'branches':>24}")
total = [0, 0, 0, 0]
for top in ("common", "exporter", "alertd", "sim"):
    c, t, bc, bt = rows.get(top, [0, 0, 0, 0])
    total = [a + b for a, b in zip(total, (c, t, bc, bt))]
    print(f"{top + '/':<10} {pct(c, t)} {c:>7}/{t:<7} {pct(bc, bt)} {bc:>7}/{bt:<7}")
c, t, bc, bt = total
print(f"{'all':<10} {pct(c, t)} {c:>7}/{t:<7} {pct(bc, bt)} {bc:>7}/{bt:<7}")
PY
echo "coverage.sh: per-file report in $build/coverage/index.html"
if ((status)); then
  echo "coverage.sh: some tests failed (ctest exit $status); the figures cover what ran" >&2
fi
exit "$status"
