#!/usr/bin/env python3
"""deploy/Dockerfile builds with the release preset and its runtime stage installs every Debian package
that holds a shared library the programs link directly (ELF NEEDED, resolved by ldd, owned per dpkg -S):

  check_image_libraries.py <source dir> <release build dir>

The image cannot be built here (no container daemon); this fails the day a library is linked without the
image learning of it. Exit 0 = pass, 1 = fail, 77 = skipped (the reason is printed).
"""
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
SRC, RELEASE = sys.argv[1], sys.argv[2]
PROGRAMS = ("alertd/alertd", "exporter/twikit-exporter", "sim/twikit-sim")
# Essential in debian:12-slim (apt itself needs them), so the runtime stage need not name them.
IN_BASE_IMAGE = {"libc6", "libgcc-s1", "libstdc++6"}


def needed_packages(binary):
    """Debian packages owning the libraries `binary` names in its NEEDED entries."""
    dynamic = subprocess.run(["objdump", "-p", binary], capture_output=True, text=True, check=True).stdout
    needed = re.findall(r"^\s*NEEDED\s+(\S+)$", dynamic, re.M)
    resolved = dict(re.findall(r"^\s*(\S+) => (\S+)", subprocess.run(["ldd", binary], capture_output=True,
                                                                      text=True, check=True).stdout, re.M))
    packages = {}
    for soname in needed:
        path = resolved.get(soname)
        if not path:
            raise RuntimeError(f"{binary}: ldd does not resolve {soname}")
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(path)], capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if owner.returncode != 0:
            raise RuntimeError(f"{binary}: no Debian package owns {path} ({soname})")
        packages[owner.stdout.split(":")[0].strip()] = soname
    return packages


def main():
    binaries = [f"{RELEASE}/{p}" for p in PROGRAMS]
    if not all(os.access(b, os.X_OK) for b in binaries):
        print(f"SKIPPED: the release build in {RELEASE} is missing (scripts/test.sh builds it before the suite)")
        return SKIP
    if not shutil.which("objdump"):
        print("SKIPPED: objdump is not installed (binutils)")
        return SKIP
    dockerfile = open(f"{SRC}/deploy/Dockerfile", encoding="utf-8").read()
    problems = []
    if "cmake --preset release" not in dockerfile or "cmake --build --preset release" not in dockerfile:
        problems.append("deploy/Dockerfile's build stage does not build the release preset")
    runtime = dockerfile[dockerfile.rfind("\nFROM "):]
    install = re.search(r"apt-get install([^&]*)", runtime)
    listed = set(re.findall(r"\b([a-z0-9][a-z0-9.+-]+)\b", install.group(1))) if install else set()
    for binary in binaries:
        for package, soname in sorted(needed_packages(binary).items()):
            if package in IN_BASE_IMAGE:
                continue
            if package not in listed:
                problems.append(f"{os.path.basename(binary)} links {soname} from {package}, "
                                "which deploy/Dockerfile's runtime stage does not install")
            else:
                print(f"{os.path.basename(binary)}: {soname} from {package}: installed by the runtime stage")
    for p in problems:
        print(f"FAIL: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
