#!/usr/bin/env python3
"""The web console in a real browser: Debian's chromium, headless, driven over the DevTools protocol with
python3-websockets, against a running stack (twikit-sim -> twikit-exporter -> alertd) that
browser_console_test.cpp started. It checks that:

  - / is the console, served with a strict Content-Security-Policy;
  - the token prompt takes the API token, and the live connection opens with it;
  - the overview lists the ten services;
  - a fault injected in the sim shows as a firing alert on the open page, without a reload, within 2 s
    (times the sanitizer scale) of alertd firing it;
  - acknowledging from the page is stored (read back over the API), and so are a silence made from the alert
    and its expiry;
  - the rule form shows a PromQL error at its field, a rule created from the form appears in /api/v1/rules,
    and disabling it from the list stores it disabled;
  - the keyboard: the focus survives live redraws, the first Tab reaches the skip link;
  - the service page draws its charts;
  - the browser console has no error (network errors only for the request the test provokes on purpose).

Screenshots of every page go to --out. Every wait has a deadline; none is a fixed sleep.

usage: console_browser.py --alertd URL --sim URL --token T --out DIR --chromium PATH [--scale N]
Exit 0 when every check passes, 1 when one fails, 77 (skipped) without chromium or python3-websockets.
"""
import argparse
import asyncio
import base64
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

try:
    import websockets
except ImportError:
    print('SKIPPED: python3-websockets is not installed (scripts/setup.sh installs it)', flush=True)
    sys.exit(77)

SERVICES = ['account_health', 'anti_detection', 'campaign_orchestrator', 'connection_pool', 'content_safety',
            'emergency_stop', 'proxy_rotation', 'rate_limit', 'retry_engine', 'session_manager']
START = time.monotonic()


def log(msg):
    print(f'[{time.monotonic() - START:6.2f}s] {msg}', flush=True)


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def http(method, url, body=None, token=None):
    """(status, parsed JSON or text, headers) of one request; never raises for an HTTP status."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header('Content-Type', 'application/json')
    if token:
        req.add_header('Authorization', f'Bearer {token}')
    try:
        with urllib.request.urlopen(req, timeout=5) as res:
            status, raw, headers = res.status, res.read(), res.headers
    except urllib.error.HTTPError as e:
        status, raw, headers = e.code, e.read(), e.headers
    try:
        return status, json.loads(raw), headers
    except ValueError:
        return status, raw.decode(errors='replace'), headers


class Page:
    """One page target over the DevTools protocol: commands, and the errors the console reports."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.waiting = {}
        self.errors = []
        self.network_errors = []
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self):
        async for text in self.ws:
            msg = json.loads(text)
            if 'id' in msg and msg['id'] in self.waiting:
                self.waiting.pop(msg['id']).set_result(msg)
                continue
            method, params = msg.get('method'), msg.get('params', {})
            if method == 'Runtime.exceptionThrown':
                d = params['exceptionDetails']
                self.errors.append('exception: ' + (d.get('exception', {}).get('description') or d.get('text', '')))
            elif method == 'Runtime.consoleAPICalled' and params.get('type') in ('error', 'assert'):
                self.errors.append('console.error: ' + ' '.join(str(a.get('value', a.get('description', ''))) for a in params['args']))
            elif method == 'Log.entryAdded' and params['entry'].get('level') == 'error':
                e = params['entry']
                target = self.network_errors if e.get('source') == 'network' else self.errors
                target.append(f"{e.get('source')}: {e.get('text')} {e.get('url', '')}")

    async def send(self, method, params=None):
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = fut
        await self.ws.send(json.dumps({'id': self.next_id, 'method': method, 'params': params or {}}))
        msg = await asyncio.wait_for(fut, 30)
        if 'error' in msg:
            raise CheckFailed(f'{method}: {msg["error"]}')
        return msg.get('result', {})

    async def eval(self, expression):
        r = await self.send('Runtime.evaluate', {'expression': expression, 'returnByValue': True, 'awaitPromise': True})
        if 'exceptionDetails' in r:
            raise CheckFailed(f'evaluating {expression!r}: {r["exceptionDetails"].get("text")}')
        return r['result'].get('value')

    async def wait_for(self, expression, seconds, what):
        """Polls `expression` until it is truthy; fails with `what` after `seconds` (times the scale)."""
        deadline = time.monotonic() + seconds * SCALE
        guarded = f'(() => {{ try {{ return ({expression}); }} catch (e) {{ return null; }} }})()'
        while True:
            value = await self.eval(guarded)
            if value:
                return value
            if time.monotonic() > deadline:
                shown = await self.eval("document.getElementById('main').innerText.slice(0, 600)")
                raise CheckFailed(f'timed out after {seconds * SCALE}s waiting for {what}; the page shows: {shown!r}')
            await asyncio.sleep(0.05)

    async def screenshot(self, out_dir, name):
        r = await self.send('Page.captureScreenshot', {'format': 'png'})
        path = os.path.join(out_dir, f'console-{name}.png')
        with open(path, 'wb') as f:
            f.write(base64.b64decode(r['data']))
        log(f'screenshot {path}')


def js(value):
    return json.dumps(value)


async def set_value(page, selector, value):
    await page.eval(f"(() => {{ const el = document.querySelector({js(selector)}); el.value = {js(value)};"
                    f" el.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()")


async def click(page, selector):
    await page.eval(f"document.querySelector({js(selector)}).click()")


async def run(args, page):
    base = args.alertd.rstrip('/')

    # / is the console, with a strict policy: scripts from alertd only, none inline.
    status, body, headers = http('GET', base + '/')
    csp = headers.get('Content-Security-Policy', '')
    check(status == 200 and 'src="/console/js/app.js"' in body, f'/ is not the console: {status}')
    check("script-src 'self'" in csp and 'unsafe-inline' not in csp, f'weak Content-Security-Policy: {csp!r}')
    check(headers.get('ETag', '').startswith('"'), 'no ETag on /')

    await page.send('Emulation.setDeviceMetricsOverride', {'width': 1280, 'height': 800, 'deviceScaleFactor': 1, 'mobile': False})
    await page.send('Page.navigate', {'url': base + '/'})
    # alertd has a token: the page asks for it before opening the live connection.
    await page.wait_for("document.getElementById('token-dialog').open", 15, 'the token prompt')
    await page.screenshot(args.out, 'token')
    await set_value(page, '#token-input', args.token)
    await page.eval("document.getElementById('token-form').requestSubmit()")
    await page.wait_for("document.getElementById('live-status').dataset.state === 'live'", 15, 'the live connection')
    log('token accepted, live connection open')

    names = await page.wait_for(
        "(() => { const n = [...document.querySelectorAll('#services [data-service]')].map(e => e.dataset.service);"
        " return n.length === 10 ? n : null; })()", 30, 'ten services on the overview')
    check(sorted(names) == SERVICES, f'the overview lists {names}')
    log('the overview lists the ten services')
    await page.wait_for("document.querySelectorAll('#kpi-tiles [data-kpi]').length >= 6", 15, 'the KPI tiles')
    # Keyboard: the focus stays on a service card when the live stream redraws the overview.
    await page.eval("(window.__card = document.querySelector('#services [data-service=\"session_manager\"]')).focus()")
    await page.wait_for("document.activeElement !== window.__card && document.activeElement.dataset.service === 'session_manager'",
                        15, 'a live redraw that keeps the focus on the service card')
    log('a live redraw keeps the keyboard focus')
    await page.eval("window.__consoleTestMarker = 'not reloaded'")
    await page.screenshot(args.out, 'overview')
    await page.send('Emulation.setDeviceMetricsOverride', {'width': 390, 'height': 844, 'deviceScaleFactor': 1, 'mobile': True})
    width = await page.eval('document.documentElement.scrollWidth')
    await page.screenshot(args.out, 'overview-phone')
    check(width <= 390, f'the overview is {width}px wide at phone width (390px): it scrolls sideways')
    await page.send('Emulation.setDeviceMetricsOverride', {'width': 1280, 'height': 800, 'deviceScaleFactor': 1, 'mobile': False})

    # A fault in the sim: alertd fires TwikitServiceDown, and the open page shows it live.
    status, _, _ = http('PUT', args.sim + '/admin/services/proxy_rotation/fault', {'mode': 'down'})
    check(status == 200, f'the sim refused the fault: {status}')
    log('proxy_rotation is down')
    row = ("document.querySelector('#active-alerts tr[data-alert=\"TwikitServiceDown\"]"
           "[data-service=\"proxy_rotation\"][data-alert-state=\"firing\"]')")
    shown_ms = int(await page.wait_for(f"(() => {{ const r = {row}; return r ? r.dataset.shownAt : null; }})()", 60,
                                       'TwikitServiceDown firing on the overview'))
    check(await page.eval('window.__consoleTestMarker') == 'not reloaded', 'the page reloaded')
    fired_at = None
    deadline = time.monotonic() + 10 * SCALE
    while fired_at is None and time.monotonic() < deadline:
        _, doc, _ = http('GET', base + '/api/monitoring/dashboard')
        for a in (doc.get('alerts', {}).get('items', []) if isinstance(doc, dict) else []):
            if a['alertname'] == 'TwikitServiceDown' and a.get('service') == 'proxy_rotation' and a.get('firedAt'):
                fired_at = a['firedAt']
        if fired_at is None:
            await asyncio.sleep(0.1)
    check(fired_at is not None, 'alertd does not report TwikitServiceDown firing')
    from datetime import datetime
    fired_s = datetime.fromisoformat(fired_at.replace('Z', '+00:00')).timestamp()
    delay = shown_ms / 1000 - fired_s
    log(f'TwikitServiceDown fired at {fired_at}; the page showed it {delay:.3f} s later')
    check(delay <= 2.0 * SCALE, f'the page showed the alert {delay:.3f} s after alertd fired it (limit 2 s)')
    await page.screenshot(args.out, 'overview-firing')

    # Acknowledge from the alert's page; the acknowledgement is stored.
    await page.eval("location.hash = '#/alerts?state=firing'")
    alert_row = ("document.querySelector('#alert-table tr[data-alert=\"TwikitServiceDown\"]"
                 "[data-service=\"proxy_rotation\"][data-alert-state=\"firing\"]')")
    alert_id = await page.wait_for(f"(() => {{ const r = {alert_row}; return r ? r.dataset.id : null; }})()", 30,
                                   'the firing alert in the alert list')
    await page.screenshot(args.out, 'alerts')
    await page.eval(f"{alert_row}.click()")
    await page.wait_for("!!document.getElementById('ack-form')", 15, 'the acknowledge form')
    comment = 'looking at it (browser test)'
    await set_value(page, '#ack-comment', comment)
    await page.eval("document.getElementById('ack-form').requestSubmit()")
    await page.wait_for("(() => { const d = document.getElementById('alert-detail'); return d && d.dataset.acknowledged === 'true'; })()",
                        15, 'the page to show the acknowledgement')
    status, stored, _ = http('GET', f'{base}/api/monitoring/alerts/{alert_id}')
    check(status == 200 and stored['data']['acknowledged'], f'the acknowledgement is not stored: {stored}')
    ack = stored['data']['acknowledgement']
    check(ack['comment'] == comment and ack['by'] == 'console', f'stored acknowledgement: {ack}')
    log(f'acknowledged alert {alert_id}: stored {ack}')
    await page.screenshot(args.out, 'alert-detail')

    # A silence from the alert: the form is prefilled with its labels.
    await click(page, '#silence-link')
    await page.wait_for("(() => { const e = document.getElementById('m-value-0'); return e && e.value === 'TwikitServiceDown'; })()",
                        15, 'the silence form prefilled from the alert')
    await set_value(page, '#silence-comment', 'maintenance (browser test)')
    await page.screenshot(args.out, 'silence-new')
    await page.eval("document.getElementById('silence-form').requestSubmit()")
    await page.wait_for("!!document.querySelector('#silence-table tr[data-state=\"active\"]')", 15, 'the new silence in the list')
    _, silences, _ = http('GET', base + '/api/monitoring/silences?state=active')
    matched = [s for s in silences['data'] if any(m['name'] == 'alertname' and m['value'] == 'TwikitServiceDown' for m in s['matchers'])]
    check(len(matched) == 1 and matched[0]['createdBy'] == 'console', f'stored silences: {silences}')
    log('silence stored: ' + ', '.join(f"{m['name']}={m['value']}" for m in matched[0]['matchers']))
    await page.screenshot(args.out, 'silences')
    silence_id = matched[0]['id']
    await click(page, f'button[aria-label="Expire silence {silence_id}"]')
    await page.wait_for(f"!document.querySelector('#silence-table tr[data-silence=\"{silence_id}\"]')", 15, 'the expired silence to leave the list')
    _, expired, _ = http('GET', f'{base}/api/monitoring/silences/{silence_id}')
    check(expired['data']['status']['state'] == 'expired', f'the silence did not expire: {expired}')
    log('silence expired from the page')

    # The rule form: a PromQL error shows at the expression; a rule in the simple form is created.
    await page.eval("location.hash = '#/rules/new'")
    await page.wait_for("!!document.getElementById('rule-form')", 15, 'the rule form')
    await click(page, '#tab-prom')
    check(await page.eval("document.getElementById('f-name').offsetParent === null && document.getElementById('p-expr').offsetParent !== null"),
          'the PromQL tab does not show only the PromQL fields')
    await set_value(page, '#p-alert', 'BrowserBrokenRule')
    await set_value(page, '#p-expr', 'rate(twikit_requests_total[5m]')
    await page.eval("document.getElementById('rule-form').requestSubmit()")
    expr_error = await page.wait_for("document.getElementById('perr-expr').textContent", 15, 'the expression error at its field')
    check(await page.eval("document.getElementById('p-expr').getAttribute('aria-invalid')") == 'true', 'the expression is not marked invalid')
    check('parse error' in expr_error or 'unclosed' in expr_error, f'unexpected expression error: {expr_error!r}')
    log(f'the expression error shows at its field: {expr_error!r}')
    await page.screenshot(args.out, 'rule-error')
    await click(page, '#tab-seed')
    for selector, value in [('#f-name', 'BrowserLowSessions'), ('#f-metric', 'sessions.successRate'), ('#f-condition', 'lt'),
                            ('#f-threshold', '101'), ('#f-severity', 'info'), ('#f-duration', '1'), ('#f-tags', 'browser, test')]:
        await set_value(page, selector, value)
    await page.eval("document.getElementById('rule-form').requestSubmit()")
    await page.wait_for("!!document.querySelector('#rule-table tr[data-rule=\"BrowserLowSessions\"]')", 20, 'the new rule in the list')
    names = []
    deadline = time.monotonic() + 15 * SCALE
    while 'BrowserLowSessions' not in names and time.monotonic() < deadline:
        _, rules, _ = http('GET', base + '/api/v1/rules')
        names = [r['name'] for g in rules['data']['groups'] for r in g['rules']]
        if 'BrowserLowSessions' not in names:
            await asyncio.sleep(0.1)
    check('BrowserLowSessions' in names, f'/api/v1/rules does not have the rule created from the form: {names}')
    log('the rule created from the form is in /api/v1/rules')
    await page.screenshot(args.out, 'rules')
    await click(page, 'button[aria-label="Disable BrowserLowSessions"]')
    await page.wait_for("!!document.querySelector('#rule-table tr[data-rule=\"BrowserLowSessions\"][data-enabled=\"false\"]')", 20,
                        'the rule shown disabled')
    _, managed, _ = http('GET', base + '/api/monitoring/alert-rules')
    stored = [r for r in managed['data']['rules'] if r['prometheus'].get('alert') == 'BrowserLowSessions']
    check(len(stored) == 1 and stored[0]['enabled'] is False, f'the rule is not stored disabled: {stored}')
    _, rules, _ = http('GET', base + '/api/v1/rules')
    check('BrowserLowSessions' not in [r['name'] for g in rules['data']['groups'] for r in g['rules']], 'a disabled rule is still evaluated')
    log('the rule disabled from the page is stored disabled and no longer evaluated')

    # A service's page draws its charts from the history.
    await page.eval("location.hash = '#/service/session_manager'")
    await page.wait_for("(() => { const f = document.querySelectorAll('#charts figure');"
                        " return f.length > 1 && [...f].every(x => x.dataset.loaded === 'true'); })()", 20, 'the service charts')
    drawn = await page.eval("document.querySelectorAll('#charts svg.chart path.line, #charts svg.chart circle').length")
    check(drawn > 0, 'no chart on the service page has data')
    chart_errors = await page.eval("[...document.querySelectorAll('#charts .form-error')].map(e => e.textContent)")
    check(not chart_errors, f'charts failed: {chart_errors}')
    await page.screenshot(args.out, 'service')
    await page.eval("location.hash = '#/api'")
    await page.wait_for("!!document.getElementById('api-links')", 10, 'the API page')
    await page.screenshot(args.out, 'api')

    # Keyboard: after a reload (the token stays in the tab), the first Tab reaches the skip link and Enter
    # on it moves the focus to the page's content.
    await page.send('Page.reload')
    await page.wait_for("document.getElementById('live-status').dataset.state === 'live'", 15, 'the live connection after a reload')

    async def key(name, code, vk):
        for kind in ('keyDown', 'keyUp'):
            await page.send('Input.dispatchKeyEvent', {'type': kind, 'key': name, 'code': code, 'windowsVirtualKeyCode': vk,
                                                       **({'text': '\r'} if name == 'Enter' and kind == 'keyDown' else {})})
    await key('Tab', 'Tab', 9)
    focused = await page.eval("document.activeElement.id || document.activeElement.tagName")
    check(focused == 'skip-link', f'the first Tab focuses {focused!r}, not the skip link')
    await key('Enter', 'Enter', 13)
    focused = await page.wait_for("document.activeElement.id === 'main' && 'main'", 5, 'Enter on the skip link to focus the content')
    log('keyboard: Tab reaches the skip link, Enter moves to the content')

    # The only network error is the invalid rule the test posted on purpose.
    unexpected = [e for e in page.network_errors if '400' not in e or 'alert-rules' not in e]
    check(not page.errors and not unexpected, f'browser console errors: {page.errors + unexpected}')
    log(f'no error in the browser console ({len(page.network_errors)} expected network error(s) for the invalid rule)')


def die_with_parent():
    """In the browser's process, before exec: it gets SIGKILL when this driver dies, however it dies."""
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


async def main(args):
    profile = tempfile.mkdtemp(prefix='twikit-chromium-')
    cmd = [args.chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
           '--no-default-browser-check', '--disable-extensions', '--disable-background-networking', '--disable-sync',
           '--disable-component-update', '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1',
           f'--user-data-dir={profile}', '--window-size=1280,800', 'about:blank']
    with open(os.path.join(args.out, 'chromium.log'), 'w') as err:
        browser = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=die_with_parent)
    try:
        port_file = os.path.join(profile, 'DevToolsActivePort')
        deadline = time.monotonic() + 30 * SCALE
        while not (os.path.exists(port_file) and os.path.getsize(port_file) > 0):
            if browser.poll() is not None or time.monotonic() > deadline:
                raise CheckFailed(f'chromium did not start; see {args.out}/chromium.log')
            await asyncio.sleep(0.05)
        port = int(open(port_file).read().split()[0])
        with urllib.request.urlopen(f'http://127.0.0.1:{port}/json/list', timeout=5) as res:
            targets = json.loads(res.read())
        url = next(t['webSocketDebuggerUrl'] for t in targets if t['type'] == 'page')
        log(f'chromium {browser.pid} on DevTools port {port}')
        async with websockets.connect(url, max_size=64 * 1024 * 1024, ping_interval=None) as ws:
            page = Page(ws)
            for domain in ('Page', 'Runtime', 'Log'):
                await page.send(f'{domain}.enable')
            try:
                await run(args, page)
            except CheckFailed as e:
                raise CheckFailed(f'{e}\n  browser console: {page.errors + page.network_errors}') from None
    finally:
        browser.terminate()
        try:
            browser.wait(10)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == '__main__':
    parser = argparse.ArgumentParser()
    for name in ('--alertd', '--sim', '--token', '--out', '--chromium'):
        parser.add_argument(name, required=True)
    parser.add_argument('--scale', type=int, default=1)
    args = parser.parse_args()
    SCALE = args.scale
    if not os.access(args.chromium, os.X_OK):
        print(f'SKIPPED: chromium is not installed ({args.chromium}; scripts/setup.sh installs it)', flush=True)
        sys.exit(77)
    os.makedirs(args.out, exist_ok=True)
    # The test's SIGTERM (on its timeout) ends the run through the finally blocks, which stop chromium.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        asyncio.run(main(args))
    except CheckFailed as e:
        log(f'FAILED: {e}')
        sys.exit(1)
    log('all console checks passed')
