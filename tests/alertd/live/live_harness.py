"""What the live tests with a real client share: the websockets module (exit 77, skipped, without it), the
sanitizer time scale, waits with deadlines, and the runner that calls every test_* function in turn.
"""
import asyncio
import json
import os
import sys
import time

try:
    import websockets  # noqa: F401 - imported here so that every live test skips alike without it
    import websockets.exceptions  # noqa: F401
except ImportError:
    print("skipped: python3-websockets is not installed (scripts/setup.sh installs it)")
    sys.exit(77)

SCALE = int(os.environ.get("TWIKIT_TIMEOUT_SCALE", "1"))


def deadline(seconds):
    """`seconds` scaled for sanitizer builds."""
    return seconds * SCALE


def eventually(condition, seconds=10):
    """Whether `condition()` holds within `seconds` (scaled), polled every 20 ms."""
    end = time.monotonic() + deadline(seconds)
    while True:
        if condition():
            return True
        if time.monotonic() > end:
            return False
        time.sleep(0.02)


async def recv_json(ws, seconds=5):
    """The next message, parsed, within `seconds` (scaled)."""
    return json.loads(await asyncio.wait_for(ws.recv(), deadline(seconds)))


def run_tests(namespace, argument, on_failure=None):
    """Runs every `test_*` coroutine function of `namespace` (those taking an argument get `argument`), only
    those whose name contains $LIVE_TEST_ONLY when it is set; prints one line per test and returns the exit
    status (1 when any failed). `on_failure` runs once at the end when a test failed."""
    tests = [(name, fn) for name, fn in namespace.items() if name.startswith("test_")]
    only = os.environ.get("LIVE_TEST_ONLY")
    failed = ran = 0
    for name, fn in tests:
        if only and only not in name:
            continue
        ran += 1
        start = time.monotonic()
        try:
            asyncio.run(fn(argument) if fn.__code__.co_argcount else fn())
            print(f"ok   {name} ({time.monotonic() - start:.2f} s)", flush=True)
        except Exception as e:  # noqa: BLE001 - report every failure, then go on
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
    if failed and on_failure:
        on_failure()
    print(f"{ran - failed} passed, {failed} failed")
    return 1 if failed else 0
