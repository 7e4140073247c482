"""Shared fixtures. Every test runs with its own data folder, so nothing touches a real store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Fixtures every test module may use without importing them: the store on SQLite and PostgreSQL.
pytest_plugins = ["tests.pg"]

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
IN_CI = os.environ.get("CSC_DASH_CI") == "1"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (``CSC_DASH_CI=1``) a skipped test is a failed one: a clean clone carries its data,
    its browser and its databases, so nothing may be skipped for want of them."""
    report = yield
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may be skipped: {reason}"
    return report


def pytest_sessionfinish(session, exitstatus):
    """Also in CI: a whole module skipped at collection fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if IN_CI and reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        reporter.write_line("CI: tests were skipped, and nothing may be skipped in CI (see the summary)", red=True)
        session.exitstatus = 1


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Each test gets an empty data folder and the default (SQLite) store inside it."""
    monkeypatch.setenv("CSC_DASH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name in ("CSC_DASH_COOKIE_KEY", "CSC_DASH_USERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def app_test():
    """A fresh AppTest of the real entry point (app.py), already run once."""
    from streamlit.testing.v1 import AppTest

    def make(**session_state):
        at = AppTest.from_file(APP, default_timeout=60)
        for key, value in session_state.items():
            at.session_state[key] = value
        return at.run()

    return make
