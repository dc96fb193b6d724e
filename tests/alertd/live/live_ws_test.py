#!/usr/bin/env python3
"""The live WebSocket (/api/monitoring/ws) with a real client, Debian's python3-websockets, against
live_test_server (a WebServer + LiveHub on 127.0.0.1:0). Every wait is for an event, with a deadline.

Usage: live_ws_test.py PATH/TO/live_test_server   (exits 77, skipped, when python3-websockets is missing)
"""
import asyncio
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree for the harness imported below
from live_harness import SCALE, deadline, eventually, recv_json, run_tests  # exits 77 without websockets
import websockets
import websockets.exceptions

SERVER = sys.argv[1]
WS_PATH = "/api/monitoring/ws"


class Server:
    """live_test_server started with `args`; stopped by closing its stdin."""

    def __init__(self, *args, tls=None):
        cmd = [SERVER, *args]
        self.tls = tls
        if tls:
            cmd += [f"--tls-cert={tls[0]}", f"--tls-key={tls[1]}"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = json.loads(self.proc.stdout.readline())["port"]
        scheme = "https" if tls else "http"
        self.http = f"{scheme}://127.0.0.1:{self.port}"
        self.ws = f"{'wss' if tls else 'ws'}://127.0.0.1:{self.port}{WS_PATH}"

    def request(self, method, path, body=None):
        req = urllib.request.Request(self.http + path, data=body, method=method)
        ctx = None
        if self.tls:
            ctx = ssl.create_default_context(cafile=self.tls[0])
        with urllib.request.urlopen(req, timeout=deadline(10), context=ctx) as res:
            return json.loads(res.read())

    def publish(self, topic="alerts", count=1, pad=0):
        return self.request("POST", f"/test/publish?topic={topic}&count={count}&pad={pad}", b"")

    def stats(self):
        return self.request("GET", "/test/stats")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=deadline(20))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        # A clean exit: a sanitizer report (use after free, leak) would make it non-zero.
        assert self.proc.returncode == 0, f"live_test_server exited with {self.proc.returncode}"


async def recv_until(ws, msg_type, seconds=5):
    """Messages up to and including the first of `msg_type`."""
    out = []
    while True:
        m = await recv_json(ws, seconds)
        out.append(m)
        if m["type"] == msg_type:
            return out


async def subscribe(ws, topics, since=None):
    msg = {"type": "subscribe", "topics": topics}
    if since is not None:
        msg["since"] = since
    await ws.send(json.dumps(msg))
    return await recv_until(ws, "subscribed")


def seqs(messages):
    return [m["seq"] for m in messages if m["type"] == "event"]


async def expect_refused(uri, status, **kwargs):
    try:
        async with websockets.connect(uri, **kwargs):
            pass
    except websockets.exceptions.InvalidStatusCode as e:
        assert e.status_code == status, f"expected {status}, got {e.status_code}"
        return
    raise AssertionError(f"expected HTTP {status}, the handshake succeeded")


# ---------------------------------------------------------------------------------------------------------

async def test_subscribed_client_receives_an_event_within_one_second():
    with Server() as s:
        async with websockets.connect(s.ws) as ws:
            assert await subscribe(ws, ["alerts"]) == [{"type": "subscribed", "topics": ["alerts"], "seq": 0}]
            start = time.monotonic()
            s.publish("health")
            s.publish("alerts")
            m = await recv_json(ws, 1)
            took = time.monotonic() - start
            assert m["type"] == "event" and m["topic"] == "alerts" and m["seq"] == 2, m
            assert m["data"] == {"i": 0, "pad": ""}, m
            assert took < 1.0 * SCALE, took


async def test_reconnect_with_since_misses_nothing():
    with Server() as s:
        async with websockets.connect(s.ws + "?topics=alerts") as ws:
            await recv_until(ws, "subscribed")
            s.publish(count=5)
            got = [await recv_json(ws) for _ in range(5)]
            assert seqs(got) == [1, 2, 3, 4, 5]
        last = 5
        s.publish(count=4)              # 6..9 while away
        s.publish("health", count=2)    # 10, 11: another topic
        s.publish(count=1)              # 12
        async with websockets.connect(f"{s.ws}?topics=alerts&since={last}") as ws:
            got = await recv_until(ws, "subscribed")
            assert seqs(got) == [6, 7, 8, 9, 12], got
            assert got[-1] == {"type": "subscribed", "topics": ["alerts"], "seq": 12}
            s.publish(count=1)
            assert (await recv_json(ws))["seq"] == 13
        # The same by message instead of URL.
        async with websockets.connect(s.ws) as ws:
            assert seqs(await subscribe(ws, ["alerts", "health"], since=8)) == [9, 10, 11, 12, 13]
        assert s.stats()["resumes_replayed"] == 2


async def test_too_far_behind_gets_reset_and_snapshot():
    with Server("--buffer-messages=5") as s:
        s.publish(count=3)
        s.request("PUT", "/test/snapshot?topic=alerts", json.dumps({"active": ["A", "B"]}).encode())  # as of 3
        s.publish(count=20)  # 4..23; the buffer holds 19..23
        async with websockets.connect(s.ws) as ws:
            got = await subscribe(ws, ["alerts"], since=2)
            assert [m["type"] for m in got[:2]] == ["reset", "snapshot"], got
            assert got[1]["seq"] == 3 and got[1]["data"] == {"active": ["A", "B"]}, got[1]
            assert seqs(got) == [19, 20, 21, 22, 23], got
        assert s.stats()["resumes_reset"] == 1


async def test_slow_client_is_dropped_while_fast_client_gets_everything():
    count, pad = 400, 16000  # 6.4 MB: far beyond the slow client's socket buffers and its 1 MB queue
    with Server("--queue-bytes=1000000") as s:
        slow = await websockets.connect(s.ws + "?topics=alerts", max_queue=1, ping_interval=None)
        fast = await websockets.connect(s.ws + "?topics=alerts", max_size=None)
        await recv_until(fast, "subscribed")
        # the slow client reads nothing from here on
        got = []
        received = asyncio.Condition()

        async def read_all():
            while len(got) < count:
                m = await recv_json(fast, 10)
                async with received:
                    got.append(m["seq"])
                    received.notify_all()

        reader = asyncio.create_task(read_all())
        start = time.monotonic()
        loop = asyncio.get_running_loop()
        for batch in range(1, count // 50 + 1):
            await loop.run_in_executor(None, lambda: s.publish(count=50, pad=pad))
            # The next 800 kB only once the fast client has read these: a client that keeps up is one that
            # reads what was sent before more comes. Unpaced, a loaded machine could leave even this client
            # more than its 1 MB queue behind, and the server would rightly cut it off as slow.
            async with received:
                await asyncio.wait_for(received.wait_for(lambda: len(got) >= batch * 50 or reader.done()),
                                       deadline(10))
        await reader
        took = time.monotonic() - start
        assert got == list(range(1, count + 1)), got[:10]
        assert took < 5 * SCALE, f"the fast client took {took:.2f} s"
        # Counted once, by the hub, when the server refused its message and cut it off.
        assert eventually(lambda: s.stats()["clients_dropped_slow"] == 1)
        # The slow client, reading at last, finds its connection closed (1008, or 1006 when the close frame
        # could not be written in time).
        try:
            while True:
                await asyncio.wait_for(slow.recv(), deadline(15))
        except websockets.exceptions.ConnectionClosed as e:
            assert e.code in (1008, 1006), e.code
        assert eventually(lambda: s.stats()["clients"] == 1)
        await fast.close()


async def test_token_is_enforced():
    with Server("--token=s3cret") as s:
        await expect_refused(s.ws, 401)
        await expect_refused(s.ws, 401, extra_headers={"Authorization": "Bearer wrong"})
        await expect_refused(s.ws + "?token=wrong", 401)
        async with websockets.connect(s.ws, extra_headers={"Authorization": "Bearer s3cret"}) as ws:
            await subscribe(ws, ["alerts"])
        async with websockets.connect(s.ws + "?token=s3cret") as ws:
            await subscribe(ws, ["alerts"])
        assert s.stats()["clients_refused_unauthorized"] == 3


async def test_client_limit_holds():
    with Server("--max-clients=2") as s:
        a = await websockets.connect(s.ws)
        b = await websockets.connect(s.ws)
        await expect_refused(s.ws, 503)
        await a.close()
        assert eventually(lambda: s.stats()["clients"] == 1)
        c = await websockets.connect(s.ws)
        await subscribe(c, ["alerts"])
        await b.close()
        await c.close()
        assert s.stats()["clients_refused_limit"] == 1


async def test_bad_client_json_gets_an_error_and_the_connection_stays_usable():
    with Server() as s:
        async with websockets.connect(s.ws) as ws:
            await ws.send("{oops")
            assert await recv_json(ws) == {"type": "error", "error": "invalid JSON"}
            await ws.send(json.dumps({"type": "subscribe", "topics": ["nope"]}))
            assert (await recv_json(ws))["error"] == 'unknown topic "nope" (dashboard, alerts or health)'
            await ws.send("x" * 10000)
            assert (await recv_json(ws))["error"] == "message too large: 10000 bytes, at most 4096"
            await subscribe(ws, ["alerts"])
            s.publish()
            assert (await recv_json(ws))["seq"] == 1
            await ws.send(json.dumps({"type": "ping"}))
            assert await recv_json(ws) == {"type": "pong", "seq": 1}
        # Beyond the server's 64 KiB frame limit the connection is closed with 1009.
        async with websockets.connect(s.ws) as ws:
            await ws.send("x" * (65 * 1024))
            try:
                await recv_json(ws)
                raise AssertionError("expected the connection to close")
            except websockets.exceptions.ConnectionClosed as e:
                assert e.code == 1009, e.code


def mute_client(port):
    """A raw WebSocket client that completes the handshake and then never answers anything."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall((f"GET {WS_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


async def test_ping_pong_keeps_an_idle_client_and_drops_a_dead_one():
    with Server("--ping-ms=200") as s:
        # The library answers the server's pings; it sends none of its own, so only pongs keep it alive.
        idle = await websockets.connect(s.ws + "?topics=alerts", ping_interval=None)
        await recv_until(idle, "subscribed")
        mute = mute_client(s.port)
        mute.settimeout(deadline(10))

        def read_until_closed():  # the server pings, gets no pong within the interval, and closes
            frames = b""
            while True:
                chunk = mute.recv(4096)
                if not chunk:
                    return frames
                frames += chunk

        # On another thread: the event loop must keep running for the idle client to answer its pings.
        frames = await asyncio.get_running_loop().run_in_executor(None, read_until_closed)
        assert frames[:1] == b"\x89", frames  # a ping frame came first
        mute.close()
        # By now the idle client has been pinged over several intervals too; it is still connected.
        s.publish()
        assert (await recv_json(idle))["seq"] == 1
        # The server closes the dead client's socket before its session ends and the hub lets it go: on a
        # loaded machine the client can see the close well before the count drops.
        assert eventually(lambda: s.stats()["clients"] == 1), s.stats()
        await idle.close()


async def test_tls_wss_works(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    with Server(tls=(cert, key)) as s:
        ctx = ssl.create_default_context(cafile=cert)
        async with websockets.connect(s.ws, ssl=ctx) as ws:
            await subscribe(ws, ["alerts"])
            s.publish()
            assert (await recv_json(ws))["seq"] == 1


async def test_routing_plain_get_is_426_and_unknown_upgrade_is_404():
    with Server() as s:
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=deadline(5))
        conn.request("GET", WS_PATH)
        res = conn.getresponse()
        res.read()
        assert res.status == 426 and res.getheader("Upgrade") == "websocket", (res.status, res.getheaders())
        conn.close()
        try:
            async with websockets.connect(f"ws://127.0.0.1:{s.port}/api/monitoring/nope"):
                pass
            raise AssertionError("expected 404")
        except websockets.exceptions.InvalidStatusCode as e:
            assert e.status_code == 404
        await expect_refused(s.ws + "?topics=alerts,weather", 400)
        await expect_refused(s.ws + "?since=x", 400)


async def test_server_sent_events_carry_the_same_messages():
    with Server("--token=s3cret", "--ping-ms=100") as s:
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=deadline(5))
        conn.request("GET", "/api/monitoring/events?topics=alerts")
        res = conn.getresponse()
        assert res.status == 401, res.status
        res.read()
        conn.close()
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=deadline(5))
        conn.request("GET", "/api/monitoring/events?topics=alerts&since=0", headers={"Authorization": "Bearer s3cret"})
        res = conn.getresponse()
        assert res.status == 200 and res.getheader("Content-Type") == "text/event-stream", res.getheaders()

        def next_event():
            """The next event's data, skipping the heartbeat comments."""
            data = []
            while True:
                line = res.fp.readline().decode()
                assert line, "the stream ended"
                if line.startswith("data: "):
                    data.append(line[6:].rstrip("\n"))
                elif line == "\n" and data:
                    return json.loads("\n".join(data))

        first = next_event()
        assert first == {"type": "subscribed", "topics": ["alerts"], "seq": 0}, first
        s.publish(count=2)
        assert [next_event()["seq"], next_event()["seq"]] == [1, 2]
        comments = 0
        while comments < 2:  # heartbeats keep flowing while nothing is published
            if res.fp.readline() == b":\n":
                comments += 1
        assert s.stats()["clients"] == 1
        res.close()
        conn.close()
        assert eventually(lambda: s.stats()["clients"] == 0)  # the server noticed the client leave


async def test_server_stop_closes_clients_with_1001():
    s = Server()
    try:
        ws = await websockets.connect(s.ws + "?topics=alerts")
        await recv_until(ws, "subscribed")
        loop = asyncio.get_running_loop()
        stopping = loop.run_in_executor(None, s.stop)
        try:
            await recv_json(ws, 10)
            raise AssertionError("expected the connection to close")
        except websockets.exceptions.ConnectionClosed as e:
            assert e.code == 1001, e.code
        await stopping
        assert s.proc.returncode == 0
    finally:
        if s.proc.poll() is None:
            s.proc.kill()


def main():
    tmp = tempfile.mkdtemp(prefix="live_ws_test_")
    try:
        return run_tests(globals(), tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
