#!/usr/bin/env python3
"""A dashboard client for the end-to-end live test: subscribes to alertd's /api/monitoring/ws with Debian's
python3-websockets and writes every message it receives as one JSON line to OUT, with the wall-clock time
it arrived ("receivedAt", seconds). Runs until killed, or SECONDS have passed.

usage: live_client.py WS_URL OUT SECONDS
Exit 77 (skipped) without the websockets module.
"""
import asyncio
import json
import sys
import time

try:
    import websockets
except ImportError:
    print('SKIPPED: python3-websockets is not installed (scripts/setup.sh installs it)')
    sys.exit(77)


async def main(url, out_path, seconds):
    deadline = time.time() + seconds
    async with websockets.connect(url) as ws:
        with open(out_path, 'a') as out:
            while time.time() < deadline:
                try:
                    text = await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.time()))
                except asyncio.TimeoutError:
                    break
                msg = json.loads(text)
                msg['receivedAt'] = time.time()
                out.write(json.dumps(msg) + '\n')
                out.flush()


if __name__ == '__main__':
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
