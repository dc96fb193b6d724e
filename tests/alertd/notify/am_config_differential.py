#!/usr/bin/env python3
"""Alertmanager config corpus, differential: every file under am_configs/good and am_configs/bad is checked
by the real `amtool check-config` (Alertmanager 0.25) and by `alertd check config`, and both must give the
same verdict. The folder says what amtool must answer, so the corpus itself is checked too.

Excluded by rule, not by case: a file that uses an integration alertd does not have (pagerduty_configs,
opsgenie_configs, ...), a global key of one (victorops_api_key, ...) or an http_config setting its HTTP client
does not have (tls_config, proxy_url, oauth2, ...) must be refused by alertd with "is not supported by alertd", and is not compared.

Usage: am_config_differential.py ALERTD CORPUS_DIR [--verbose]. Exit 0 when all agree, 1 otherwise, 77 (skip)
when amtool is not installed. Prints the agreement counts."""
import os
import shutil
import subprocess
import sys

UNSUPPORTED = ("pagerduty_configs", "pushover_configs", "opsgenie_configs", "victorops_configs", "wechat_configs",
               "sns_configs", "telegram_configs", "webex_configs", "discord_configs", "msteams_configs",
               # http_config settings alertd's HTTP client does not have
               "tls_config", "proxy_url", "no_proxy", "proxy_from_environment", "proxy_connect_header", "oauth2",
               "follow_redirects", "enable_http2",
               # global keys of integrations (and SMTP mechanisms) alertd does not have
               "pagerduty_url", "opsgenie_api_url", "opsgenie_api_key", "victorops_api_url", "victorops_api_key",
               "wechat_api_url", "wechat_api_secret", "wechat_api_corp_id", "telegram_api_url", "webex_api_url",
               "smtp_auth_identity", "smtp_auth_secret")


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    return p.returncode, p.stdout


def uses_unsupported_integration(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return any(key + ":" in text for key in UNSUPPORTED)


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    alertd, corpus = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    verbose = "--verbose" in sys.argv
    amtool = shutil.which("amtool")
    if amtool is None:
        print("SKIP: amtool (prometheus-alertmanager) is not installed")
        return 77
    counts = {"good": [0, 0], "bad": [0, 0]}  # [agree, total]
    problems = []
    excluded = 0
    for verdict in ("good", "bad"):
        folder = os.path.join(corpus, verdict)
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".yml"):
                continue
            path = os.path.join(folder, name)
            am_rc, am_out = run([amtool, "check-config", path], folder)
            ad_rc, ad_out = run([alertd, "check", "config", "--config.allow-empty", path], folder)
            am_ok, ad_ok = am_rc == 0, ad_rc == 0
            rel = verdict + "/" + name
            if am_ok != (verdict == "good"):
                problems.append(f"{rel}: amtool says {'valid' if am_ok else 'invalid'}, the folder says {verdict}:\n{am_out}")
            if uses_unsupported_integration(path):
                excluded += 1
                if ad_ok or "is not supported by alertd" not in ad_out:
                    problems.append(f"{rel}: uses an integration alertd lacks, but alertd does not say so:\n{ad_out}")
                continue
            counts[verdict][1] += 1
            if am_ok == ad_ok:
                counts[verdict][0] += 1
                if verbose:
                    print(f"agree    {rel}: {ad_out.strip().splitlines()[-1] if ad_out.strip() else ''}")
            else:
                problems.append(f"{rel}: amtool {'accepts' if am_ok else 'rejects'} it, alertd "
                                f"{'accepts' if ad_ok else 'rejects'} it\n  amtool: {am_out.strip()}\n  alertd: {ad_out.strip()}")
    for p in problems:
        print("DISAGREE " + p)
    print(f"good: {counts['good'][0]}/{counts['good'][1]} agree, bad: {counts['bad'][0]}/{counts['bad'][1]} agree, "
          f"{excluded} excluded by rule (integrations and http_config settings alertd lacks)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
