"""tools/ports.py: a port for mkdocs serve that a port-0 bind can never be handed."""

from __future__ import annotations

import socket

import pytest

from tools import ports


def test_the_port_is_free_and_below_what_port_0_binds_get():
    port = ports.free_port()
    assert ports.LOWEST <= port < ports.ephemeral_start()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))  # as Jupyter picks a kernel's ports
        assert taken.getsockname()[1] >= ports.ephemeral_start()
    with socket.socket() as server:
        server.bind(("127.0.0.1", port))


def test_taken_ports_are_skipped_and_none_left_is_an_error_naming_the_range(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", ports.free_port()))
        busy = taken.getsockname()[1]
        monkeypatch.setattr(ports.random, "sample", lambda population, k: [busy] * k)
        with pytest.raises(OSError, match=r"no free port of 127\.0\.0\.1 in 20000-\d+ after 3"):
            ports.free_port(attempts=3)


def test_without_the_system_s_range_the_usual_start_is_assumed(monkeypatch, tmp_path):
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE", tmp_path / "missing")
    assert ports.ephemeral_start() == 32768
    (tmp_path / "range").write_text("40000\t60999\n")
    monkeypatch.setattr(ports, "EPHEMERAL_RANGE", tmp_path / "range")
    assert ports.ephemeral_start() == 40000
