#!/usr/bin/env python3
"""The exporter's cost curve: one collection at 10, 100 and 1,000 targets, each answering after 50 ms.

    bench/scale/run.py [build-dir] [--sizes 10,100,1000] [--latency-ms 50] [--out DIR] [--as-prometheus]

One twikit-sim --replicas 100 plays 1,000 service instances with the `latency` fault on every one. For
each size a fresh twikit-exporter (on_scrape mode, max_concurrent_collections = the size) collects the
first N instances, listed by a target file that scripts/sim-targets.py writes from the sim's ready line.
Three scrapes per size: the first is the cold one (new connections, first allocation of every series).
Scrapes ask for plain text without compression, as curl does; --as-prometheus asks as Prometheus 2.42 does
(OpenMetrics first, gzip), so the exporter's compression is in the figures.
Prints one table, writes results.json and cost.png (gnuplot) into --out (default bench/scale/results).
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from procfs import cpu_seconds, free_port, kib_bytes, status  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# What Prometheus 2.42 sends (scrape.go's acceptHeader).
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                     "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")


def rss_threads(pid):
    """(RSS bytes, threads) of process `pid`."""
    fields = status(pid)
    return kib_bytes(fields, "VmRSS"), int(fields["Threads"])


def http(method, url, body=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as res:
        return res.read()


def sample(exposition, series):
    """The value of `series` (name with labels) in an exposition, or None."""
    m = re.search(r"^" + re.escape(series) + r" (\S+)$", exposition, re.M)
    return float(m.group(1)) if m else None


def wait_healthy(url, deadline_s=30):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            http("GET", url + "/-/healthy", timeout=1)
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not become healthy")


def measure(build, size, instances_file, work, mapping, as_prometheus):
    """One exporter collecting the first `size` instances: three scrapes, their costs."""
    with open(instances_file, encoding="utf-8") as f:
        lines = [line for line in f if line.startswith("- ")]
    os.makedirs(f"{work}/targets-{size}", exist_ok=True)
    with open(f"{work}/targets-{size}/sim.yaml", "w", encoding="utf-8") as f:
        f.writelines(lines[:size])
    config = f"{work}/exporter-{size}.yaml"
    with open(config, "w", encoding="utf-8") as f:
        f.write("collection:\n  mode: on_scrape\n"
                f"  max_concurrent_collections: {size}\n"
                "  scrape_timeout_offset: 0s\n"
                f'target_files: ["targets-{size}/*.yaml"]\n' + mapping)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(f"{work}/exporter-{size}.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen([f"{build}/exporter/twikit-exporter", f"--config.file={config}",
                                 f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                                stdout=log, stderr=log)
    try:
        wait_healthy(url)
        rss_idle, _ = rss_threads(proc.pid)
        scrapes = []
        for _ in range(3):
            cpu0 = cpu_seconds(proc.pid)
            t0 = time.perf_counter()
            # Prometheus' header: the exporter bounds the collection by it (60 s here, never reached).
            headers = {"X-Prometheus-Scrape-Timeout-Seconds": "60"}
            if as_prometheus:
                headers["Accept"] = PROMETHEUS_ACCEPT
                headers["Accept-Encoding"] = "gzip"
            req = urllib.request.Request(url + "/metrics", headers=headers)
            with urllib.request.urlopen(req, timeout=120) as res:
                wire = res.read()
                gzipped = res.headers.get("Content-Encoding") == "gzip"
            wall = time.perf_counter() - t0
            body = (gzip.decompress(wire) if gzipped else wire).decode()
            cpu = cpu_seconds(proc.pid) - cpu0
            rss, threads = rss_threads(proc.pid)
            collection = sample(body, "twikit_exporter_collection_duration_seconds")
            durations = [float(v) for v in re.findall(r"^twikit_scrape_duration_seconds\{[^}]*\} (\S+)$", body, re.M)]
            ups = [float(v) for v in re.findall(r"^twikit_up\{[^}]*\} (\S+)$", body, re.M)]
            scrapes.append({
                "wall_s": wall, "collection_s": collection, "slowest_target_s": max(durations),
                "cpu_s": cpu, "rss_bytes": rss, "threads": threads, "metrics_bytes": len(body.encode()),
                "wire_bytes": len(wire),
                "series": sample(body, "twikit_exporter_series"), "up": sum(ups), "targets": len(ups)})
        return {"size": size, "rss_idle_bytes": rss_idle, "scrapes": scrapes}
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def plot(results, out):
    """cost.png: collection time / slowest target, CPU per scrape and RSS against the target count."""
    data = f"{out}/cost.dat"
    with open(data, "w", encoding="utf-8") as f:
        f.write("# targets collection_ms slowest_ms cpu_ms rss_mib\n")
        for r in results:
            warm = r["scrapes"][-1]
            f.write(f'{r["size"]} {warm["collection_s"] * 1000:.1f} {warm["slowest_target_s"] * 1000:.1f} '
                    f'{warm["cpu_s"] * 1000:.1f} {warm["rss_bytes"] / 2**20:.1f}\n')
    script = f"""
set terminal png size 900,520
set output '{out}/cost.png'
set title 'twikit-exporter: one collection, every target answering after 50 ms (third scrape)'
set logscale xy
set xlabel 'targets'
set ylabel 'ms (collection, slowest target, CPU)'
set y2label 'RSS MiB'
set y2tics
set logscale y2
set ytics nomirror
set key top left
set grid
plot '{data}' using 1:2 with linespoints title 'collection wall time', \\
     '{data}' using 1:3 with linespoints title 'slowest target', \\
     '{data}' using 1:4 with linespoints title 'CPU per scrape', \\
     '{data}' using 1:5 axes x1y2 with linespoints title 'RSS (right axis)'
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", default=f"{ROOT}/build")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--out", default=f"{ROOT}/bench/scale/results")
    parser.add_argument("--as-prometheus", action="store_true",
                        help="scrape with Prometheus' Accept header and gzip instead of plain text")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    replicas = (max(sizes) + 9) // 10
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="twikit-bench-scale-")
    defaults = open(f"{ROOT}/exporter/default_config.yaml", encoding="utf-8").read()
    mapping = defaults[defaults.index("\ncommon_metrics:") + 1:]

    sim_log = open(f"{work}/sim.log", "w", encoding="utf-8")
    sim = subprocess.Popen([f"{args.build}/sim/twikit-sim", "--base-port", "0", "--replicas", str(replicas),
                            "--log.level", "warn"], stdout=subprocess.PIPE, stderr=sim_log)
    try:
        ready = sim.stdout.readline().decode()
        admin = json.loads(ready)["admin"]
        instances = list(json.loads(ready)["services"])
        sim_rss, sim_threads = rss_threads(sim.pid)
        with open(f"{work}/ready.json", "w", encoding="utf-8") as f:
            f.write(ready)
        with open(f"{work}/instances.yaml", "w", encoding="utf-8") as f:
            subprocess.run([sys.executable, f"{ROOT}/scripts/sim-targets.py", "--timeout", "30s",
                            f"{work}/ready.json"], stdout=f, check=True)
        for name in instances:
            http("PUT", f"http://127.0.0.1:{admin}/admin/services/{name}/fault",
                 {"mode": "latency", "latency_ms": args.latency_ms})
        results = [measure(args.build, size, f"{work}/instances.yaml", work, mapping, args.as_prometheus) for size in sizes]
        sim_rss_after, sim_threads_after = rss_threads(sim.pid)
    finally:
        sim.terminate()
        sim.wait(timeout=30)

    summary = {"latency_ms": args.latency_ms, "as_prometheus": args.as_prometheus, "sim": {
        "replicas": replicas, "instances": len(instances), "rss_bytes_at_start": sim_rss,
        "rss_bytes_at_end": sim_rss_after, "threads": sim_threads_after}, "results": results}
    with open(f"{args.out}/results.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    plot(results, args.out)

    print("scrapes as Prometheus 2.42 (OpenMetrics, gzip)" if args.as_prometheus else "scrapes as curl (plain text)")
    print(f"sim: --replicas {replicas}, {len(instances)} instances, {sim_threads} threads, "
          f"RSS {sim_rss / 2**20:.1f} MiB at start, {sim_rss_after / 2**20:.1f} MiB at the end")
    print("targets  scrape  up  series   collection  slowest   /metrics wall  serve*   CPU     RSS      "
          "/metrics bytes  on the wire  bytes/series**")
    for r in results:
        for i, s in enumerate(r["scrapes"]):
            per_series = (s["rss_bytes"] - r["rss_idle_bytes"]) / s["series"] if s["series"] else 0
            print(f'{r["size"]:7d}  {i + 1:6d}  {int(s["up"]):4d} {int(s["series"]):7d}  '
                  f'{s["collection_s"] * 1000:8.1f} ms {s["slowest_target_s"] * 1000:6.1f} ms '
                  f'{s["wall_s"] * 1000:9.1f} ms {(s["wall_s"] - s["collection_s"]) * 1000:6.1f} ms '
                  f'{s["cpu_s"] * 1000:5.0f} ms {s["rss_bytes"] / 2**20:6.1f} MiB {s["metrics_bytes"]:12d}  '
                  f'{s["wire_bytes"]:11d}  {per_series:8.0f}')
    if len(results) >= 2:
        small, large = results[-2]["scrapes"][-1], results[-1]["scrapes"][-1]
        slope = (large["rss_bytes"] - small["rss_bytes"]) / (large["series"] - small["series"])
        print(f"RSS slope between the two largest sizes (third scrape): {slope:.0f} bytes per series")
        summary["rss_bytes_per_series_slope"] = slope
        with open(f"{args.out}/results.json", "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
    print("* /metrics wall time minus the exporter's own collection time: rendering and sending the answer")
    print("** (RSS after the scrape - RSS before the first scrape) / series")
    print(f"results: {args.out}/results.json, plot: {args.out}/cost.png, logs: {work}")


if __name__ == "__main__":
    main()
