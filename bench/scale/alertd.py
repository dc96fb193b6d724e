#!/usr/bin/env python3
"""alertd's cost curve beside Prometheus 2.42: scrape + rule evaluation at 10k, 100k and 1M series.

    bench/scale/alertd.py [build-dir] [--sizes 10000,100000,1000000] [--interval-s 15,15,60]
                          [--scrapes 4] [--warmup 2] [--out DIR]

build-dir defaults to build-release (scripts/build.sh --preset release build-release; only the `alertd`
target is needed). One static_targets.py process serves size / 10,000 loopback targets of 10,000 series
each (series_gen.py: twikit-exporter's names and labels, new values every interval). For each size a fresh
alertd and a fresh Prometheus run side by side on the same targets with the same rules (the shipped
rules/*.yml and 1,000 generated alerting rules in one group), the same scrape and evaluation interval and
the same machine load (--interval-s: one per size; at 1M a group of 1,000 rules takes Prometheus longer than
15 s here, so the largest size runs at 60 s, which changes no per-sample or per-cycle figure). After --warmup scrapes of every target, each program is followed until it has
scraped every target --scrapes more times:

  - CPU per sample: the process's user + system CPU over those scrapes (rule evaluation included) divided
    by the samples they ingested (scrapes x 10,000), counted by each program's own scrape counter;
  - evaluation time per cycle: the median over the window of each program's own last-duration gauge of the
    generated group (alertd_rule_group_last_duration_seconds, prometheus_rule_group_last_duration_seconds),
    and the same summed over the three shipped groups;
  - RSS per series: VmRSS from /proc/PID/status at the end, divided by the series scraped (both programs
    also hold a few hundred series of their own: scrape reports, recording rules, ALERTS).

alertd runs without its history tier (storage.history.enabled: false: the in-memory window only, which is
what rules read); Prometheus with its TSDB in a temporary directory. A size stops early, and the run goes
on with what it measured, when MemAvailable falls under --min-available-gib or a program does not finish
its scrapes by the deadline. Prints one table; writes alertd.json, alertd.dat and alertd-cost.png into
--out (default bench/scale/results).
"""
import argparse
import glob
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import series_gen  # noqa: E402
from procfs import cpu_seconds, free_port, kib_bytes, status  # noqa: E402

def mem_available():
    """MemAvailable of the machine, in bytes."""
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    return 0


def get(url, timeout=120):
    with urllib.request.urlopen(url, timeout=timeout) as res:
        return res.read().decode()


def samples(text, name):
    """{labels text: value} of every sample of metric `name` in an exposition."""
    out = {}
    for m in re.finditer(r"^" + re.escape(name) + r"(\{[^}]*\})? (\S+)$", text, re.M):
        out[m.group(1) or ""] = float(m.group(2))
    return out


def group_of(labels):
    m = re.search(r'rule_group="[^"]*;([^"]*)"', labels)
    return m.group(1) if m else labels


class Program:
    """One scraper under test (alertd or Prometheus) and how to read its own counters."""

    def __init__(self, name, argv, url, log, prefix):
        self.name, self.url, self.prefix = name, url, prefix
        self.log = open(log, "w", encoding="utf-8")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log)
        self.evaluations = {}  # group -> {last evaluation timestamp: duration}

    def metrics(self):
        return get(self.url + "/metrics")

    def scrapes(self, text):
        """Scrapes done so far over every target, by the program's own counter."""
        if self.prefix == "alertd":
            return sum(samples(text, "alertd_scrapes_total").values())
        # Observed from each target's second scrape on: add one per target that has been scraped once.
        seen = samples(text, "prometheus_target_interval_length_seconds_count")
        return sum(seen.values())

    def series(self, text):
        name = "alertd_storage_series" if self.prefix == "alertd" else "prometheus_tsdb_head_series"
        return sum(samples(text, name).values())

    def note_evaluations(self, text):
        durations = samples(text, f"{self.prefix}_rule_group_last_duration_seconds")
        stamps = samples(text, f"{self.prefix}_rule_group_last_evaluation_timestamp_seconds")
        for labels, d in durations.items():
            ts = stamps.get(labels, 0)
            if ts > 0:
                self.evaluations.setdefault(group_of(labels), {})[ts] = d

    def alerts(self):
        """{alertstate: count} of the program's ALERTS series now (the same rules should agree)."""
        query = urllib.parse.urlencode({"query": "count by (alertstate) (ALERTS)"})
        body = json.loads(get(f"{self.url}/api/v1/query?{query}", timeout=60))
        return {r["metric"].get("alertstate", ""): int(float(r["value"][1])) for r in body["data"]["result"]}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def wait_ready(program, deadline):
    while time.monotonic() < deadline:
        if program.proc.poll() is not None:
            raise RuntimeError(f"{program.name} exited with {program.proc.returncode}; see {program.log.name}")
        try:
            get(program.url + "/-/ready", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{program.name} was not ready in time")


def write_configs(work, size, ports, interval_s, rule_files):
    targets = ", ".join(f"'127.0.0.1:{p}'" for p in ports)
    common = (f"global: {{scrape_interval: {interval_s}s, scrape_timeout: {interval_s}s, "
              f"evaluation_interval: {interval_s}s}}\n"
              "scrape_configs:\n"
              "  - job_name: bench\n"
              f"    static_configs: [{{targets: [{targets}]}}]\n"
              f"rule_files: [{', '.join(repr(f) for f in rule_files)}]\n")
    with open(f"{work}/prometheus-{size}.yml", "w", encoding="utf-8") as f:
        f.write(common)
    with open(f"{work}/alertd-{size}.yaml", "w", encoding="utf-8") as f:
        f.write(common + f"storage: {{path: '{work}/alertd-{size}.db', history: {{enabled: false}}}}\n"
                "receivers: [{name: nobody}]\n"
                "route: {receiver: nobody}\n")


def measure(args, size, interval_s, ports, server_pid, work):
    """One size: alertd and Prometheus side by side; returns their figures (and why it stopped, if it did)."""
    with open(f"{work}/bench-rules-{size}.yml", "w", encoding="utf-8") as f:
        f.write(series_gen.render_rules(f"{interval_s}s"))
    rule_files = [f"{work}/bench-rules-{size}.yml"] + sorted(glob.glob(f"{ROOT}/rules/*.yml"))
    write_configs(work, size, ports, interval_s, rule_files)
    a_port, p_port = free_port(), free_port()
    alertd = Program("alertd", [f"{args.build}/alertd/alertd", f"--config.file={work}/alertd-{size}.yaml",
                                f"--web.listen-address=127.0.0.1:{a_port}", "--log.level=warn"],
                     f"http://127.0.0.1:{a_port}", f"{work}/alertd-{size}.log", "alertd")
    prom = Program("prometheus", ["prometheus", f"--config.file={work}/prometheus-{size}.yml",
                                  f"--storage.tsdb.path={work}/tsdb-{size}",
                                  f"--web.listen-address=127.0.0.1:{p_port}", "--log.level=warn"],
                   f"http://127.0.0.1:{p_port}", f"{work}/prometheus-{size}.log", "prometheus")
    programs = [alertd, prom]
    targets = len(ports)
    result = {"size": size, "targets": targets, "interval_s": interval_s, "stopped": None}
    deadline = time.monotonic() + (args.warmup + args.scrapes + 4) * interval_s + 180
    try:
        for p in programs:
            wait_ready(p, deadline)
        state = {p.name: {} for p in programs}
        server = {}
        stop = threading.Event()

        def follow(p):
            """Reads p's /metrics until it has done the warm-up and the measured scrapes (own thread: alertd's
            /metrics waits while a rule evaluation runs, and must not delay the other program's readings)."""
            s = state[p.name]
            s["metrics_max_s"], s["metrics_errors"] = 0.0, 0
            # Prometheus counts a target's scrapes from its second one: its warm-up needs one less.
            warm = (args.warmup - (1 if p.prefix == "prometheus" else 0)) * targets
            while not stop.is_set() and time.monotonic() < deadline:
                t0 = time.monotonic()
                try:
                    text = p.metrics()
                except OSError:
                    s["metrics_errors"] += 1
                    continue
                finally:
                    s["metrics_max_s"] = max(s["metrics_max_s"], time.monotonic() - t0)
                n = p.scrapes(text)
                p.note_evaluations(text)
                if "start" not in s and n >= warm:
                    s["start"] = {"scrapes": n, "cpu": cpu_seconds(p.proc.pid), "t": time.monotonic()}
                    s["metrics_max_s"] = 0.0
                    p.evaluations = {}
                    server.setdefault("cpu0", (cpu_seconds(server_pid), time.monotonic()))
                elif "start" in s and n >= s["start"]["scrapes"] + args.scrapes * targets:
                    fields = status(p.proc.pid)
                    rss, hwm = kib_bytes(fields, "VmRSS"), kib_bytes(fields, "VmHWM")
                    missed = samples(text, "prometheus_rule_group_iterations_missed_total")
                    s["end"] = {"scrapes": n, "cpu": cpu_seconds(p.proc.pid), "t": time.monotonic(),
                                "rss": rss, "hwm": hwm, "series": p.series(text),
                                "missed": sum(v for k, v in missed.items() if group_of(k) == "bench")}
                    try:
                        s["end"]["alerts"] = p.alerts()
                    except OSError as e:
                        s["end"]["alerts"] = str(e)
                    return
                time.sleep(0.5)

        threads = [threading.Thread(target=follow, args=(p,)) for p in programs]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            if mem_available() < args.min_available_gib * 2**30:
                result["stopped"] = f"MemAvailable under {args.min_available_gib} GiB"
                stop.set()
            time.sleep(0.5)
        for t in threads:
            t.join()
        if not result["stopped"] and not all("end" in state[p.name] for p in programs):
            result["stopped"] = "deadline: not every program finished its scrapes"
        if "cpu0" in server:
            result["server_cpu_s"] = cpu_seconds(server_pid) - server["cpu0"][0]
            result["server_wall_s"] = time.monotonic() - server["cpu0"][1]
        for p in programs:
            s = state[p.name]
            if "end" not in s:
                continue
            scraped = s["end"]["scrapes"] - s["start"]["scrapes"]
            ingested = scraped * series_gen.SERIES_PER_TARGET
            cpu = s["end"]["cpu"] - s["start"]["cpu"]
            bench_evals = sorted(p.evaluations.get("bench", {}).values())
            shipped = [statistics.median(v.values()) for g, v in p.evaluations.items() if g != "bench" and v]
            result[p.name] = {
                "scrapes": scraped, "samples": ingested, "cpu_s": cpu,
                "wall_s": s["end"]["t"] - s["start"]["t"],
                "cpu_per_sample_us": cpu / ingested * 1e6 if ingested else None,
                "bench_group_evaluations": len(bench_evals),
                "bench_group_median_s": statistics.median(bench_evals) if bench_evals else None,
                "bench_group_max_s": max(bench_evals) if bench_evals else None,
                "shipped_groups_median_sum_s": sum(shipped) if shipped else None,
                "shipped_groups": len(shipped), "alerts": s["end"]["alerts"],
                "metrics_answer_max_s": s["metrics_max_s"], "metrics_errors": s["metrics_errors"],
                "bench_group_iterations_missed_since_start": s["end"]["missed"] if p.prefix == "prometheus" else None,
                "series": s["end"]["series"], "rss_bytes": s["end"]["rss"], "hwm_bytes": s["end"]["hwm"],
                "rss_per_series_bytes": s["end"]["rss"] / size,
            }
        return result
    finally:
        for p in programs:
            p.stop()
        shutil.rmtree(f"{work}/tsdb-{size}", ignore_errors=True)
        for leftover in glob.glob(f"{work}/alertd-{size}.db*"):
            os.remove(leftover)


def ratio(a, b):
    return a / b if a is not None and b else None


def plot(results, out):
    """alertd-cost.png: CPU per sample, evaluation time per series and RSS per series against series."""
    data = f"{out}/alertd.dat"
    with open(data, "w", encoding="utf-8") as f:
        f.write("# series  alertd: cpu_us_per_sample eval_us_per_series rss_bytes_per_series  "
                "prometheus: cpu_us_per_sample eval_us_per_series rss_bytes_per_series\n")
        for r in results:
            if "alertd" not in r or "prometheus" not in r:
                continue
            cols = [r["size"]]
            for name in ("alertd", "prometheus"):
                x = r[name]
                cols += [x["cpu_per_sample_us"], (x["bench_group_median_s"] or 0) * 1e6 / r["size"],
                         x["rss_per_series_bytes"]]
            f.write(" ".join(f"{c:.4g}" if isinstance(c, float) else str(c) for c in cols) + "\n")
    panels = [("CPU per sample ingested (µs, rules included)", 2, 5),
              ("1,000 generated rules: evaluation per cycle / series (µs)", 3, 6),
              ("RSS per series (bytes)", 4, 7)]
    script = [f"set terminal png size 1500,480", f"set output '{out}/alertd-cost.png'",
              "set multiplot layout 1,3 title 'alertd vs Prometheus 2.42: same targets, same rules, same run'",
              "set logscale x", "set xlabel 'series'", "set grid", "set key top left", "set yrange [0:*]",
              "set format x '%.0s%c'"]
    for title, a, p in panels:
        script += [f"set title '{title}'",
                   f"plot '{data}' using 1:{a} with linespoints lw 2 title 'alertd', "
                   f"'{data}' using 1:{p} with linespoints lw 2 title 'Prometheus 2.42'"]
    script.append("unset multiplot")
    subprocess.run(["gnuplot"], input="\n".join(script).encode(), check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", nargs="?", default=f"{ROOT}/build-release")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--interval-s", default="15,15,60", help="scrape and evaluation interval per size")
    parser.add_argument("--scrapes", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--min-available-gib", type=float, default=2.0)
    parser.add_argument("--out", default=f"{HERE}/results")
    parser.add_argument("--replot", action="store_true", help="only redraw the plot from --out/alertd.json")
    args = parser.parse_args()
    if args.replot:
        with open(f"{args.out}/alertd.json", encoding="utf-8") as f:
            plot(json.load(f)["results"], args.out)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    if any(s % series_gen.SERIES_PER_TARGET for s in sizes):
        parser.error(f"sizes must be multiples of {series_gen.SERIES_PER_TARGET}")
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="twikit-bench-ascale-")
    intervals = [int(i) for i in args.interval_s.split(",")]
    if len(intervals) != len(sizes):
        parser.error("--interval-s needs one interval per size")

    server_log = open(f"{work}/targets.log", "w", encoding="utf-8")
    server = subprocess.Popen([sys.executable, f"{HERE}/static_targets.py",
                               "--targets", str(max(sizes) // series_gen.SERIES_PER_TARGET),
                               "--interval-s", str(min(intervals))], stdout=subprocess.PIPE, stderr=server_log)
    results = []
    try:
        ports = json.loads(server.stdout.readline().decode())["ports"]
        for size, interval_s in zip(sizes, intervals):
            t0 = time.monotonic()
            try:
                r = measure(args, size, interval_s, ports[:size // series_gen.SERIES_PER_TARGET], server.pid, work)
            except (OSError, RuntimeError, ValueError) as e:
                r = {"size": size, "interval_s": interval_s, "stopped": f"{type(e).__name__}: {e}"}
            r["load_average"] = os.getloadavg()
            r["elapsed_s"] = time.monotonic() - t0
            results.append(r)
            with open(f"{args.out}/alertd.json", "w", encoding="utf-8") as f:
                json.dump({"partial": True, "results": results}, f, indent=1)
            print(f"size {size}: done in {r['elapsed_s']:.0f} s, load {r['load_average'][0]:.1f}"
                  + (f", stopped: {r['stopped']}" if r["stopped"] else ""), flush=True)
            if r["stopped"]:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)

    summary = {"scrapes": args.scrapes, "warmup": args.warmup,
               "prometheus": subprocess.run(["prometheus", "--version"], capture_output=True,
                                            text=True).stdout.splitlines()[0],
               "results": results}
    with open(f"{args.out}/alertd.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    plot(results, args.out)

    def fmt(v, scale=1.0, digits=2):
        return "n/a" if v is None else f"{v * scale:.{digits}f}"

    print(f"intervals {args.interval_s} s, {args.scrapes} scrapes of every target measured after {args.warmup}")
    print("series     program     CPU/sample µs  bench group ms (median/max)  shipped ms  RSS MiB  "
          "RSS B/series  series held")
    for r in results:
        for name in ("alertd", "prometheus"):
            if name not in r:
                print(f"{r['size']:9d}  {name:10s}  (not measured: {r['stopped']})")
                continue
            x = r[name]
            print(f"{r['size']:9d}  {name:10s}  {fmt(x['cpu_per_sample_us'], 1, 3):>12s}  "
                  f"{fmt(x['bench_group_median_s'], 1000, 1):>10s} / {fmt(x['bench_group_max_s'], 1000, 1):>8s}"
                  f" ({x['bench_group_evaluations']})  {fmt(x['shipped_groups_median_sum_s'], 1000, 2):>9s}  "
                  f"{x['rss_bytes'] / 2**20:7.1f}  {fmt(x['rss_per_series_bytes'], 1, 0):>11s}  {int(x['series'])}")
        if "alertd" in r and "prometheus" in r:
            a, p = r["alertd"], r["prometheus"]
            print(f"{r['size']:9d}  alertd/prom  {fmt(ratio(a['cpu_per_sample_us'], p['cpu_per_sample_us'])):>12s}  "
                  f"{fmt(ratio(a['bench_group_median_s'], p['bench_group_median_s'])):>10s}"
                  f"{'':25s}{fmt(ratio(a['rss_per_series_bytes'], p['rss_per_series_bytes'])):>28s}")
        if "server_cpu_s" in r:
            print(f"{r['size']:9d}  targets     {r['server_cpu_s']:.2f} s CPU over {r['server_wall_s']:.0f} s "
                  f"({100 * r['server_cpu_s'] / r['server_wall_s']:.1f} % of one core)")
    measured = [r for r in results if "alertd" in r and "prometheus" in r]
    for small, large in zip(measured, measured[1:]):
        slopes = []
        for name in ("alertd", "prometheus"):
            a, b = small[name], large[name]
            slopes.append((b["rss_bytes"] - a["rss_bytes"]) / (b["series"] - a["series"]))
        summary.setdefault("rss_slopes", []).append({"from": small["size"], "to": large["size"],
                                                     "alertd": slopes[0], "prometheus": slopes[1]})
        print(f"RSS slope {small['size']} -> {large['size']} series: alertd {slopes[0]:.0f}, "
              f"Prometheus {slopes[1]:.0f} bytes per added series (ratio {slopes[0] / slopes[1]:.2f})")
    for r in measured:
        print(f"{r['size']:9d}  interval {r['interval_s']} s; Prometheus bench-group iterations missed since start: "
              f"{r['prometheus']['bench_group_iterations_missed_since_start']:.0f}; ALERTS at the end: alertd "
              f"{r['alertd']['alerts']}, Prometheus {r['prometheus']['alerts']}; longest /metrics answer in the window: alertd "
              f"{r['alertd']['metrics_answer_max_s']:.2f} s, Prometheus {r['prometheus']['metrics_answer_max_s']:.2f} s")
    with open(f"{args.out}/alertd.json", "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
    print(f"results: {args.out}/alertd.json, plot: {args.out}/alertd-cost.png, logs: {work}")


if __name__ == "__main__":
    main()
