#!/usr/bin/env bash
# Configures and builds the project with one of the CMake presets (CMakePresets.json), two jobs: the
# machine has two cores.
#
#   scripts/build.sh                          the `dev` preset into build/ (programs, tests, benchmarks;
#                                             -O2 without debug info, warnings as errors)
#   scripts/build.sh --preset asan|tsan|clang|release
#   scripts/build.sh [--preset P] DIR [cmake args…]   the same preset into another directory
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
preset=dev
if [ "${1:-}" = --preset ]; then
  preset=$2
  shift 2
fi
dir_args=()
if (($#)) && [[ $1 != -* ]]; then
  dir_args=(-B "$1")
  shift
fi
# ccache is keyed relative to the checkout so another clone of the same commit reuses the objects.
export CCACHE_BASEDIR=$root
cmake -S "$root" --preset "$preset" "${dir_args[@]}" "$@" >/dev/null
if ((${#dir_args[@]})); then
  cmake --build "${dir_args[1]}" -j2
else
  cmake --build --preset "$preset"
fi
