#!/usr/bin/env python3
"""Checks of dashboards/ and deploy/ that need no running stack. One check per CTest test:

  check_deploy.py <check> <source dir> <binary dir>

Exit 0 = pass, 1 = fail (with the reasons on stderr), 77 = skipped (the reason is printed; CTest shows the
test as skipped, never as passed).
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

SKIP = 77
SRC, BIN = sys.argv[2], sys.argv[3]
problems = []


def fail(message):
    problems.append(message)


def rel(path):
    return os.path.relpath(path, SRC)


def load_all(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


# ---------------------------------------------------------------------------------------------------------
def check_yaml():
    """Every YAML file under deploy/ parses; manifests, provisioning and prometheus.yml have their shape."""
    files = sorted(glob.glob(f"{SRC}/deploy/**/*.y*ml", recursive=True))
    if len(files) < 8:
        fail(f"expected the deploy/ YAML files, found only {files}")
    for path in files:
        try:
            docs = load_all(path)
        except yaml.YAMLError as e:
            fail(f"{rel(path)}: {e}")
            continue
        if not docs:
            fail(f"{rel(path)}: empty")
    kinds = {}
    for path in sorted(glob.glob(f"{SRC}/deploy/kubernetes/*.yaml")):
        for doc in load_all(path):
            for key in ("apiVersion", "kind"):
                if key not in doc:
                    fail(f"{rel(path)}: a document without {key}")
            name = doc.get("metadata", {}).get("name")
            if not name:
                fail(f"{rel(path)}: {doc.get('kind')} without metadata.name")
            if doc.get("kind") != "Namespace" and doc.get("metadata", {}).get("namespace") != "twikit-monitor":
                fail(f"{rel(path)}: {doc.get('kind')}/{name} is not in namespace twikit-monitor")
            kinds.setdefault(doc.get("kind"), []).append(name)
            if doc.get("kind") == "Deployment":
                spec = doc["spec"]
                labels = spec["template"]["metadata"]["labels"]
                for k, v in spec["selector"]["matchLabels"].items():
                    if labels.get(k) != v:
                        fail(f"{rel(path)}: Deployment/{name} selector {k}={v} does not match its pod labels")
                for c in spec["template"]["spec"]["containers"]:
                    sc = c.get("securityContext", {})
                    if sc.get("allowPrivilegeEscalation") is not False or sc.get("readOnlyRootFilesystem") is not True:
                        fail(f"{rel(path)}: container {c['name']} is not locked down")
                mounted = {v["name"] for c in spec["template"]["spec"]["containers"] for v in c.get("volumeMounts", [])}
                declared = {v["name"] for v in spec["template"]["spec"].get("volumes", [])}
                if mounted != declared:
                    fail(f"{rel(path)}: Deployment/{name} mounts {sorted(mounted)} but declares {sorted(declared)}")
    for kind in ("Namespace", "Deployment", "Service", "ConfigMap", "ServiceMonitor", "PrometheusRule",
                 "PersistentVolumeClaim"):
        if kind not in kinds:
            fail(f"deploy/kubernetes has no {kind}")
    for cm in ("twikit-monitor-config", "twikit-rules"):
        if cm not in kinds.get("ConfigMap", []):
            fail(f"deploy/kubernetes has no ConfigMap {cm}, which the Deployments mount")
    # The embedded configs in the ConfigMap are YAML too.
    for doc in load_all(f"{SRC}/deploy/kubernetes/configmap-config.yaml"):
        for key, text in doc["data"].items():
            try:
                yaml.safe_load(text)
            except yaml.YAMLError as e:
                fail(f"configmap-config.yaml data.{key}: {e}")

    prom = load_all(f"{SRC}/deploy/prometheus/prometheus.yml")[0]
    if prom.get("rule_files") != ["/etc/twikit-monitor/rules/*.yml"]:
        fail("prometheus.yml must load /etc/twikit-monitor/rules/*.yml (scripts/demo.sh rewrites that string)")
    targets = {t for sc in prom["scrape_configs"] for s in sc["static_configs"] for t in s["targets"]}
    if not {"127.0.0.1:9877", "127.0.0.1:9878"} <= targets:
        fail(f"prometheus.yml must scrape the exporter (:9877) and alertd (:9878); it scrapes {sorted(targets)}")

    ds = load_all(f"{SRC}/deploy/grafana/provisioning/datasources/twikit-prometheus.yml")[0]
    if ds.get("apiVersion") != 1 or not any(d.get("type") == "prometheus" for d in ds.get("datasources", [])):
        fail("the datasource provisioning file must define a prometheus datasource (apiVersion 1)")
    dash = load_all(f"{SRC}/deploy/grafana/provisioning/dashboards/twikit.yml")[0]
    providers = dash.get("providers", [])
    if dash.get("apiVersion") != 1 or not providers or providers[0].get("type") != "file":
        fail("the dashboard provisioning file must define a file provider (apiVersion 1)")
    elif providers[0]["options"]["path"] != "/usr/share/twikit-monitor/dashboards":
        fail("the dashboard provider must read where cmake --install puts the dashboards")


# ---------------------------------------------------------------------------------------------------------
DS_REF = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}


def metric_names():
    """Every metric name the exporter, alertd and Prometheus can produce that dashboards may use."""
    with open(f"{SRC}/exporter/default_config.yaml", encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    names = {m["name"] for m in cfg["common_metrics"]}
    for specs in cfg["services"].values():
        names |= {m["name"] for m in specs}
    names |= {"twikit_up", "twikit_scrape_duration_seconds", "twikit_scrape_errors_total",
              "twikit_last_success_timestamp_seconds", "up", "ALERTS"}
    for path in glob.glob(f"{SRC}/exporter/*.cpp") + glob.glob(f"{SRC}/alertd/**/*.cpp", recursive=True):
        with open(path, encoding="utf-8") as f:
            names |= set(re.findall(r'"((?:twikit|alertd)_[a-z0-9_]+)"', f.read()))
    return names


def panels_of(dashboard):
    for p in dashboard.get("panels", []):
        yield p
        yield from p.get("panels", [])


def check_dashboards():
    """Dashboards are importable Grafana JSON: schema, DS_PROMETHEUS input, datasource on every panel,
    no foreign uids, unique ids, a sane grid, and only metric names the stack really exports."""
    known = metric_names()
    files = sorted(glob.glob(f"{SRC}/dashboards/*.json"))
    expected = {"twikit-overview.json", "twikit-service.json", "twikit-monitor.json"}
    if {os.path.basename(f) for f in files} != expected:
        fail(f"dashboards/ must hold exactly {sorted(expected)}, has {[os.path.basename(f) for f in files]}")
    uids = set()
    for path in files:
        name = rel(path)
        try:
            with open(path, encoding="utf-8") as f:
                d = json.load(f)
        except json.JSONDecodeError as e:
            fail(f"{name}: {e}")
            continue
        if not 36 <= d.get("schemaVersion", 0) <= 41:
            fail(f"{name}: schemaVersion {d.get('schemaVersion')} is not a current Grafana schema")
        inputs = d.get("__inputs", [])
        if not any(i.get("name") == "DS_PROMETHEUS" and i.get("type") == "datasource" and i.get("pluginId") == "prometheus"
                   for i in inputs):
            fail(f"{name}: no DS_PROMETHEUS datasource input in __inputs")
        if d.get("id") is not None:
            fail(f"{name}: id must be null (Grafana assigns it)")
        if not d.get("uid") or d["uid"] in uids:
            fail(f"{name}: missing or duplicate uid")
        uids.add(d.get("uid"))
        if not d.get("title"):
            fail(f"{name}: no title")
        # The only uids allowed anywhere: the DS_PROMETHEUS input and Grafana's built-in annotation source.
        for uid in re.findall(r'"uid":\s*"([^"]*)"', json.dumps(d)):
            if uid not in ("${DS_PROMETHEUS}", "-- Grafana --", d["uid"]):
                fail(f"{name}: hard-coded uid {uid!r}")
        variables = {v["name"]: v for v in d.get("templating", {}).get("list", [])}
        if variables.get("DS_PROMETHEUS", {}).get("type") != "datasource":
            fail(f"{name}: no DS_PROMETHEUS datasource variable (needed when provisioned from files)")
        ids = set()
        queries = 0
        for p in panels_of(d):
            title = f"{name}: panel {p.get('title')!r}"
            if p.get("id") in ids:
                fail(f"{title}: duplicate id {p.get('id')}")
            ids.add(p.get("id"))
            g = p.get("gridPos", {})
            if not all(k in g for k in "hwxy") or g["x"] + g["w"] > 24:
                fail(f"{title}: bad gridPos {g}")
            if p.get("datasource") != DS_REF:
                fail(f"{title}: datasource is {p.get('datasource')}, not ${{DS_PROMETHEUS}}")
            if p.get("type") == "row":
                continue
            if not p.get("description"):
                fail(f"{title}: no description (the tooltip that says what the panel means)")
            if not p.get("targets"):
                fail(f"{title}: no queries")
            for t in p.get("targets", []):
                queries += 1
                if t.get("datasource") != DS_REF:
                    fail(f"{title}: query {t.get('refId')} has datasource {t.get('datasource')}")
                expr = t.get("expr", "")
                if not expr:
                    fail(f"{title}: query {t.get('refId')} has no expr")
                for m in re.findall(r"\b((?:twikit|alertd)_[a-z0-9_]+)", expr):
                    if m not in known:
                        fail(f"{title}: metric {m} is not exported by anything in this repository")
        if queries == 0:
            fail(f"{name}: no queries at all")
    overview = json.load(open(f"{SRC}/dashboards/twikit-overview.json", encoding="utf-8"))
    top = [p for p in overview["panels"] if p["gridPos"]["y"] == 0]
    top_exprs = " ".join(t["expr"] for p in top for t in p.get("targets", []))
    for needed in ("twikit_up", "twikit_service_healthy", "ALERTS"):
        if needed not in top_exprs:
            fail(f"twikit-overview.json: the top row must answer 'is something wrong?' with {needed}")
    exprs = " ".join(t["expr"] for p in panels_of(overview) for t in p.get("targets", []))
    for needed in ("twikit_session_success_ratio", "twikit_proxy_health_score_average",
                   "twikit_rate_limit_utilization_ratio", "twikit_anti_detection_score",
                   "twikit_anti_detection_risk_level", "twikit_account_health_score_average",
                   "twikit_connection_pool_utilization_ratio", 'sum(twikit_circuit_breaker_state{state="open"})',
                   "twikit_emergency_stop_active", "twikit_campaigns_active", "rate(twikit_errors_total",
                   "rate(twikit_requests_total", "twikit_response_time_seconds", 'ALERTS{alertstate="firing"}'):
        if needed not in exprs:
            fail(f"twikit-overview.json: no panel shows {needed}")
    service = json.load(open(f"{SRC}/dashboards/twikit-service.json", encoding="utf-8"))
    var = {v["name"]: v for v in service["templating"]["list"]}.get("service")
    if not var or "label_values(twikit_up, service)" not in json.dumps(var.get("query")):
        fail("twikit-service.json: no $service variable from label_values(twikit_up, service)")
    for p in panels_of(service):
        for t in p.get("targets", []):
            if "twikit_" in t["expr"] and '$service' not in t["expr"]:
                fail(f"twikit-service.json: panel {p['title']!r} ignores $service")


# ---------------------------------------------------------------------------------------------------------
def check_prometheusrule():
    """The committed PrometheusRule holds exactly the groups of rules/*.yml (regenerated and compared)."""
    gen = f"{SRC}/deploy/kubernetes/gen-prometheusrule.py"
    r = subprocess.run([sys.executable, gen, "--check"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("generated manifests differ from the committed ones:\n" + r.stdout + r.stderr)
    expected = []
    for path in sorted(glob.glob(f"{SRC}/rules/*.yml")):
        doc = load_all(path)[0]
        if isinstance(doc, dict) and "groups" in doc:
            expected += doc["groups"] or []
    rule = [d for d in load_all(f"{SRC}/deploy/kubernetes/prometheusrule.yaml") if d["kind"] == "PrometheusRule"][0]
    got = rule["spec"]["groups"]
    if got != expected:
        names = lambda gs: sorted((g["name"], r.get("alert") or r.get("record")) for g in gs for r in g["rules"])  # noqa
        fail(f"PrometheusRule groups differ from rules/*.yml:\n  only in rules/: "
             f"{sorted(set(names(expected)) - set(names(got)))}\n  only in PrometheusRule: "
             f"{sorted(set(names(got)) - set(names(expected)))}")
    if not expected:
        print("note: rules/ holds no rule files yet; the PrometheusRule is correctly empty")


# ---------------------------------------------------------------------------------------------------------
def check_promtool():
    """promtool accepts prometheus.yml (rule path pointed at rules/) and every rule file."""
    if not shutil.which("promtool"):
        print("SKIPPED: promtool is not installed (apt-get install prometheus)")
        sys.exit(SKIP)
    tmp = tempfile.mkdtemp(prefix="twikit-promtool-")
    with open(f"{SRC}/deploy/prometheus/prometheus.yml", encoding="utf-8") as f:
        text = f.read().replace("/etc/twikit-monitor/rules", f"{SRC}/rules")
    with open(f"{tmp}/prometheus.yml", "w", encoding="utf-8") as f:
        f.write(text)
    r = subprocess.run(["promtool", "check", "config", f"{tmp}/prometheus.yml"], capture_output=True, text=True)
    print(r.stdout + r.stderr)
    if r.returncode != 0:
        fail("promtool check config failed")
    rules = [p for p in sorted(glob.glob(f"{SRC}/rules/*.yml")) if "groups" in (load_all(p) or [{}])[0]]
    if rules:
        r = subprocess.run(["promtool", "check", "rules", *rules], capture_output=True, text=True)
        print(r.stdout + r.stderr)
        if r.returncode != 0:
            fail("promtool check rules failed")
    shutil.rmtree(tmp)


# ---------------------------------------------------------------------------------------------------------
HARDENING = ("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
             "CapabilityBoundingSet=", "RestrictAddressFamilies=", "SystemCallFilter=@system-service")


def check_systemd():
    """The units carry the hardening and alertd's StateDirectory; systemd-analyze verify accepts them."""
    units = sorted(glob.glob(f"{SRC}/deploy/systemd/*.service"))
    names = {os.path.basename(u) for u in units}
    if names != {"twikit-exporter.service", "alertd.service", "twikit-sim.service"}:
        fail(f"deploy/systemd must hold the three units, has {sorted(names)}")
    for u in units:
        text = open(u, encoding="utf-8").read()
        for h in HARDENING:
            if h not in text.splitlines() and not any(line.startswith(h) for line in text.splitlines()):
                fail(f"{rel(u)}: missing {h}")
    alertd = open(f"{SRC}/deploy/systemd/alertd.service", encoding="utf-8").read()
    if "StateDirectory=alertd" not in alertd or "${STATE_DIRECTORY}" not in alertd:
        fail("alertd.service must keep its SQLite database in its StateDirectory")
    if problems:
        return
    if not shutil.which("systemd-analyze"):
        print("SKIPPED (systemd-analyze verify only): systemd-analyze is not installed; static checks passed")
        sys.exit(SKIP)
    # verify wants the ExecStart binaries to exist: point them at the built ones (or /bin/true when a binary
    # is not built in this tree, which is said below).
    tmp = tempfile.mkdtemp(prefix="twikit-units-")
    built = {"twikit-exporter": "exporter/twikit-exporter", "alertd": "alertd/alertd", "twikit-sim": "sim/twikit-sim"}
    for u in units:
        text = open(u, encoding="utf-8").read()
        for name, path in built.items():
            binary = f"{BIN}/{path}"
            if f"/usr/bin/{name} " not in text:
                continue
            if not os.access(binary, os.X_OK):
                print(f"note: {binary} is not built; verifying {os.path.basename(u)} with /bin/true in its place")
                binary = "/bin/true"
            text = text.replace(f"/usr/bin/{name} ", f"{binary} ")
        with open(f"{tmp}/{os.path.basename(u)}", "w", encoding="utf-8") as f:
            f.write(text)
    r = subprocess.run(["systemd-analyze", "verify", *sorted(glob.glob(f"{tmp}/*.service"))],
                       capture_output=True, text=True)
    out = (r.stdout + r.stderr).strip()
    print(out)
    # verify exits 0 on unknown keys and unparsable values, only printing them: every line about one of the
    # units is a failure. Lines about the host (no running systemd in a container) are not about the units.
    relevant = [line for line in out.splitlines() if any(os.path.basename(u) in line for u in units)]
    if r.returncode != 0 or relevant:
        fail("systemd-analyze verify reported:\n" + "\n".join(relevant))
    shutil.rmtree(tmp)


# ---------------------------------------------------------------------------------------------------------
def check_install():
    """cmake --install puts binaries, configs, rules, dashboards and units where operators expect them."""
    prefix = tempfile.mkdtemp(prefix="twikit-install-")
    r = subprocess.run([sys.argv[4], "--install", BIN, "--prefix", prefix], capture_output=True, text=True)
    print(r.stdout[-3000:] + r.stderr)
    if r.returncode != 0:
        fail("cmake --install failed")
        return
    expected = ["bin/twikit-exporter", "etc/twikit-monitor/exporter.yaml", "etc/twikit-monitor/alertd.yaml",
                "share/twikit-monitor/dashboards/twikit-overview.json",
                "share/twikit-monitor/dashboards/twikit-service.json",
                "share/twikit-monitor/dashboards/twikit-monitor.json",
                "share/twikit-monitor/prometheus/prometheus.yml",
                "share/twikit-monitor/grafana/provisioning/dashboards/twikit.yml",
                "share/twikit-monitor/grafana/provisioning/datasources/twikit-prometheus.yml",
                "share/twikit-monitor/kubernetes/prometheusrule.yaml",
                "lib/systemd/system/twikit-exporter.service", "lib/systemd/system/alertd.service",
                "lib/systemd/system/twikit-sim.service"]
    for f in sorted(glob.glob(f"{SRC}/rules/*.yml")):
        expected += [f"share/twikit-monitor/rules/{os.path.basename(f)}", f"etc/twikit-monitor/rules/{os.path.basename(f)}"]
    for binary, built in (("alertd", "alertd/alertd"), ("twikit-sim", "sim/twikit-sim")):
        if os.path.exists(f"{BIN}/{built}"):
            expected.append(f"bin/{binary}")
        else:
            print(f"note: {built} is not built in this tree, so bin/{binary} is not expected")
    for f in expected:
        if not os.path.isfile(f"{prefix}/{f}"):
            fail(f"cmake --install did not install {f}")
    if os.path.isfile(f"{prefix}/bin/twikit-exporter") and not os.access(f"{prefix}/bin/twikit-exporter", os.X_OK):
        fail("bin/twikit-exporter is not executable")
    unit = f"{prefix}/lib/systemd/system/twikit-exporter.service"
    if os.path.isfile(unit):
        exec_start = [line for line in open(unit, encoding="utf-8") if line.startswith("ExecStart=")][0]
        m = re.match(r"ExecStart=(\S+) --config.file=(\S+)", exec_start)
        if not m or not m.group(1).endswith("/bin/twikit-exporter") or not m.group(2).endswith("/twikit-monitor/exporter.yaml"):
            fail(f"installed twikit-exporter.service starts {exec_start.strip()}")
    shutil.rmtree(prefix)


# ---------------------------------------------------------------------------------------------------------
def check_ha():
    """The HA pair's files agree: the Kubernetes pair runs deploy/ha/alertd.yaml but for its addresses; it
    forwards to every pod of the Alertmanager StatefulSet, whose peers name every pod too; no alertd receiver
    of its own (both replicas would call it)."""
    shipped = load_all(f"{SRC}/deploy/ha/alertd.yaml")[0]
    pair = {d["kind"]: d for d in load_all(f"{SRC}/deploy/kubernetes/ha/alertd-pair.yaml")}
    am = {d["kind"]: d for d in load_all(f"{SRC}/deploy/kubernetes/ha/alertmanager.yaml")}
    in_cluster = yaml.safe_load(pair["ConfigMap"]["data"]["alertd.yaml"])
    for key in ("global", "route"):
        a = {k: v for k, v in shipped[key].items() if k != "external_url"}
        b = {k: v for k, v in in_cluster[key].items() if k != "external_url"}
        if a != b:
            fail(f"deploy/kubernetes/ha/alertd-pair.yaml: {key} differs from deploy/ha/alertd.yaml: {b} vs {a}")
    for name, config in (("deploy/ha/alertd.yaml", shipped), ("deploy/kubernetes/ha/alertd-pair.yaml", in_cluster)):
        receivers = config.get("receivers", [])
        if len(receivers) != 1 or set(receivers[0]) != {"name", "alertmanager_configs"}:
            fail(f"{name}: an HA pair needs exactly one receiver, alertmanager_configs only; found {receivers}")
        if not config["global"].get("external_labels"):
            fail(f"{name}: no external_labels")
    sts = am["StatefulSet"]
    replicas = sts["spec"]["replicas"]
    service = sts["spec"]["serviceName"]
    namespace = sts["metadata"]["namespace"]
    pods = [f"{sts['metadata']['name']}-{i}.{service}.{namespace}.svc" for i in range(replicas)]
    args = sts["spec"]["template"]["spec"]["containers"][0]["args"]
    peers = sorted(a.split("=", 1)[1].rsplit(":", 1)[0] for a in args if a.startswith("--cluster.peer="))
    if peers != sorted(pods):
        fail(f"alertmanager.yaml: --cluster.peer names {peers}, the StatefulSet's pods are {pods}")
    urls = sorted(c["url"] for c in in_cluster["receivers"][0]["alertmanager_configs"])
    if urls != sorted(f"http://{p}:9093" for p in pods):
        fail(f"alertd-pair.yaml forwards to {urls}, not to every Alertmanager pod {pods}")
    if am["Service"]["spec"].get("clusterIP") != "None" or am["Service"]["metadata"]["name"] != service:
        fail("alertmanager.yaml: the StatefulSet's service must be headless (clusterIP: None)")
    if pair["StatefulSet"]["spec"]["replicas"] != 2:
        fail("alertd-pair.yaml: a pair has two replicas")


CHECKS = {"yaml": check_yaml, "dashboards": check_dashboards, "prometheusrule": check_prometheusrule,
          "promtool": check_promtool, "systemd": check_systemd, "install": check_install,
          "ha": check_ha}

if __name__ == "__main__":
    CHECKS[sys.argv[1]]()
    for p in problems:
        print("FAIL: " + p, file=sys.stderr)
    sys.exit(1 if problems else 0)
