#!/usr/bin/env python3
"""Turns twikit-sim's ready line into a target file for the exporter's `target_files:`.

    twikit-sim --replicas 100 --base-port 0 | scripts/sim-targets.py > targets/sim.yaml
    scripts/sim-targets.py --host sim.internal --timeout 2s ready.json > targets/sim.yaml

Reads the first line of the file named (or of stdin), the JSON object
{"admin": N, "services": {"<instance>": port, ...}}, and writes one target per instance, in the line's
order: name = the instance name, service = the service it plays (the name without its `-<i>` suffix),
url = http://HOST:PORT/status. Only the first line is read, so the sim keeps running in a pipe.
"""
import argparse
import json
import re
import sys


def service_of(instance: str) -> str:
    """The service an instance plays: `rate_limit-3` plays rate_limit; `rate_limit` is itself."""
    match = re.fullmatch(r"(.+)-\d+", instance)
    return match.group(1) if match else instance


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ready_line", nargs="?", help="file holding the ready line (default: stdin)")
    parser.add_argument("--host", default="127.0.0.1", help="host in every URL (default 127.0.0.1)")
    parser.add_argument("--timeout", default="", help="per-target timeout, e.g. 2s (default: the exporter's)")
    args = parser.parse_args()
    source = open(args.ready_line, encoding="utf-8") if args.ready_line else sys.stdin
    line = source.readline()
    try:
        services = json.loads(line)["services"]  # json keeps the line's key order
    except (ValueError, KeyError, TypeError) as err:
        print(f"sim-targets: not a twikit-sim ready line: {err}", file=sys.stderr)
        return 1
    host = f"[{args.host}]" if ":" in args.host and not args.host.startswith("[") else args.host
    timeout = f", timeout: {args.timeout}" if args.timeout else ""
    out = ["# Written by scripts/sim-targets.py from a twikit-sim ready line."]
    for instance, port in services.items():
        out.append(f'- {{name: {instance}, url: "http://{host}:{int(port)}/status", '
                   f"service: {service_of(instance)}{timeout}}}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
