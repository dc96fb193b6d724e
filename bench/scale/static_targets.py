#!/usr/bin/env python3
"""Loopback scrape targets serving pre-rendered expositions, for bench/scale/alertd.py.

    static_targets.py --targets N [--interval-s 15]

Listens on N free loopback ports; each answers GET /metrics with the same 10,000-series body of
series_gen.py (the scraper's `instance` label tells the targets apart). The body changes every interval
(variant = intervals since the start, so counters only grow): it is rendered once per interval, by the first
request of that interval, and shared by every target and scraper, so a request costs a header parse and a
copy of bytes and the targets are never the bottleneck (the bench measures this process's CPU anyway). Prints one JSON line when ready: {"ports": [...], "series_per_target": 10000}.
"""
import argparse
import http.server
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import series_gen  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, required=True)
    parser.add_argument("--interval-s", type=float, default=15)
    args = parser.parse_args()
    start = time.time()
    lock = threading.Lock()
    current = {"variant": 0, "body": series_gen.render_target(0, start)}

    def body_now():
        variant = int((time.time() - start) / args.interval_s)
        with lock:
            if current["variant"] != variant:
                current["variant"], current["body"] = variant, series_gen.render_target(variant, time.time())
            return current["body"]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as both scrapers use it

        def do_GET(self):  # noqa: N802 (the library's name)
            if self.path.split("?")[0] != "/metrics":
                self.send_error(404)
                return
            body = body_now()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_):
            pass

    servers = []
    for _ in range(args.targets):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        servers.append(server)
        threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"ports": [s.server_address[1] for s in servers],
                      "series_per_target": series_gen.SERIES_PER_TARGET}), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
