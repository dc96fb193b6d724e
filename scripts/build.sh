#!/usr/bin/env bash
# Configures and builds the project into build/ (or $1), two jobs: the machine has two cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
# -O2 without debug info keeps a from-scratch build short on two cores; ccache is keyed relative to the
# checkout so another clone of the same commit reuses the objects.
export CCACHE_BASEDIR=$root
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" "$@" >/dev/null
cmake --build "$build" -j2
