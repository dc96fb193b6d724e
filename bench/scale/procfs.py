"""What bench/scale's scripts read about a process and the machine: /proc and a free loopback port."""
import os
import socket

TICKS = os.sysconf("SC_CLK_TCK")


def status(pid):
    """The fields of /proc/PID/status as a dict of stripped strings."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def kib_bytes(fields, key):
    """A `… kB` field of /proc/PID/status (e.g. VmRSS), in bytes."""
    return int(fields[key].split()[0]) * 1024


def cpu_seconds(pid):
    """User + system CPU seconds process `pid` has used."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / TICKS


def free_port():
    """A TCP port free on 127.0.0.1 at the time of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
