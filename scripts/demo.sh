#!/usr/bin/env bash
# Sets up, builds and runs the demo stack on its default ports, with embedded default configurations:
#   twikit-sim (admin :9880, services :9881-9890) → twikit-exporter (:9877) → alertd (:9878)
#   and Prometheus (:9090) scraping both when the prometheus package is installed.
# Ctrl-C stops everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
bin=$root/build
run=$(mktemp -d /tmp/twikit-demo-XXXXXX)
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "stopping demo..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "logs kept in $run"
}
trap cleanup INT TERM EXIT

"$bin/sim/twikit-sim" --base-port 9880 --seed 42 >"$run/sim.ready" 2>"$run/sim.log" &
pids+=($!)
for _ in $(seq 50); do [ -s "$run/sim.ready" ] && break; sleep 0.1; done
"$bin/exporter/twikit-exporter" 2>"$run/exporter.log" &
pids+=($!)
if [ -x "$bin/alertd/alertd" ]; then
  "$bin/alertd/alertd" --storage.path="$run/alertd" 2>"$run/alertd.log" &
  pids+=($!)
fi
if command -v prometheus >/dev/null; then
  sed -e "s#/etc/twikit-monitor/rules#$root/rules#" "$root/deploy/prometheus/prometheus.yml" >"$run/prometheus.yml" 2>/dev/null \
    || printf 'global: {scrape_interval: 15s}\nscrape_configs:\n  - job_name: twikit\n    static_configs: [{targets: ["127.0.0.1:9877"]}]\n' >"$run/prometheus.yml"
  prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus" \
    --web.listen-address=127.0.0.1:9090 >"$run/prometheus.log" 2>&1 &
  pids+=($!)
fi

cat <<TXT

twikit-monitor demo is running (logs in $run):
  twikit-sim admin     http://127.0.0.1:9880/admin/services
  twikit-exporter      http://127.0.0.1:9877/metrics   http://127.0.0.1:9877/health
TXT
[ -x "$bin/alertd/alertd" ] && echo "  alertd               http://127.0.0.1:9878/api/v1/alerts   http://127.0.0.1:9878/api/v1/rules"
command -v prometheus >/dev/null && echo "  Prometheus           http://127.0.0.1:9090/"
cat <<TXT

Make something go wrong:
  curl -X PUT -H 'Content-Type: application/json' http://127.0.0.1:9880/admin/services/proxy_rotation/fault -d '{"mode":"down"}'
  curl -X POST -d '' http://127.0.0.1:9880/admin/reset

Press Ctrl-C to stop.
TXT
wait -n "${pids[@]}" || true
echo "a demo process exited; see the logs in $run"
