#!/usr/bin/env python3
"""bench/live: N WebSocket clients (python3-websockets, one asyncio process) subscribed to `alerts` on
live_test_server (a WebServer + LiveHub). Each round publishes one event stamped with the server's
steady clock at publish() (CLOCK_MONOTONIC, shared by every process on the machine); each client notes
when the message is in its hands. Prints, over the rounds, the latency from publish() to the LAST client
holding the message (p50/p99/max), the same per client message, and the server's RSS per connected client.

Usage: bench/live/live_bench.py build/tests/alertd/live/live_test_server [--clients 1000] [--rounds 100]
The client's own Python overhead is inside the figures (one asyncio loop reads all N sockets in turn).
"""
import argparse
import asyncio
import json
import resource
import subprocess
import time
import urllib.request

import websockets


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("server")
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=100)
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, args.clients * 2 + 256))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # the server, our child, inherits it

    proc = subprocess.Popen([args.server, f"--max-clients={args.clients + 10}"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    port = json.loads(proc.stdout.readline())["port"]
    uri = f"ws://127.0.0.1:{port}/api/monitoring/ws?topics=alerts"
    try:
        rss_before = rss_kib(proc.pid)
        clients = []
        for start in range(0, args.clients, 100):  # in batches: the listen queue and the handshakes
            batch = await asyncio.gather(*[websockets.connect(uri, ping_interval=None, max_queue=None)
                                           for _ in range(start, min(args.clients, start + 100))])
            for ws in batch:
                assert json.loads(await ws.recv())["type"] == "subscribed"
            clients += batch
        rss_after = rss_kib(proc.pid)

        received = []  # (monotonic ns, text) per message per client; parsed between rounds, not while timing

        async def reader(ws):
            async for text in ws:
                received.append((time.monotonic_ns(), text))

        tasks = [asyncio.create_task(reader(ws)) for ws in clients]
        loop = asyncio.get_running_loop()
        last_client_ms, per_client_ms = [], []
        for _ in range(args.rounds):
            def publish():
                req = urllib.request.Request(f"http://127.0.0.1:{port}/test/publish_timed?topic=alerts", data=b"",
                                             method="POST")
                with urllib.request.urlopen(req, timeout=10) as res:
                    return json.loads(res.read())["seq"]
            seq = await loop.run_in_executor(None, publish)
            deadline = time.monotonic() + 10
            while len(received) < len(clients):
                if time.monotonic() > deadline:
                    raise SystemExit(f"round {seq}: only {len(received)} clients got the message")
                await asyncio.sleep(0.001)
            got = [(now, json.loads(text)) for now, text in received]
            received.clear()
            assert all(m["seq"] == seq for _, m in got)
            lat = [(now - m["data"]["t_ns"]) / 1e6 for now, m in got]
            last_client_ms.append(max(lat))
            per_client_ms += lat
        for t in tasks:
            t.cancel()
        print(f"live bench: {len(clients)} WebSocket clients subscribed to alerts, {args.rounds} events")
        print(f"  publish() -> last client holds it: p50 {pct(last_client_ms, 50):.1f} ms  "
              f"p99 {pct(last_client_ms, 99):.1f} ms  max {max(last_client_ms):.1f} ms")
        print(f"  publish() -> each client:          p50 {pct(per_client_ms, 50):.1f} ms  "
              f"p99 {pct(per_client_ms, 99):.1f} ms  max {max(per_client_ms):.1f} ms")
        print(f"  server RSS: {rss_before / 1024:.1f} MiB idle, {rss_after / 1024:.1f} MiB with the clients: "
              f"{(rss_after - rss_before) / len(clients):.1f} KiB per client")
        await asyncio.gather(*[ws.close() for ws in clients], return_exceptions=True)
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(main())
