"""Helpers the Python test scripts share: loopback ports and stopping the processes they started.

Import with the tests/support directory on sys.path:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'support'))
"""
import socket
import subprocess


def free_port():
    """A TCP port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def stop_processes(procs, timeout_s):
    """Sends SIGTERM to every process, waits up to timeout_s for each and kills the ones still running;
    returns how many had to be killed."""
    for p in procs:
        p.terminate()
    killed = 0
    for p in procs:
        try:
            p.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            killed += 1
    return killed
