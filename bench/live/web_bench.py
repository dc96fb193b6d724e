#!/usr/bin/env python3
"""bench/live: alertd's web layer against its peers, side by side in one run (figures in bench/README.md).

 1. GET /api/monitoring/dashboard at 100 concurrent connections (wrk) on alertd holding ALERTS firing alerts
    (one vector(1) rule each) and scraping twikit-sim's ten services through twikit-exporter, beside
    Alertmanager 0.25's GET /api/v2/alerts holding the same alerts (POSTed to it): req/s and p99, as ratios.
    Goal: p99 < 50 ms and more req/s than Alertmanager.
 2. 2,000 idle connections (slowloris: each connected and sent half a request header, then nothing) held
    open against alertd, and against Prometheus scraping the same exporter: GET /api/v1/query on new
    connections, p50/p99/max with and without the idle connections. Goal for alertd: p99 < 50 ms with them.

Usage: bench/live/web_bench.py BUILD_DIR [--alerts 100] [--connections 100] [--duration 10] [--idle 2000]
                               [--queries 200] [--only dashboard|slowloris]
Needs wrk, prometheus, prometheus-alertmanager (scripts/setup.sh). The idle connections are opened by this
process (it raises its RLIMIT_NOFILE to the hard limit, which the servers it starts inherit).
"""
import argparse
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, data=None, method=None, timeout=10):
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=timeout) as res:
        return res.status, res.read()


def wait_for(condition, seconds, what):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


class Processes:
    """The programs this run started, stopped at the end."""

    def __init__(self, work):
        self.work = work
        self.procs = []

    def start(self, name, cmd, stdout=None):
        log = open(os.path.join(self.work, name + ".log"), "w")
        p = subprocess.Popen(cmd, stdout=stdout or log, stderr=log, text=True)
        self.procs.append(p)
        return p

    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def start_stack(build, work, procs, alerts):
    """twikit-sim, twikit-exporter, alertd with `alerts` firing alerts; returns (exporter, alertd) addresses."""
    sim = procs.start("sim", [f"{build}/sim/twikit-sim", "--base-port", "0", "--seed", "1"], stdout=subprocess.PIPE)
    ports = json.loads(sim.stdout.readline())["services"]
    defaults = open(f"{ROOT}/exporter/default_config.yaml").read()
    with open(f"{work}/exporter.yaml", "w") as f:
        f.write("collection:\n  mode: interval\n  interval: 5s\ntargets:\n")
        for name, port in ports.items():
            f.write(f'  - {{name: {name}, url: "http://127.0.0.1:{port}/status", timeout: 5s}}\n')
        f.write(defaults[defaults.index("\ncommon_metrics:") + 1:])
    exporter = f"127.0.0.1:{free_port()}"
    procs.start("exporter", [f"{build}/exporter/twikit-exporter", f"--config.file={work}/exporter.yaml",
                             f"--web.listen-address={exporter}"])
    wait_for(lambda: get(f"http://{exporter}/-/healthy")[0] == 200, 20, "twikit-exporter")

    severities = ["critical", "error", "warning", "info"]
    services = list(ports)
    with open(f"{work}/rules.yml", "w") as f:
        f.write("groups:\n  - name: bench\n    interval: 5s\n    rules:\n")
        for i in range(alerts):
            f.write(f"      - alert: BenchAlert{i}\n        expr: vector(1)\n"
                    f"        labels: {{severity: {severities[i % 4]}, service: {services[i % len(services)]}}}\n"
                    f"        annotations: {{summary: 'bench alert {i} of {alerts}'}}\n")
    with open(f"{work}/alertd.yaml", "w") as f:
        f.write("global:\n  scrape_interval: 5s\n  evaluation_interval: 5s\n"
                f"scrape_configs:\n  - job_name: twikit\n    static_configs:\n      - targets: ['{exporter}']\n"
                "rule_files: [rules.yml]\nstorage:\n  history: {enabled: false}\n"
                "receivers:\n  - name: nowhere\nroute:\n  receiver: nowhere\n")
    alertd = f"127.0.0.1:{free_port()}"
    procs.start("alertd", [f"{build}/alertd/alertd", f"--config.file={work}/alertd.yaml",
                           f"--web.listen-address={alertd}", f"--storage.path={work}/alertd.db"])

    def ready():
        doc = json.loads(get(f"http://{alertd}/api/monitoring/dashboard")[1])
        return len(doc.get("services", {})) == len(ports) and len(alert_list(alertd)) == alerts
    wait_for(ready, 60, f"alertd with {alerts} firing alerts and {len(ports)} services")
    return exporter, alertd


def alert_list(alertd):
    doc = json.loads(get(f"http://{alertd}/api/v1/alerts")[1])
    return [a for a in doc["data"]["alerts"] if a["state"] == "firing"]


def start_alertmanager(work, procs, alerts, name, *flags):
    """Alertmanager holding `alerts` (the same labels and annotations, POSTed once); returns its address."""
    with open(f"{work}/alertmanager.yml", "w") as f:
        f.write("route:\n  receiver: nowhere\nreceivers:\n  - name: nowhere\n")
    am = f"127.0.0.1:{free_port()}"
    os.makedirs(f"{work}/{name}-data", exist_ok=True)
    procs.start(name, ["/usr/bin/prometheus-alertmanager", f"--config.file={work}/alertmanager.yml",
                       f"--web.listen-address={am}", f"--storage.path={work}/{name}-data",
                       "--cluster.listen-address=", *flags])
    wait_for(lambda: get(f"http://{am}/-/ready")[0] == 200, 30, "Alertmanager")
    ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    body = [{"labels": a["labels"], "annotations": a["annotations"], "startsAt": a["activeAt"], "endsAt": ends,
             "generatorURL": "http://alertd/api/v1/alerts"} for a in alerts]
    get(f"http://{am}/api/v2/alerts", json.dumps(body).encode(), "POST")
    wait_for(lambda: len(json.loads(get(f"http://{am}/api/v2/alerts")[1])) == len(alerts), 20,
             "Alertmanager to hold the alerts")
    return am


def wrk(url, connections, duration):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
    seconds = float(m.group(2)) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[m.group(3)]
    requests = int(m.group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}[m.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = int(errors.group(1)) if errors else 0
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    # Answers per second counting only the 2xx ones: a refusal (Alertmanager's 503 beyond
    # --web.get-concurrency) is quick but serves nobody.
    transfer = re.search(r"Transfer/sec:\s+(\S+)", out).group(1)
    return (requests - errors) / seconds, p99, errors, int(timeouts.group(1)) if timeouts else 0, requests / seconds, transfer


def bench_dashboard(alertd, ams, args):
    print(f"== 1. GET /api/monitoring/dashboard vs Alertmanager GET /api/v2/alerts, {args.alerts} alerts, "
          f"wrk -t2 -c{args.connections} -d{args.duration}s (goal: p99 < 50 ms, more req/s than Alertmanager)")
    print("   req/s counts 2xx answers only; 'all' counts every answer (Alertmanager's 503 refusals too)")
    dash_bytes = len(get(f"http://{alertd}/api/monitoring/dashboard")[1])
    a = wrk(f"http://{alertd}/api/monitoring/dashboard", args.connections, args.duration)
    print(f"alertd dashboard ({dash_bytes} B): {a[0]:.0f} req/s (all {a[4]:.0f}), p99 {a[1]:.1f} ms, "
          f"non-2xx {a[2]}, timeouts {a[3]}, {a[5]}/s")
    for label, am in ams:
        am_bytes = len(get(f"http://{am}/api/v2/alerts")[1])
        b = wrk(f"http://{am}/api/v2/alerts", args.connections, args.duration)
        print(f"alertmanager {label} ({am_bytes} B): {b[0]:.0f} req/s (all {b[4]:.0f}), p99 {b[1]:.1f} ms, "
              f"non-2xx {b[2]}, timeouts {b[3]}, {b[5]}/s")
        print(f"  ratio req/s alertd/alertmanager {label}: {a[0] / max(b[0], 1e-9):.2f} (goal > 1); "
              f"p99 ratio: {a[1] / b[1]:.2f}")
    print(f"alertd p99 {a[1]:.1f} ms {'<' if a[1] < 50 else '>='} 50 ms (goal)")


def idle_connections(address, count):
    """`count` connections that each sent half a request header."""
    host, port = address.rsplit(":", 1)
    socks = []
    for i in range(count):
        s = socket.create_connection((host, int(port)), timeout=10)
        s.sendall(b"GET /api/v1/query?query=up HTTP/1.1\r\nHost: " + host.encode() + b"\r\nUser-Agent: slow")
        socks.append(s)
        if i % 200 == 199:
            time.sleep(0.05)  # let the acceptor keep up, as a real client population would
    return socks


def still_open(socks):
    """How many of the idle connections the server has not closed."""
    n = 0
    for s in socks:
        s.setblocking(False)
        try:
            n += 0 if s.recv(1, socket.MSG_PEEK) == b"" else 1
        except BlockingIOError:
            n += 1
        except OSError:
            pass
    return n


def query_latencies(address, path, count, interval):
    """Milliseconds of `count` GETs of `path`, each on a new connection; failures as None."""
    host, port = address.rsplit(":", 1)
    out = []
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").encode()
    for _ in range(count):
        start = time.monotonic()
        try:
            with socket.create_connection((host, int(port)), timeout=30) as s:
                s.sendall(request)
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            ok = data.startswith(b"HTTP/1.1 200")
        except OSError:
            ok = False
        out.append((time.monotonic() - start) * 1000 if ok else None)
        time.sleep(interval)
    return out


def summary(latencies):
    ok = [v for v in latencies if v is not None]
    failed = len(latencies) - len(ok)
    if not ok:
        return f"all {failed} failed"
    return f"p50 {pct(ok, 50):.1f} ms, p99 {pct(ok, 99):.1f} ms, max {max(ok):.1f} ms, failed {failed}"


def bench_slowloris(build, work, procs, exporter, alertd, args):
    print(f"== 2. GET /api/v1/query on new connections, without and with {args.idle} idle connections "
          f"(slowloris: half a header each); {args.queries} queries 20 ms apart (goal: alertd p99 < 50 ms)")
    with open(f"{work}/prometheus.yml", "w") as f:
        f.write(f"global:\n  scrape_interval: 5s\nscrape_configs:\n  - job_name: twikit\n"
                f"    static_configs:\n      - targets: ['{exporter}']\n")
    prom = f"127.0.0.1:{free_port()}"
    # Prometheus serves at most --web.max-connections (512 by default) and leaves the rest in the listen
    # queue; raised to alertd's 4,096 so that both hold the idle connections, as the same peer.
    procs.start("prometheus", ["/usr/bin/prometheus", f"--config.file={work}/prometheus.yml",
                               f"--web.listen-address={prom}", f"--storage.tsdb.path={work}/prom-data",
                               "--web.max-connections=4096"])
    wait_for(lambda: get(f"http://{prom}/-/ready")[0] == 200, 60, "Prometheus")
    query = "/api/v1/query?query=sum%20by%20(service)%20(twikit_up)"
    wait_for(lambda: b'"service"' in get(f"http://{prom}{query}")[1], 30, "Prometheus to scrape the exporter")
    for name, address in (("alertd", alertd), ("prometheus", prom)):
        query_latencies(address, query, 5, 0.02)  # warm-up
        without = query_latencies(address, query, args.queries, 0.02)
        start = time.monotonic()
        socks = idle_connections(address, args.idle)
        opened = time.monotonic() - start
        with_idle = query_latencies(address, query, args.queries, 0.02)
        held = still_open(socks)
        for s in socks:
            s.close()
        print(f"{name:10s} without idle: {summary(without)}")
        print(f"{name:10s} with {args.idle} idle (opened in {opened:.1f} s, {held} still open after the queries): "
              f"{summary(with_idle)}")
        time.sleep(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--alerts", type=int, default=100)
    ap.add_argument("--connections", type=int, default=100)
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--idle", type=int, default=2000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--only", choices=["dashboard", "slowloris"])
    args = ap.parse_args()
    for tool in ("wrk", "/usr/bin/prometheus", "/usr/bin/prometheus-alertmanager"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is missing (scripts/setup.sh installs it)")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.idle + 1024
    if hard < need:
        raise SystemExit(f"the open-file limit ({hard}) is below the {need} this run needs (ulimit -Hn)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # the servers started below inherit it
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, open-file limit {hard}")

    work = tempfile.mkdtemp(prefix="twikit-web-bench-")
    procs = Processes(work)
    try:
        exporter, alertd = start_stack(os.path.abspath(args.build), work, procs, args.alerts)
        if args.only in (None, "dashboard"):
            alerts = alert_list(alertd)
            # As shipped (at most max(GOMAXPROCS, 8) GETs at once, the rest answered 503), and with room
            # for every connection of the run.
            ams = [("default", start_alertmanager(work, procs, alerts, "alertmanager")),
                   (f"--web.get-concurrency={args.connections}",
                    start_alertmanager(work, procs, alerts, "alertmanager-wide",
                                       f"--web.get-concurrency={args.connections}"))]
            bench_dashboard(alertd, ams, args)
        if args.only in (None, "slowloris"):
            bench_slowloris(args.build, work, procs, exporter, alertd, args)
    finally:
        procs.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.exit(main())
