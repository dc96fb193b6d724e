#!/usr/bin/env python3
"""End-to-end: the real amtool (Alertmanager 0.25, Debian's prometheus-alertmanager) against a real alertd.

Starts alertd on 127.0.0.1 with a rule file whose alerts fire at once (`vector(1)` with labels) and an API
token, then checks with amtool:
- `alert query` lists the firing alerts (table and -o json);
- `silence add` (with --http.config.file carrying the bearer token; refused without it) creates a silence
  that /api/monitoring/silences shows and that silences its alert (`alert query` no longer lists it,
  `alert query -s` does);
- `amtool check-config` accepts what /api/v2/status reports as config.original;
- `silence query` lists it; `silence update ID` changes it in place (same id), `silence expire ID` expires it (the monitoring API then says expired).
Then starts a real Alertmanager 0.25 on 127.0.0.1 with the same routes, POSTs it the same alerts, runs the
same amtool commands against both and compares the table headers, the alert names listed and the key sets
of `alert query -o json` and `silence query -o json`, and of the raw answers of GET /api/v2/alerts,
/alerts/groups, /silences, /status and /receivers.

usage: amtool_e2e.py ALERTD
Exit 0 when everything holds, 1 with what did not, 77 (skipped) when amtool is not installed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'support'))
from peers import free_port, stop_processes  # noqa: E402

TOKEN = 'amapi-e2e-token'

RULES = """groups:
  - name: amapi-e2e
    interval: 1s
    rules:
      - alert: AmapiWarning
        expr: vector(1)
        labels: {severity: warning, service: session_manager}
        annotations: {summary: "warning for the amtool test"}
      - alert: AmapiCritical
        expr: vector(1)
        labels: {severity: critical, service: proxy_rotation}
        annotations: {summary: "critical for the amtool test"}
"""

ROUTES = """route:
  receiver: log
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: crit
    - matchers: ['team="nobody"']
      receiver: hook
      mute_time_intervals: [weekends]
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [service]
time_intervals:
  - name: weekends
    time_intervals:
      - weekdays: ['saturday', 'sunday']
        times: [{start_time: '00:00', end_time: '24:00'}]
receivers:
  - name: log
  - name: crit
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:9/never-called
"""

failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print('FAIL: ' + what, flush=True)
    return condition


def http(url, method='GET', body=None):
    req = urllib.request.Request(url, method=method, data=body, headers={'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ''


def wait_for(condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)  # polling a condition with a deadline, not waiting for a timer
    check(False, what + ' within %d s' % seconds)
    return False


class Amtool:
    def __init__(self, binary, url, http_config):
        self.binary, self.url, self.http_config = binary, url, http_config

    def run(self, *args, auth=False):
        argv = [self.binary, '--alertmanager.url=' + self.url]
        if auth:
            argv.append('--http.config.file=' + self.http_config)
        p = subprocess.run(argv + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        return p.returncode, p.stdout, p.stderr

    def out(self, *args, auth=False):
        rc, out, err = self.run(*args, auth=auth)
        check(rc == 0, 'amtool %s against %s: exit %d: %s' % (' '.join(args), self.url, rc, err.strip()))
        return out

    def json(self, *args):
        text = self.out(*args, '-o', 'json')
        try:
            return json.loads(text)
        except ValueError:
            check(False, 'amtool %s -o json against %s printed no JSON: %r' % (' '.join(args), self.url, text))
            return []


def key_paths(value, path=''):
    """The set of key paths of a JSON value: dict keys joined with '.', list elements as '[]'."""
    out = set()
    if isinstance(value, dict):
        for k, v in value.items():
            out.add(path + '.' + k)
            out |= key_paths(v, path + '.' + k)
    elif isinstance(value, list):
        for v in value:
            out |= key_paths(v, path + '[]')
    return out


def header(table):
    lines = table.splitlines()
    return lines[0].split() if lines else []


def names(table):
    return sorted(line.split()[0] for line in table.splitlines()[1:] if line.strip())


def start(argv, log_path):
    log = open(log_path, 'w')
    return subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)


def scenario(amtool, monitoring_url):
    """Runs the amtool scenario against one server; returns what the comparison needs."""
    seen = {}
    table = amtool.out('alert', 'query')
    check(names(table) == ['AmapiCritical', 'AmapiWarning'], '%s: alert query lists both alerts:\n%s' % (amtool.url, table))
    seen['alert_header'] = header(table)
    seen['alerts_json'] = amtool.json('alert', 'query')
    check(sorted(a['labels']['alertname'] for a in seen['alerts_json']) == ['AmapiCritical', 'AmapiWarning'],
          '%s: alert query -o json lists both alerts' % amtool.url)
    if monitoring_url:  # alertd only: mutations need the token
        rc, _, err = amtool.run('silence', 'add', 'alertname=AmapiWarning', '--comment=no token', '--duration=1h')
        check(rc != 0 and '401' in err, 'alertd refuses silence add without the token (exit %d: %s)' % (rc, err.strip()))
    sid = amtool.out('silence', 'add', 'alertname=AmapiWarning', '--comment=amapi e2e', '--duration=1h',
                     '--author=e2e', auth=True).strip()
    check(sid != '', '%s: silence add printed the silence id' % amtool.url)
    if monitoring_url:
        status, body = http(monitoring_url + '/api/monitoring/silences')
        listed = [s['id'] for s in json.loads(body).get('data', [])] if status == 200 else []
        check(sid in listed, '/api/monitoring/silences shows the silence %s made by amtool: %s' % (sid, body))
    table = amtool.out('alert', 'query')
    check(names(table) == ['AmapiCritical'], '%s: the silenced alert leaves alert query:\n%s' % (amtool.url, table))
    table = amtool.out('alert', 'query', '-s')
    check(names(table) == ['AmapiWarning'], '%s: alert query -s lists the silenced alert:\n%s' % (amtool.url, table))
    seen['silenced_json'] = amtool.json('alert', 'query', '-s')
    table = amtool.out('silence', 'query')
    seen['silence_header'] = header(table)
    check(sid in table, '%s: silence query lists %s:\n%s' % (amtool.url, sid, table))
    check(amtool.out('silence', 'query', '-q').split() == [sid], '%s: silence query -q prints the id' % amtool.url)
    amtool.out('silence', 'update', sid, '--duration=2h', '--comment=extended', auth=True)
    check(amtool.out('silence', 'query', '-q').split() == [sid],
          '%s: silence update of an active silence keeps its id (updated in place)' % amtool.url)
    seen['silences_json'] = amtool.json('silence', 'query')
    check([s['comment'] for s in seen['silences_json']] == ['extended'], '%s: silence update changed the comment' % amtool.url)
    amtool.out('silence', 'expire', sid, auth=True)
    check(amtool.out('silence', 'query', '-q').split() == [], '%s: no active silence after expire' % amtool.url)
    check(sid in amtool.out('silence', 'query', '--expired', '-q').split(),
          '%s: silence query --expired lists the expired silence' % amtool.url)
    if monitoring_url:
        status, body = http(monitoring_url + '/api/monitoring/silences/' + sid)
        check(status == 200 and json.loads(body)['data']['status']['state'] == 'expired',
              '/api/monitoring/silences/%s says expired: %s' % (sid, body))
    check(names(amtool.out('alert', 'query')) == ['AmapiCritical', 'AmapiWarning'],
          '%s: both alerts active again after expire' % amtool.url)
    return seen


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    alertd = sys.argv[1]
    amtool_bin = shutil.which('amtool') or ('/usr/bin/amtool' if os.path.exists('/usr/bin/amtool') else None)
    if not amtool_bin:
        print('SKIPPED: amtool is not installed (Debian package prometheus-alertmanager)')
        return 77
    am_bin = shutil.which('prometheus-alertmanager') or shutil.which('alertmanager')
    work = tempfile.mkdtemp(prefix='twikit-amapi-e2e-')
    procs = []
    try:
        with open(os.path.join(work, 'rules.yml'), 'w') as f:
            f.write(RULES)
        with open(os.path.join(work, 'token'), 'w') as f:
            f.write(TOKEN + '\n')
        with open(os.path.join(work, 'alertd.yaml'), 'w') as f:
            f.write('global:\n  evaluation_interval: 1s\n  api_bearer_token_file: %s/token\n' % work)
            f.write("rule_files: ['%s/rules.yml']\n" % work)
            f.write(ROUTES.replace('  - name: log\n', '  - name: log\n    system_log_configs: [{}]\n')
                    .replace('  - name: crit\n', '  - name: crit\n    system_log_configs: [{}]\n'))
        http_config = os.path.join(work, 'http.yml')
        with open(http_config, 'w') as f:
            f.write('authorization:\n  type: Bearer\n  credentials: %s\n' % TOKEN)
        port = free_port()
        url = 'http://127.0.0.1:%d' % port
        procs.append(start([alertd, '--config.file=' + work + '/alertd.yaml', '--web.listen-address=127.0.0.1:%d' % port,
                            '--storage.path=' + work + '/alertd.db'], work + '/alertd.log'))

        def alertd_alerts():
            status, body = http(url + '/api/v2/alerts')
            return json.loads(body) if status == 200 else []

        if not wait_for(lambda: len(alertd_alerts()) == 2, 'alertd serves both firing alerts on /api/v2/alerts'):
            return 1
        ours = scenario(Amtool(amtool_bin, url, http_config), url)
        # What /api/v2/status reports as config.original is an Alertmanager file amtool accepts.
        status, body = http(url + '/api/v2/status')
        original = json.loads(body)['config']['original'] if status == 200 else ''
        with open(os.path.join(work, 'original.yml'), 'w') as f:
            f.write(original)
        rc, out, err = Amtool(amtool_bin, url, http_config).run('check-config', os.path.join(work, 'original.yml'))
        check(rc == 0, 'amtool check-config accepts config.original (exit %d):\n%s%s%s' % (rc, original, out, err))

        if not am_bin:
            print('note: prometheus-alertmanager is not installed; the comparison with Alertmanager is left out')
        else:
            am_port = free_port()
            am_url = 'http://127.0.0.1:%d' % am_port
            with open(os.path.join(work, 'am.yml'), 'w') as f:
                f.write(ROUTES)
            procs.append(start([am_bin, '--config.file=' + work + '/am.yml', '--storage.path=' + work + '/am-data',
                                '--web.listen-address=127.0.0.1:%d' % am_port, '--cluster.listen-address='],
                               work + '/alertmanager.log'))
            if wait_for(lambda: http(am_url + '/-/ready')[0] == 200, 'Alertmanager becomes ready'):
                posted = [{k: a[k] for k in ('labels', 'annotations', 'startsAt', 'generatorURL')} for a in alertd_alerts()]
                for a in posted:  # an hour of validity: the scenario outlasts alertd's 4 evaluation intervals
                    a['endsAt'] = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + 3600))
                status, body = http(am_url + '/api/v2/alerts', 'POST', json.dumps(posted).encode())
                check(status == 200, 'Alertmanager accepts the alerts: %d %s' % (status, body))
                wait_for(lambda: len(json.loads(http(am_url + '/api/v2/alerts')[1] or '[]')) == 2,
                         'Alertmanager lists both alerts')
                theirs = scenario(Amtool(amtool_bin, am_url, http_config), None)
                for what in ('alert_header', 'silence_header'):
                    check(ours[what] == theirs[what], '%s: alertd %s, Alertmanager %s' % (what, ours[what], theirs[what]))
                for what in ('alerts_json', 'silenced_json', 'silences_json'):
                    a, b = key_paths(ours[what]), key_paths(theirs[what])
                    check(a == b, '%s key sets differ: only alertd %s, only Alertmanager %s' %
                          (what, sorted(a - b), sorted(b - a)))
                # The raw answers too: amtool re-encodes what it decodes, so a property it does not know would
                # not show above.
                for path in ('/api/v2/alerts', '/api/v2/alerts/groups', '/api/v2/silences', '/api/v2/status',
                             '/api/v2/receivers'):
                    a_status, a_body = http(url + path)
                    b_status, b_body = http(am_url + path)
                    if check(a_status == b_status == 200, 'GET %s: alertd %d, Alertmanager %d' % (path, a_status, b_status)):
                        a, b = key_paths(json.loads(a_body)), key_paths(json.loads(b_body))
                        check(a == b, 'GET %s key sets differ: only alertd %s, only Alertmanager %s' %
                              (path, sorted(a - b), sorted(b - a)))
                print('compared with Alertmanager: headers %s / %s, %d and %d JSON key paths' %
                      (ours['alert_header'], ours['silence_header'], len(key_paths(ours['alerts_json'])),
                       len(key_paths(ours['silences_json']))))
    finally:
        stop_processes(procs, 10)
        if failures:
            print('logs kept in ' + work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if failures:
        print('%d failure(s)' % len(failures))
        return 1
    print('amtool against alertd: alert query, silence add/query/expire all agree')
    return 0


if __name__ == '__main__':
    sys.exit(main())
