"""The runner the differential scripts share: the same input answered by alertd and by an upstream tool.

A script gives the tool's name and Debian package, its own arguments and a compare(args, tool, rng, work)
function that writes its inputs under `work`, runs both programs (run()), prints what it compared and each
difference, and returns True when something differs. main() parses `ALERTD [own arguments] [--seed S]
[--keep DIR]`, reports the test skipped (exit 77) without the tool, and keeps the inputs of a failed run.
"""
import argparse
import os
import random
import shutil
import subprocess
import tempfile

SKIPPED = 77


def run(argv, merge_stderr=False):
    """Runs argv to its end; returns (exit code, stdout), with stderr in it when merge_stderr."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
                       text=True)
    return p.returncode, p.stdout


def main(tool, package, work_prefix, add_arguments, compare):
    """The exit code: 0 when everything agrees, 1 when something differs, 77 without `tool`."""
    ap = argparse.ArgumentParser()
    ap.add_argument('alertd')
    add_arguments(ap)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--keep', help='write the inputs here and keep them')
    args = ap.parse_args()
    tool_path = shutil.which(tool)
    if not tool_path:
        print(f'SKIP: {tool} is not installed (Debian package {package}; scripts/setup.sh installs it)')
        return SKIPPED
    work = args.keep or tempfile.mkdtemp(prefix=work_prefix)
    os.makedirs(work, exist_ok=True)
    differs = compare(args, tool_path, random.Random(args.seed), work)
    if args.keep:
        pass
    elif differs:
        print(f'the inputs are kept in {work}')
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if differs else 0
