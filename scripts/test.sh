#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (ctest underneath). Every server the tests use (the sim,
# the exporter, alertd, Prometheus, Alertmanager, an SMTP server, webhook receivers) is started by the
# tests themselves on 127.0.0.1 with ephemeral ports, and stopped when they end.
#
#   scripts/test.sh                  build/ and the whole suite
#   scripts/test.sh --sanitize address|thread   the same in build-asan/ or build-tsan/ (the asan and tsan presets)
#   scripts/test.sh --preset clang   the same with Debian's clang, in build-clang/
#   scripts/test.sh --no-fuzz        without the fuzz smoke (quicker local runs)
#   extra arguments after -- go to ctest (e.g. -- -R exporter)
# After the suite, the fuzz smoke builds the `fuzz` preset (build-fuzz/, clang, libFuzzer with ASan and
# UBSan) and runs every harness of tests/fuzz/ for 30 s; a crash, hang, leak or UB report fails the run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=dev
fuzz=1
ctest_args=()
while (($#)); do
  case $1 in
    --sanitize)
      case $2 in
        address) preset=asan ;;
        thread) preset=tsan ;;
        *) echo "test.sh: --sanitize takes address or thread" >&2; exit 2 ;;
      esac
      shift 2 ;;
    --preset) preset=$2; shift 2 ;;
    --no-fuzz) fuzz=0; shift ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "test.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh"
"$root/scripts/build.sh" --preset "$preset"
if [ "$preset" = dev ]; then
  # The release preset (-O3, the build the image and the Debian package use) must build without a warning
  # too, and the package tests (test_deploy_package, test_deploy_image_libraries) read it.
  "$root/scripts/build.sh" --preset release -DTWIKIT_WERROR=ON
else
  fuzz=0  # the fuzz smoke runs beside the dev suite only
fi
cd "$root"
ctest --preset "$preset" "${ctest_args[@]}"

if ((fuzz)); then
  fuzz_start=$SECONDS
  "$root/scripts/build.sh" --preset fuzz
  fuzz_built=$SECONDS
  status=0
  ctest --preset fuzz || status=$?
  echo "test.sh: fuzz smoke took $((SECONDS - fuzz_start)) s (build $((fuzz_built - fuzz_start)) s, harnesses $((SECONDS - fuzz_built)) s)"
  exit "$status"
fi
