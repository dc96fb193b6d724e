#!/usr/bin/env bash
# Sets up, builds and runs the demo stack on its default ports, with its configuration written to a run
# directory that you can edit and reload:
#   twikit-sim (admin :9880, services :9881-9890) → twikit-exporter (:9877) → alertd (:9878, the web console at /)
#   and Prometheus (:9090) scraping both when the prometheus package is installed.
# alertd gets a freshly generated API token, so that acknowledging, silencing and editing rules work.
# Ctrl-C stops everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build"
bin=$root/build
run=$(mktemp -d /tmp/twikit-demo-XXXXXX)
pids=()
names=()
stopping=
cleanup() {  # cleanup EXIT_STATUS
  trap - INT TERM EXIT
  stopping=1
  echo; echo "stopping demo..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "configuration and logs kept in $run"
  exit "$1"
}
trap 'cleanup 0' INT TERM
trap 'cleanup $?' EXIT
# start NAME COMMAND...: runs COMMAND in the background, in a session of its own so that Ctrl-C reaches
# only this script (whose cleanup stops the programs), and remembers it by NAME.
start() {
  local name=$1
  shift
  setsid "$@" &
  pids+=($!)
  names+=("$name")
}

# --- configuration, written where you can edit it ---------------------------------------------------
umask 077
od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$run/api_token"
token=$(cat "$run/api_token")
umask 022
mkdir -p "$run/rules" "$run/data"
for f in "$root"/rules/*.yml; do
  grep -q '^groups:' "$f" && cp "$f" "$run/rules/"
done
sed -e 's#listen_address: 0.0.0.0:9877#listen_address: 127.0.0.1:9877#' "$root/deploy/exporter.yaml" >"$run/exporter.yaml"
cat >"$run/alertd.yaml" <<YAML
# alertd's configuration for the demo (the commented reference is deploy/alertd.yaml).
# After an edit:  curl -X POST -H "Authorization: Bearer \$(cat $run/api_token)" http://127.0.0.1:9878/-/reload
global:
  scrape_interval: 5s
  scrape_timeout: 4s
  evaluation_interval: 5s
  external_url: http://127.0.0.1:9878
scrape_configs:
  - job_name: twikit
    static_configs:
      - targets: ['127.0.0.1:9877']
# The shipped rules, copied here: edit them, or add rules from the console (they go to rules.d/).
rule_files:
  - $run/rules/*.yml
rules:
  managed_dir: $run/rules.d
storage:
  path: $run/data/alertd.db
web:
  listen_address: 127.0.0.1:9878
  # Mutations (acknowledge, silence, rules, reload) and the console's live updates need this token.
  api_bearer_token_file: $run/api_token
receivers:
  # Notifications go to alertd's log ($run/alertd.log); add a webhook, email or Slack receiver here.
  - name: demo-log
    system_log_configs:
      - send_resolved: true
route:
  receiver: demo-log
  group_by: [alertname, service]
  group_wait: 5s
  group_interval: 30s
  repeat_interval: 1h
  routes:
    - matchers: ['severity="critical"']
      receiver: demo-log
      escalation_policy: demo-oncall
escalation_policies:
  # An unacknowledged critical alert is notified again after 2 minutes: acknowledge it in the console to stop that.
  - name: demo-oncall
    steps:
      - after: 2m
        receivers: [demo-log]
YAML
"$bin/alertd/alertd" check config "$run/alertd.yaml" >"$run/alertd-check.log" 2>&1 || {
  cat "$run/alertd-check.log" >&2
  exit 1
}

# --- the programs --------------------------------------------------------------------------------------
start twikit-sim "$bin/sim/twikit-sim" --base-port 9880 --seed 42 >"$run/sim.ready" 2>"$run/sim.log"
for _ in $(seq 50); do [ -s "$run/sim.ready" ] && break; sleep 0.1; done
start twikit-exporter "$bin/exporter/twikit-exporter" --config.file="$run/exporter.yaml" 2>"$run/exporter.log"
start alertd "$bin/alertd/alertd" --config.file="$run/alertd.yaml" 2>"$run/alertd.log"
if command -v prometheus >/dev/null; then
  sed -e "s#/etc/twikit-monitor/rules#$run/rules#" "$root/deploy/prometheus/prometheus.yml" >"$run/prometheus.yml" 2>/dev/null \
    || printf 'global: {scrape_interval: 15s}\nscrape_configs:\n  - job_name: twikit\n    static_configs: [{targets: ["127.0.0.1:9877"]}]\n' >"$run/prometheus.yml"
  start prometheus prometheus --config.file="$run/prometheus.yml" --storage.tsdb.path="$run/prometheus" \
    --web.listen-address=127.0.0.1:9090 >"$run/prometheus.log" 2>&1
fi

cat <<TXT

twikit-monitor demo is running. Configuration, state and logs are in $run

  Web console          http://127.0.0.1:9878/
  API token            $token
                       (the console asks for it once per browser tab; also in $run/api_token)
  twikit-sim admin     http://127.0.0.1:9880/admin/services
  twikit-exporter      http://127.0.0.1:9877/metrics   http://127.0.0.1:9877/health
  alertd API           http://127.0.0.1:9878/api/v1/alerts   http://127.0.0.1:9878/api/monitoring/dashboard
TXT
command -v prometheus >/dev/null && echo "  Prometheus           http://127.0.0.1:9090/"
cat <<TXT

Make something go wrong (TwikitServiceDown fires after 1 minute, as rules/ says):
  curl -X PUT -H 'Content-Type: application/json' http://127.0.0.1:9880/admin/services/proxy_rotation/fault -d '{"mode":"down"}'
  curl -X POST -d '' http://127.0.0.1:9880/admin/reset

Change the configuration, then reload:
  alertd      edit $run/alertd.yaml or $run/rules/*.yml
              curl -X POST -H "Authorization: Bearer $token" http://127.0.0.1:9878/-/reload
  exporter    edit $run/exporter.yaml
              curl -X POST http://127.0.0.1:9877/-/reload

Press Ctrl-C to stop.
TXT
# Returns when a program exits on its own; Ctrl-C runs cleanup (which stops the programs and exits) instead.
set +e
wait -n -p exited "${pids[@]}"
status=$?
set -e
if [ -z "$stopping" ]; then
  name=unknown
  for i in "${!pids[@]}"; do [ "${pids[$i]}" = "${exited:-}" ] && name=${names[$i]}; done
  echo "the demo's $name exited (status $status); see the logs in $run" >&2
  cleanup 1
fi
