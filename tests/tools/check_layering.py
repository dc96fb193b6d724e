#!/usr/bin/env python3
"""Checks the one-way layering of the source tree from its #include lines.

Rules (docs/architecture.md):
  - common/ includes no program (alertd/, exporter/, sim/);
  - exporter/ and sim/ share only common/, and alertd/ includes neither of them;
  - alertd/storage and alertd/promql include neither alertd/rules nor the notification side
    (notify, dispatch, inhibit, silence, persistence);
  - nothing below alertd/app includes alertd/app or alertd/api (alertd/main.cpp and alertd/app itself may;
    alertd/api may include neither alertd/app).
Prints every violation as path:line: what and exits 1, or prints a count and exits 0.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
NOTIFICATION_SIDE = ("alertd/notify/", "alertd/dispatch/", "alertd/inhibit/", "alertd/silence/", "alertd/persistence/")


def forbidden(source: str, target: str):
    """Returns why `source` may not include `target`, or None."""
    if source.startswith("common/") and target.startswith(("alertd/", "exporter/", "sim/")):
        return "common/ includes no program"
    if source.startswith("exporter/") and target.startswith(("alertd/", "sim/")):
        return "exporter/ shares only common/"
    if source.startswith("sim/") and target.startswith(("alertd/", "exporter/")):
        return "sim/ shares only common/"
    if source.startswith("alertd/") and target.startswith(("exporter/", "sim/")):
        return "alertd/ shares only common/ with the other programs"
    if source.startswith(("alertd/storage/", "alertd/promql/")):
        if target.startswith("alertd/rules/") or target.startswith(NOTIFICATION_SIDE):
            return "storage/ and promql/ include neither rules/ nor the notification side"
    if source.startswith("alertd/") and not source.startswith(("alertd/app/", "alertd/main.cpp")):
        if target.startswith("alertd/app/"):
            return "nothing below app/ includes app/"
        if target.startswith("alertd/api/") and not source.startswith("alertd/api/"):
            return "nothing below app/ includes api/"
    return None


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    checked = 0
    violations = []
    for top in ("common", "alertd", "exporter", "sim"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".h", ".cpp", ".in"):
                continue
            source = path.relative_to(root).as_posix()
            for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
                match = INCLUDE.match(line)
                if not match:
                    continue
                checked += 1
                why = forbidden(source, match.group(1))
                if why:
                    violations.append(f"{source}:{number}: includes {match.group(1)}: {why}")
    if checked == 0:
        print(f"check_layering: no #include lines found under {root}", file=sys.stderr)
        return 1
    for v in violations:
        print(v)
    if violations:
        print(f"check_layering: {len(violations)} violation(s) in {checked} includes")
        return 1
    print(f"check_layering: {checked} includes follow the layering")
    return 0


if __name__ == "__main__":
    sys.exit(main())
