#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (ctest underneath). Every server the tests use (the sim,
# the exporter, alertd, Prometheus, Alertmanager, an SMTP server, webhook receivers) is started by the
# tests themselves on 127.0.0.1 with ephemeral ports, and stopped when they end.
#
#   scripts/test.sh                  build/ and the whole suite
#   scripts/test.sh --sanitize address|thread   the same in build-asan/ or build-tsan/
#   extra arguments after -- go to ctest (e.g. -- -R exporter)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
cmake_args=()
ctest_args=()
while (($#)); do
  case $1 in
    --sanitize)
      case $2 in
        address) build=$root/build-asan ;;
        thread) build=$root/build-tsan ;;
        *) echo "test.sh: --sanitize takes address or thread" >&2; exit 2 ;;
      esac
      cmake_args+=("-DTWIKIT_SANITIZE=$2" -DTWIKIT_BUILD_BENCH=OFF)
      shift 2 ;;
    --) shift; ctest_args=("$@"); break ;;
    *) echo "test.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$build" "${cmake_args[@]}"
cd "$build"
ctest --output-on-failure -j2 --timeout 600 "${ctest_args[@]}"
