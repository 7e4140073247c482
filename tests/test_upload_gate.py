"""csc_dash.ui.upload_gate, re-attacked (issue 13.2): the gate stands before the first run's slow
imports, and a file sent before it stood is dropped when it goes up.

On a fresh workshop server an anonymous session got its id at the start of the process's first
run and sent 150 MB; the upload endpoint answered 204, because the gate was put up only when
that run reached the sign-in check, seconds later. (Raw HTTP against a real server:
tests/test_upload_endpoint.py.)
"""

from __future__ import annotations

import ast
import types

from csc_dash.ui import upload_gate
from tests.conftest import ROOT


class FakeManager:
    def __init__(self) -> None:
        self.file_storage: dict[str, dict[str, bytes]] = {}

    def add_file(self, session_id: str, file) -> None:
        self.file_storage.setdefault(session_id, {})[file.file_id] = file

    def remove_file(self, session_id: str, file_id: str) -> None:
        self.file_storage.get(session_id, {}).pop(file_id, None)

    def remove_session_files(self, session_id: str) -> None:
        self.file_storage.pop(session_id, None)


class FakeRuntime:
    def __init__(self) -> None:
        self.uploaded_file_mgr = FakeManager()
        self.sessions = {"early-visitor", "analyst"}

    def is_active_session(self, session_id: str) -> bool:
        return session_id in self.sessions


def test_files_sent_before_the_gate_stood_are_dropped_when_it_goes_up(monkeypatch):
    runtime = FakeRuntime()
    monkeypatch.setattr(upload_gate, "_runtime", lambda: runtime)
    monkeypatch.setattr(upload_gate, "_cap_server_upload_size", lambda: None)
    monkeypatch.setattr(upload_gate, "_PERMITTED", {"analyst"})
    manager = runtime.uploaded_file_mgr
    # Accepted before the gate: the endpoint asked only whether the session was active.
    assert runtime.is_active_session("early-visitor")
    manager.add_file("early-visitor", types.SimpleNamespace(file_id="f1", data=b"x" * 1000))
    manager.add_file("analyst", types.SimpleNamespace(file_id="f2", data=b"ok"))

    assert upload_gate.install() is True

    assert "early-visitor" not in manager.file_storage  # nothing of it held
    assert list(manager.file_storage["analyst"]) == ["f2"]  # a permitted session keeps its file
    assert not runtime.is_active_session("early-visitor")  # and from now on it is refused
    assert runtime.is_active_session("analyst")


def test_app_py_puts_the_gate_up_before_its_slow_imports():
    tree = ast.parse((ROOT / "app.py").read_text())
    body = [
        node
        for node in tree.body
        if not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Constant)
    ]
    calls = [
        i for i, node in enumerate(body)
        if isinstance(node, ast.Expr) and ast.unparse(node) == "upload_gate.install()"
    ]  # fmt: skip
    assert calls, "app.py never calls upload_gate.install()"
    slow = [
        i for i, node in enumerate(body)
        if isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.ImportFrom) and node.module == "__future__")
        and "upload_gate" not in ast.unparse(node)
    ]  # fmt: skip
    assert calls[0] < min(slow), "upload_gate.install() comes after app.py's other imports"
