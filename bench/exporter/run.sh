#!/usr/bin/env bash
# Exporter benchmarks, each against a peer in the same run (see bench/README.md):
#  1. collection latency: ten services each answering after 200 ms; one collection vs the 200 ms floor.
#  2. /metrics with ~10,000 series at 50 connections (wrk): twikit-exporter vs prometheus-pushgateway
#     serving the same series; requests/s and p99 side by side, as ratios.
#  3. exporter RSS while serving those series: sampled during the wrk run, after it, and the peak (VmHWM).
#  4. exporter RSS idle: a fresh exporter collecting the same series every second, scraped once per
#     collection the way Prometheus does (OpenMetrics, gzip), sampled for 2 s after $IDLE_COLLECTIONS
#     collections (default 40).
#  5. slowloris (also alone: `run.sh BUILD slowloris [OLD-EXPORTER]`): Prometheus-like scrapes on new
#     connections, p50/p99 with and without 2,000 idle connections that sent half a header; with
#     OLD-EXPORTER (an earlier twikit-exporter binary, e.g. the httplib one) the same for it. IDLE=N changes
#     the number of idle connections (IDLE=0: both phases alike, to see the noise of the machine).
# Usage: bench/exporter/run.sh [build-dir] [all|slowloris] [old-exporter]
#        (needs wrk and prometheus-pushgateway; scripts/setup.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
mode=${2:-all}
old_exporter=${3:-}
work=$(mktemp -d /tmp/twikit-bench-XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_sim() {  # extra sim flags; sets $admin, writes $work/ready
  rm -f "$work/ready"
  "$build/sim/twikit-sim" --base-port 0 --seed 1 "$@" >"$work/ready" 2>>"$work/sim.log" &
  pids+=($!)
  for _ in $(seq 100); do [ -s "$work/ready" ] && break; sleep 0.1; done
  admin=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"])' "$work/ready")
}

exporter_config() {  # $1 = collection block
  python3 - "$work/ready" "$root/exporter/default_config.yaml" "$1" <<'PY'
import json, sys
ports = json.load(open(sys.argv[1]))["services"]
defaults = open(sys.argv[2]).read()
print("collection:\n" + sys.argv[3] + "\ntargets:")
for name, port in ports.items():
    print(f'  - {{name: {name}, url: "http://127.0.0.1:{port}/status", timeout: 5s}}')
print(defaults[defaults.index("\ncommon_metrics:") + 1:])
PY
}

rss_mb() { awk -v k="$2:" '$1==k{printf "%.1f", $2/1024}' "/proc/$1/status"; }
rss_line() {  # $1 = pid: resident set, its anonymous and file-backed parts, peak and threads (one reading)
  awk '{v[$1]=$2} END{printf "RSS %.1f MB (anon %.1f, file %.1f), peak VmHWM %.1f MB, threads %d\n",
       v["VmRSS:"]/1024, v["RssAnon:"]/1024, v["RssFile:"]/1024, v["VmHWM:"]/1024, v["Threads:"]}' "/proc/$1/status"
}
rss_samples() {  # $1 = pid, $2 = file: VmRSS in MB every 0.1 s while $3 (a pid) runs, or 20 times
  if [ -n "${3:-}" ]; then
    while kill -0 "$3" 2>/dev/null; do rss_mb "$1" VmRSS; echo; sleep 0.1; done >"$2"
  else
    for _ in $(seq 20); do rss_mb "$1" VmRSS; echo; sleep 0.1; done >"$2"
  fi
}
summary() {  # $1 = file of samples
  python3 -c 'import statistics,sys; v=sorted(float(x) for x in open(sys.argv[1]).read().split()); print(f"median {statistics.median(v):.1f} MB, min {v[0]:.1f}, max {v[-1]:.1f} over {len(v)} samples")' "$1"
}

start_exporter() {  # $1 = config file, $2 = binary (default: this build's); sets $port (no subshell: its EXIT trap would stop everything)
  port=$(free_port)
  "${2:-$build/exporter/twikit-exporter}" --config.file="$1" --web.listen-address="127.0.0.1:$port" 2>>"$work/exporter.log" &
  exporter_pid=$!
  pids+=($exporter_pid)
  for _ in $(seq 100); do curl -sf "127.0.0.1:$port/-/healthy" >/dev/null && break; sleep 0.1; done
}

slowloris() {
  echo "== 5. slowloris: scrapes on new connections, without and with 2,000 idle connections (target p99 < 100 ms)"
  start_sim --proxies 2000 --campaigns 3800
  exporter_config "  mode: interval
  interval: 30s" >"$work/slowloris.yaml"
  start_exporter "$work/slowloris.yaml"
  echo "twikit-exporter (this build):"
  "$build/bench/exporter/bench_slowloris" "$port" ${IDLE:-2000} 200 20
  if [ -n "$old_exporter" ]; then
    start_exporter "$work/slowloris.yaml" "$old_exporter"
    echo "$old_exporter:"
    "$build/bench/exporter/bench_slowloris" "$port" 2000 20 20
  fi
}
if [ "$mode" = slowloris ]; then
  slowloris
  exit 0
fi

echo "== 1. collection latency: 10 services x 200 ms each"
start_sim
exporter_config "  mode: on_scrape" >"$work/on_scrape.yaml"
start_exporter "$work/on_scrape.yaml"; p1=$port
for svc in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["services"]))' "$work/ready"); do
  curl -sf -X PUT -H 'Content-Type: application/json' "127.0.0.1:$admin/admin/services/$svc/fault" -d '{"mode":"latency","latency_ms":200}' >/dev/null
done
curl -sf "127.0.0.1:$p1/metrics" >/dev/null   # warm-up
durations=()
for _ in $(seq 10); do
  body=$(curl -sf "127.0.0.1:$p1/metrics")
  d=$(awk '/^twikit_exporter_collection_duration_seconds /{print $2}' <<<"$body")
  slowest=$(awk '/^twikit_scrape_duration_seconds/{if ($2>m) m=$2} END{print m}' <<<"$body")
  durations+=("$d:$slowest")
done
python3 - "${durations[@]}" <<'PY'
import statistics, sys
pairs = [tuple(map(float, x.split(":"))) for x in sys.argv[1:]]
d = sorted(p[0] for p in pairs)
r = sorted(p[0] / p[1] for p in pairs)
print(f"collection: median {statistics.median(d)*1000:.1f} ms, max {d[-1]*1000:.1f} ms over {len(d)} runs;"
      f" ratio to the 200 ms floor: median {statistics.median(d)/0.2:.3f}, max {d[-1]/0.2:.3f} (target <= 1.1)")
print(f"ratio to the slowest single service in the same collection: median {statistics.median(r):.3f}, max {r[-1]:.3f}")
PY
curl -s -X POST -H "Content-Type: application/json" "127.0.0.1:$admin/admin/reset" >/dev/null || true

echo "== 2. /metrics at 50 connections: twikit-exporter vs prometheus-pushgateway, same series"
# ~10,000 series: every proxy yields 3 series, every campaign 1.
start_sim --proxies 2000 --campaigns 3800
exporter_config "  mode: interval
  interval: 30s" >"$work/interval.yaml"
start_exporter "$work/interval.yaml"; p2=$port; e2=$exporter_pid
sleep 1
curl -sf "127.0.0.1:$p2/metrics" >"$work/metrics.txt"
series=$(grep -vc '^#' "$work/metrics.txt")
pg=$(free_port)
prometheus-pushgateway --web.listen-address="127.0.0.1:$pg" --persistence.interval=0 >"$work/pushgateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -sf "127.0.0.1:$pg/-/ready" >/dev/null && break; sleep 0.1; done
# The service series only (the pushgateway keeps its own process metrics).
grep -v -e '^process_' -e '^# HELP process_' -e '^# TYPE process_' -e 'twikit_exporter_' "$work/metrics.txt" >"$work/push.txt"
curl -sf --data-binary @"$work/push.txt" "127.0.0.1:$pg/metrics/job/twikit" || { echo "push failed"; exit 1; }
pg_series=$(curl -sf "127.0.0.1:$pg/metrics" | grep -vc '^#')
echo "series served: exporter $series, pushgateway $pg_series"
run_wrk() { wrk -t2 -c50 -d10s --latency "$1" 2>&1; }
before_load=$(rss_line "$e2")
run_wrk "http://127.0.0.1:$p2/metrics" >"$work/wrk_exporter.txt" &
wrk_pid=$!
rss_samples "$e2" "$work/rss_load.txt" "$wrk_pid"
wait "$wrk_pid"
after_load=$(rss_line "$e2")
run_wrk "http://127.0.0.1:$pg/metrics" >"$work/wrk_pushgateway.txt"
python3 - "$work/wrk_exporter.txt" "$work/wrk_pushgateway.txt" <<'PY'
import re, sys
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", text)
    p99 = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)]
    return rps, p99
e, p = parse(sys.argv[1]), parse(sys.argv[2])
print(f"twikit-exporter: {e[0]:.0f} req/s, p99 {e[1]:.1f} ms")
print(f"pushgateway:     {p[0]:.0f} req/s, p99 {p[1]:.1f} ms")
# On a loaded machine the pushgateway may finish too few requests for wrk to report a latency (p99 0).
ratio = lambda a, b: f"{a/b:.2f}" if b > 0 else "n/a"
print(f"ratio req/s exporter/pushgateway: {ratio(e[0], p[0])} (target >= 2); p99 ratio: {ratio(e[1], p[1])} (target < 1)")
PY

echo "== 3. exporter RSS with these series under load (target < 20 MB)"
echo "before wrk:  $before_load"
echo "during wrk:  $(summary "$work/rss_load.txt")"
echo "after wrk:   $after_load"
echo "10 s idle:   $(rss_line "$e2")"

idle_collections=${IDLE_COLLECTIONS:-40}
echo "== 4. exporter RSS idle: $idle_collections collections at 1 s, each scraped once like Prometheus (target < 20 MB)"
exporter_config "  mode: interval
  interval: 1s" >"$work/idle.yaml"
start_exporter "$work/idle.yaml"; p4=$port; e4=$exporter_pid
for _ in $(seq "$idle_collections"); do
  sleep 1
  curl -sf --compressed -H 'Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' \
    "127.0.0.1:$p4/metrics" >/dev/null
done
# A collection takes a fifth of each second here and briefly needs more: sample for two seconds.
rss_samples "$e4" "$work/rss_idle.txt"
echo "after $idle_collections collections: $(summary "$work/rss_idle.txt")"
echo "                     now: $(rss_line "$e4")"

slowloris
