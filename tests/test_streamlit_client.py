"""The test servers' helper (benchmarks/streamlit_client.py): a server counts as started only
when the port answering is its own (two servers may pick one port at the same moment)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from benchmarks import streamlit_client as sc


def test_listens_on_names_the_process_holding_the_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert sc.listens_on(os.getpid(), port)
        assert not sc.listens_on(os.getpid(), sc.free_port())
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            assert not sc.listens_on(child.pid, port)  # answers on the port, but not its socket
        finally:
            child.kill()
            child.wait()


def test_a_server_whose_port_someone_else_answers_on_is_not_started(tmp_path, monkeypatch):
    """A health check answered by another process on the port is not this server's."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        server = sc.AppServer(port=port, log_path=tmp_path / "log.txt")

        class Alive:  # a process that never exits and never listens
            pid = os.getpid() + 10**6
            returncode = None

            def poll(self):
                return None

        server.process = Alive()
        monkeypatch.setattr(urllib.request, "urlopen", _healthy)
        start = time.monotonic()
        with pytest.raises(TimeoutError):
            server.wait_healthy(timeout=1.0)
        assert time.monotonic() - start >= 1.0


class _Answer:
    status = 200

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _healthy(*_args, **_kwargs):
    return _Answer()


def test_free_port_tries_the_range_in_a_random_order():
    # A range no server here uses: always picking its first port would give one answer.
    seen = {sc.free_port(41_000, 41_040) for _ in range(30)}
    assert len(seen) > 1
    assert all(41_000 <= port < 41_040 for port in seen)
