#!/usr/bin/env python3
"""The Debian package, built and tested as installed:

  check_package.py <source dir> <release build dir>

Builds the package with CPack from the `release` preset's build directory, lints it, installs it
(`dpkg -i` when run as root under CI=true, else `dpkg -x` into a temporary root), runs the installed
programs from their installed paths with the installed configurations (ports moved by flags) against the
installed twikit-sim, checks the installed rules with promtool and the installed units with
`systemd-analyze verify`, and (dpkg -i only) that `dpkg -r` keeps the conffiles and `--purge` removes them.

Exit 0 = pass, 1 = fail (the reasons on stderr), 77 = skipped (the reason is printed).
"""
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'support'))
from peers import free_port, stop_processes  # noqa: E402

SKIP = 77
SRC, RELEASE = sys.argv[1], sys.argv[2]
PACKAGE = "twikit-monitor"
problems = []


def fail(message):
    problems.append(message)
    print(f"FAIL: {message}", file=sys.stderr)


def run(args, **kw):
    """Runs a command, printing it and what it said."""
    r = subprocess.run(args, capture_output=True, text=True, **kw)
    print(f"$ {' '.join(args)} -> {r.returncode}")
    out = (r.stdout + r.stderr).strip()
    if out:
        print(out[-4000:])
    return r


def get(url, timeout=5.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read().decode("utf-8", errors="replace")


def wait_for(url, deadline_s=30.0):
    end = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < end:
        try:
            return get(url)
        except Exception as e:  # not up yet
            last = e
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {deadline_s} s: {last}")


def build_package(out_dir):
    """cpack -G DEB from the release build; returns the .deb path and the seconds it took."""
    start = time.monotonic()
    r = run(["cpack", "--config", f"{RELEASE}/CPackConfig.cmake", "-B", out_dir])
    took = time.monotonic() - start
    debs = glob.glob(f"{out_dir}/*.deb")
    if r.returncode != 0 or len(debs) != 1:
        fail(f"cpack did not build one .deb (exit {r.returncode}, found {debs})")
        return None, took
    return debs[0], took


def check_control(deb):
    """Depends comes from shlibdeps (the libraries the programs link), the conffiles are every /etc file."""
    r = run(["dpkg-deb", "-f", deb, "Depends"])
    depends = r.stdout
    for lib in ("libc6", "libcurl4", "libsqlite3-0", "libyaml-cpp0.7", "libspdlog1.10"):
        if lib not in depends:
            fail(f"Depends lacks {lib} (not computed from the linked libraries?): {depends.strip()}")
    tmp = tempfile.mkdtemp(prefix="twikit-control-")
    run(["dpkg-deb", "-e", deb, tmp])
    conffiles = open(f"{tmp}/conffiles", encoding="utf-8").read().split() if os.path.exists(f"{tmp}/conffiles") else []
    contents = run(["dpkg-deb", "-c", deb]).stdout
    etc_files = [m.group(1) for m in re.finditer(r"\s\.(/etc/\S+[^/])$", contents, re.M)]
    if not etc_files:
        fail("the package installs nothing under /etc")
    for f in etc_files:
        if f not in conffiles:
            fail(f"{f} is installed but not a conffile")
    for f in ("/usr/bin/alertd", "/usr/bin/twikit-exporter", "/usr/bin/twikit-sim",
              "/lib/systemd/system/alertd.service", "/etc/twikit-monitor/alertd.yaml",
              "/etc/default/alertd", "/usr/share/twikit-monitor/dashboards/twikit-overview.json",
              "/usr/share/doc/twikit-monitor/copyright", "/usr/share/man/man1/alertd.1.gz"):
        if f".{f}\n" not in contents + "\n":
            fail(f"the package does not install {f}")
    for script in ("postinst", "prerm", "postrm"):
        text = open(f"{tmp}/{script}", encoding="utf-8").read() if os.path.exists(f"{tmp}/{script}") else ""
        if not text:
            fail(f"no {script} maintainer script")
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        if re.search(r"systemctl[^\n]*\b(start|enable)\b", code):
            fail(f"{script} starts or enables a service; the administrator decides that")


def lint(deb):
    if not shutil.which("lintian"):
        print("note: lintian is not installed; lint skipped (scripts/setup.sh installs it)")
        return
    r = run(["lintian", "--no-tag-display-limit", deb])
    errors = [line for line in (r.stdout + r.stderr).splitlines() if line.startswith("E:")]
    if errors:
        fail(f"lintian reports {len(errors)} error(s): {errors}")


def installed_root(deb):
    """Installs the package; returns (root, installed_with_dpkg)."""
    if os.geteuid() == 0 and os.environ.get("CI") == "true":
        run(["dpkg", "--purge", PACKAGE])  # a previous run's leftovers, if any
        r = run(["dpkg", "-i", deb])
        if r.returncode != 0:
            fail("dpkg -i failed")
        return "/", True
    root = tempfile.mkdtemp(prefix="twikit-root-")
    r = run(["dpkg", "-x", deb, root])
    if r.returncode != 0:
        fail("dpkg -x failed")
    print("note: not root under CI=true, so the package is unpacked with dpkg -x, not installed with dpkg -i;"
          " dpkg -r/--purge are not exercised")
    return root, False


def path_in(root, path):
    return os.path.join(root, path.lstrip("/"))


def with_root(root, text):
    """The installed configuration with its absolute installed paths moved under an unpacked root."""
    if root == "/":
        return text
    return text.replace("/etc/twikit-monitor", path_in(root, "/etc/twikit-monitor")).replace(
        "/usr/share/twikit-monitor", path_in(root, "/usr/share/twikit-monitor"))


def run_installed(root):
    """The installed programs with the installed configs: the sim on its unit's ports, the exporter and
    alertd on free ports."""
    work = tempfile.mkdtemp(prefix="twikit-installed-")
    procs = []
    try:
        sim_ports_free = all(_port_free(p) for p in range(9880, 9891))
        if sim_ports_free:
            procs.append(subprocess.Popen([path_in(root, "/usr/bin/twikit-sim"), "--host", "127.0.0.1", "--base-port", "9880"],
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
            ready = procs[-1].stdout.readline()
            if '"services"' not in ready:
                fail(f"the installed twikit-sim did not print its ready line: {ready!r}")
        else:
            print("note: ports 9880-9890 are taken, so the exporter's targets are not the installed sim")
        exporter_port = free_port()
        exporter_cfg = f"{work}/exporter.yaml"
        with open(exporter_cfg, "w", encoding="utf-8") as f:
            f.write(with_root(root, open(path_in(root, "/etc/twikit-monitor/exporter.yaml"), encoding="utf-8").read()))
        procs.append(subprocess.Popen([path_in(root, "/usr/bin/twikit-exporter"), f"--config.file={exporter_cfg}",
                                       f"--web.listen-address=127.0.0.1:{exporter_port}"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        status, body = wait_for(f"http://127.0.0.1:{exporter_port}/metrics")
        ups = re.findall(r'^twikit_up\{[^}]*service="([a-z_]+)"[^}]*\} (\S+)$', body, re.M)
        if len(ups) != 10:
            fail(f"the installed exporter's /metrics has {len(ups)} twikit_up series, expected 10")
        if sim_ports_free:
            down = [s for s, v in ups if v != "1"]
            if down:
                fail(f"the installed exporter sees these installed-sim services down: {down}")
        alertd_port = free_port()
        alertd_cfg = f"{work}/alertd.yaml"
        with open(alertd_cfg, "w", encoding="utf-8") as f:
            f.write(with_root(root, open(path_in(root, "/etc/twikit-monitor/alertd.yaml"), encoding="utf-8").read()))
        check = run([path_in(root, "/usr/bin/alertd"), "check", "config", alertd_cfg])
        if check.returncode != 0:
            fail("alertd check config fails on the installed alertd.yaml")
        procs.append(subprocess.Popen([path_in(root, "/usr/bin/alertd"), f"--config.file={alertd_cfg}",
                                       f"--web.listen-address=127.0.0.1:{alertd_port}", f"--storage.path={work}/alertd.db"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for(f"http://127.0.0.1:{alertd_port}/-/ready")
        _, rules_body = get(f"http://127.0.0.1:{alertd_port}/api/v1/rules")
        loaded = sum(len(g["rules"]) for g in json.loads(rules_body)["data"]["groups"])
        expected = 0
        for path in glob.glob(path_in(root, "/etc/twikit-monitor/rules/*.yml")):
            for group in (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("groups", []):
                expected += len(group.get("rules", []))
        if expected == 0 or loaded != expected:
            fail(f"alertd loaded {loaded} rules from the installed rule files, which hold {expected}")
        print(f"installed programs: exporter /metrics {len(body)} bytes, {len(ups)} services; alertd {loaded} rules")
    finally:
        if stop_processes(procs, 30):
            fail("an installed program did not stop within 30 s of SIGTERM")


def _port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def check_rules(root):
    if not shutil.which("promtool"):
        fail("promtool is not installed (scripts/setup.sh installs Debian's prometheus package)")
        return
    rules = sorted(glob.glob(path_in(root, "/etc/twikit-monitor/rules/*.yml")))
    if not rules or run(["promtool", "check", "rules", *rules]).returncode != 0:
        fail(f"promtool check rules does not pass on the installed rules {rules}")


def check_units(root):
    if not shutil.which("systemd-analyze"):
        print("note: systemd-analyze is not installed; the installed units are not verified")
        return
    names = ["alertd.service", "twikit-exporter.service", "twikit-sim.service"]
    units = [path_in(root, f"/lib/systemd/system/{n}") for n in names]
    missing = [u for u in units if not os.path.isfile(u)]
    if missing:
        fail(f"units not installed: {missing}")
        return
    tmp = tempfile.mkdtemp(prefix="twikit-installed-units-")
    for u in units:  # verify wants ExecStart's binary at its path: the unpacked one when not installed
        text = open(u, encoding="utf-8").read()
        if root != "/":
            text = text.replace("/usr/bin/", path_in(root, "/usr/bin/"))
        with open(f"{tmp}/{os.path.basename(u)}", "w", encoding="utf-8") as f:
            f.write(text)
    r = run(["systemd-analyze", "verify", *sorted(glob.glob(f"{tmp}/*.service"))])
    relevant = [line for line in (r.stdout + r.stderr).splitlines() if any(n in line for n in names)]
    if relevant:
        fail(f"systemd-analyze verify on the installed units: {relevant}")


def check_remove_and_purge():
    marker = "/etc/twikit-monitor/alertd.yaml"
    if run(["dpkg", "-r", PACKAGE]).returncode != 0:
        fail("dpkg -r failed")
    if os.path.exists("/usr/bin/alertd"):
        fail("dpkg -r left /usr/bin/alertd")
    if not os.path.exists(marker):
        fail(f"dpkg -r removed the conffile {marker}")
    if run(["dpkg", "--purge", PACKAGE]).returncode != 0:
        fail("dpkg --purge failed")
    if os.path.exists(marker) or os.path.exists("/etc/default/alertd"):
        fail("dpkg --purge kept conffiles")


def main():
    if not os.path.exists(f"{RELEASE}/CPackConfig.cmake") or not os.path.exists(f"{RELEASE}/alertd/alertd"):
        print(f"SKIPPED: no release build in {RELEASE} (scripts/test.sh builds the release preset before the suite)")
        return SKIP
    for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps"):
        if not shutil.which(tool):
            print(f"SKIPPED: {tool} is not installed (scripts/setup.sh installs it)")
            return SKIP
    out = tempfile.mkdtemp(prefix="twikit-deb-")
    deb, took = build_package(out)
    if deb:
        print(f"package: {os.path.basename(deb)}, {os.path.getsize(deb)} bytes, built in {took:.1f} s")
        check_control(deb)
        lint(deb)
        start = time.monotonic()
        root, installed = installed_root(deb)
        print(f"{'dpkg -i' if installed else 'dpkg -x'} took {time.monotonic() - start:.1f} s")
        if not problems:
            run_installed(root)
            check_rules(root)
            check_units(root)
        if installed:
            check_remove_and_purge()
    if problems:
        print(f"{len(problems)} problem(s)", file=sys.stderr)
        return 1
    print("package checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
