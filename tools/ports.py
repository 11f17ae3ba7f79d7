"""A local TCP port for ``mkdocs serve`` in the tests and the benchmark.

A port found by binding port 0 comes from the range the system hands out for port-0
binds, and it is free only until someone binds it: ``mkdocs serve`` binds its port
after its first build, by which time the plugin's spare kernels (and Jupyter, which
picks their ports by binding port 0) may have taken it. A port below that range is
never handed out that way.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

# Linux: the range the system gives port-0 binds from (its first port is read here).
EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 20000  # below: the well-known and commonly configured ports


def ephemeral_start() -> int:
    """The first port the system hands out for port-0 binds (32768 where unknown)."""
    try:
        return int(EPHEMERAL_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port(host: str = "127.0.0.1", attempts: int = 100) -> int:
    """A port of ``host`` that nothing listens on, below the port-0 range.

    >>> LOWEST <= free_port() < max(ephemeral_start(), LOWEST + 1000)
    True

    Raises:
        OSError: If ``attempts`` random ports were all taken.
    """
    high = max(ephemeral_start(), LOWEST + 1000)
    for port in random.sample(range(LOWEST, high), attempts):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port of {host} in {LOWEST}-{high - 1} after {attempts} tries")
