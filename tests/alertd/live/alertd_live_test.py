#!/usr/bin/env python3
"""alertd's own live updates with a real client, Debian's python3-websockets: acknowledgements, silences and
escalations made over the monitoring API reach `alerts` subscribers as they happen, and web.max_live_clients
holds for WebSocket and Server-Sent Events. Runs the real alertd binary on 127.0.0.1 with a rule that fires at
once (vector(1)); every wait is for an event, with a deadline.

Usage: alertd_live_test.py PATH/TO/alertd   (exits 77, skipped, when python3-websockets is missing)
"""
import asyncio
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree for the harness imported below
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'support'))
from peers import free_port  # noqa: E402
from live_harness import SCALE, deadline, eventually, recv_json, run_tests  # exits 77 without websockets
import websockets
import websockets.exceptions

ALERTD = sys.argv[1]
TOKEN = "live-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

CONFIG = """
global:
  evaluation_interval: 1s
rule_files: [rules.yml]
web:
  api_bearer_token_file: token
  max_live_clients: 2
receivers:
  - name: nowhere
route:
  receiver: nowhere
  routes:
    - matchers: ['alertname="Escalating"']
      receiver: nowhere
      escalation_policy: at-once
escalation_policies:
  - name: at-once
    steps:
      - after: 1s
        receivers: [nowhere]
"""

RULES = """
groups:
  - name: live
    interval: 1s
    rules:
      - alert: Acked
        expr: vector(1)
        labels: {severity: warning}
      - alert: Silenced
        expr: vector(1)
        labels: {severity: info}
      - alert: Escalating
        expr: vector(1)
        labels: {severity: critical}
"""


class Alertd:
    """alertd with CONFIG and RULES in a temporary directory, on a free loopback port."""

    def __init__(self, tmp):
        self.dir = tmp
        for name, text in (("alertd.yaml", CONFIG), ("rules.yml", RULES), ("token", TOKEN + "\n")):
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text)
        self.port = free_port()
        self.log = open(os.path.join(tmp, "alertd.log"), "w")
        self.proc = subprocess.Popen(
            [ALERTD, f"--config.file={tmp}/alertd.yaml", f"--web.listen-address=127.0.0.1:{self.port}",
             f"--storage.path={tmp}/alertd.db"], stdout=self.log, stderr=subprocess.STDOUT)
        self.http = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}/api/monitoring/ws"
        assert eventually(lambda: self.request("GET", "/-/ready")[0] == 200, 20), self.log_text()

    def request(self, method, path, body=None, headers=None):
        """(status, parsed JSON body or text) of one request; (0, error) when alertd does not answer."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.http + path, data=data, method=method, headers=headers or {})
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=deadline(5)) as res:
                status, text = res.status, res.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        except OSError as e:
            return 0, str(e)
        try:
            return status, json.loads(text)
        except ValueError:
            return status, text

    def log_text(self):
        with open(os.path.join(self.dir, "alertd.log")) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=deadline(20))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


async def next_alert_event(ws, state, alertname, seconds):
    """The first `alerts` event of `state` for `alertname` within `seconds`, skipping everything else."""
    end = time.monotonic() + deadline(seconds)
    while True:
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {state} event for {alertname} within {seconds} s")
        m = json.loads(await asyncio.wait_for(ws.recv(), left))
        if m.get("type") != "event" or m.get("topic") != "alerts":
            continue
        data = m["data"]
        if data.get("state") == state and data.get("labels", {}).get("alertname") == alertname:
            return m


def connect(alertd, query="?topics=alerts"):
    """A client of alertd's WebSocket with the token: `async with connect(...)` or `await connect(...)`."""
    return websockets.connect(alertd.ws + query, extra_headers=AUTH)


# ---------------------------------------------------------------------------------------------------------

async def test_acknowledge_over_the_api_arrives_as_an_acknowledged_event_within_one_second(alertd):
    # since=0 replays what is buffered: the alert may have fired before this client connected.
    async with connect(alertd, "?topics=alerts&since=0") as ws:
        firing = await next_alert_event(ws, "firing", "Acked", 20)
        fp = firing["data"]["fingerprint"]
        assert len(fp) == 16, firing
        # The alert is recorded by the notification side in the same cycle; acknowledge once it is.
        body = {"by": "alice", "comment": "on it"}
        answer = {}

        def acknowledged():
            nonlocal answer
            status, answer = alertd.request("POST", f"/api/monitoring/alerts/{fp}/acknowledge", body, AUTH)
            return status == 200

        assert eventually(acknowledged), answer
        start = time.monotonic()
        m = await next_alert_event(ws, "acknowledged", "Acked", 1)
        assert time.monotonic() - start < 1.0 * SCALE
        data = m["data"]
        assert data["fingerprint"] == fp and data["by"] == "alice" and data["comment"] == "on it", m
        assert data["labels"] == {"alertname": "Acked", "severity": "warning"}, m
        assert m["seq"] > firing["seq"], m


async def test_a_silence_matching_a_firing_alert_gives_silenced_and_expiring_it_unsilenced(alertd):
    async with connect(alertd, "?topics=alerts&since=0") as ws:
        firing = await next_alert_event(ws, "firing", "Silenced", 20)
        ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        silence = {"matchers": ['alertname="Silenced"'], "endsAt": ends, "createdBy": "bob", "comment": "maintenance"}
        status, answer = alertd.request("POST", "/api/monitoring/silences", silence, AUTH)
        assert status == 200, answer
        silence_id = answer["data"]["silenceID"]
        m = await next_alert_event(ws, "silenced", "Silenced", 1)
        data = m["data"]
        assert data["silenceID"] == silence_id and data["createdBy"] == "bob" and data["comment"] == "maintenance", m
        assert data["fingerprint"] == firing["data"]["fingerprint"] and data["endsAt"] == ends, m
        status, answer = alertd.request("DELETE", f"/api/monitoring/silences/{silence_id}", None, AUTH)
        assert status == 200, answer
        m = await next_alert_event(ws, "unsilenced", "Silenced", 1)
        assert m["data"]["silenceID"] == silence_id and m["data"]["fingerprint"] == firing["data"]["fingerprint"], m


async def test_an_escalation_step_gives_an_escalated_event(alertd):
    async with connect(alertd, "?topics=alerts&since=0") as ws:
        # since=0 replays the buffer: the step may have been sent before this client connected.
        m = await next_alert_event(ws, "escalated", "Escalating", 20)
        data = m["data"]
        assert data["policy"] == "at-once" and data["step"] == 1 and data["receivers"] == ["nowhere"], m


async def test_max_live_clients_refuses_a_third_client_with_503_and_a_json_body(alertd):
    def clients():
        status, text = alertd.request("GET", "/metrics")
        for line in str(text).splitlines():
            if line.startswith("alertd_live_clients "):
                return float(line.split()[1])
        return -1

    assert eventually(lambda: clients() == 0)  # the other tests' clients are gone
    a = await connect(alertd)
    b = await connect(alertd)
    try:
        try:
            async with websockets.connect(alertd.ws, extra_headers=AUTH):
                pass
            raise AssertionError("expected HTTP 503, the handshake succeeded")
        except websockets.exceptions.InvalidStatusCode as e:
            assert e.status_code == 503, e.status_code
        conn = http.client.HTTPConnection("127.0.0.1", alertd.port, timeout=deadline(5))
        conn.request("GET", "/api/monitoring/events?topics=alerts", headers=AUTH)
        res = conn.getresponse()
        body = json.loads(res.read())
        conn.close()
        assert res.status == 503 and res.getheader("Content-Type", "").startswith("application/json"), res.status
        assert res.getheader("Retry-After") == "5", res.getheaders()
        assert body == {"status": "error", "errorType": "unavailable", "error": "too many live clients (2)"}, body
    finally:
        await a.close()
        await b.close()
    assert eventually(lambda: clients() == 0)
    async with connect(alertd) as c:
        assert (await recv_json(c))["type"] in ("snapshot", "event", "subscribed")


def main():
    tmp = tempfile.mkdtemp(prefix="alertd_live_test_")
    alertd = Alertd(tmp)
    try:
        status = run_tests(globals(), alertd, lambda: print("alertd log:\n" + alertd.log_text()))
        alertd.stop()
        # A clean exit: a sanitizer report (use after free, leak) would make it non-zero.
        if alertd.proc.returncode != 0:
            print(f"FAIL alertd exited with {alertd.proc.returncode}; its log:\n" + alertd.log_text())
            status = 1
        return status
    finally:
        alertd.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
