#!/bin/sh
# Runs a test that needs Prometheus' conformance data, or reports it skipped (exit 77, CTest's
# SKIP_RETURN_CODE for these tests) with the reason when the data is absent.
#
#   with_conformance_data.sh DEFAULT_DIR SUBDIR [--cd] -- COMMAND [ARGS...]
#
# The data directory is $TWIKIT_CONFORMANCE_DIR when set, else DEFAULT_DIR (../shared/conformance beside
# the checkout). SUBDIR (promql or promtool) must exist in it. The command runs with TWIKIT_CONFORMANCE_DIR
# exported, so the test binary reads the same directory; --cd runs it inside DIR/SUBDIR.
set -eu
default_dir=$1
subdir=$2
shift 2
cd_into=0
if [ "${1:-}" = --cd ]; then
  cd_into=1
  shift
fi
[ "${1:-}" = -- ] && shift
dir=${TWIKIT_CONFORMANCE_DIR:-$default_dir}
if [ ! -d "$dir/$subdir" ]; then
  echo "SKIPPED: Prometheus conformance data not found at $dir/$subdir" \
       "(set TWIKIT_CONFORMANCE_DIR to the directory holding promql/ and promtool/: README.md, Tests that need Prometheus data)"
  exit 77
fi
TWIKIT_CONFORMANCE_DIR=$dir
export TWIKIT_CONFORMANCE_DIR
if [ "$cd_into" = 1 ]; then
  cd "$dir/$subdir"
fi
exec "$@"
