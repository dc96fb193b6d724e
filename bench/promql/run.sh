#!/bin/sh
# PromQL benchmark: our engine (bench_promql) and, as the peer, Prometheus evaluating the same 1,000 rules
# over the same 10,000 series x 1 h of 15 s samples (backfilled with promtool).
# Usage: bench/promql/run.sh [build-dir]
set -eu
BUILD=${1:-build}
BIN="$BUILD/bench/promql/bench_promql"
WORK=$(mktemp -d)
PROM_PID=""
trap 'if [ -n "$PROM_PID" ]; then kill "$PROM_PID"; wait "$PROM_PID" || true; fi; rm -rf "$WORK"' EXIT

echo "== twikit engine"
"$BIN" 30

echo "== Prometheus peer ($(prometheus --version 2>&1 | head -1))"
"$BIN" --emit "$WORK"
promtool tsdb create-blocks-from openmetrics "$WORK/data.om" "$WORK/tsdb" > "$WORK/backfill.log" 2>&1
rm -f "$WORK/data.om"
PORT=$((20000 + $$ % 20000))
cat > "$WORK/prometheus.yml" <<CFG
global:
  evaluation_interval: 5s
rule_files: ["$WORK/rules.yml"]
CFG
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PORT" --log.level=warn > "$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
# Let the group run a few times, then read its own duration metrics from /metrics.
deadline=$(( $(date +%s) + 300 ))
while :; do
  n=$(curl -fsS "http://127.0.0.1:$PORT/metrics" 2>/dev/null | \
      sed -n 's/^prometheus_rule_group_iterations_total{.*} \([0-9]*\)$/\1/p' || true)
  [ "${n:-0}" -ge 6 ] && break
  [ "$(date +%s)" -lt "$deadline" ] || { echo "prometheus did not evaluate the group in time:"; tail -5 "$WORK/prometheus.log"; exit 1; }
  sleep 2
done
echo "Prometheus rule group of the same 1,000 rules (seconds per evaluation; it reads a backfilled on-disk TSDB):"
curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -E '^prometheus_rule_group_(duration_seconds\{quantile="0.5"\}|duration_seconds_(sum|count)|last_duration_seconds)'
