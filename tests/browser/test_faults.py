"""Faults with real components (no browser needed: Streamlit's own websocket protocol).

- kill -9 of the app server in the middle of the load, restart on the same data folder: every
  acknowledged answer stored exactly once, SQLite ``PRAGMA integrity_check`` ok.
- A throwaway PostgreSQL cluster (own temp folder and port, never the shared server) stopped
  under a replica: participants see the plain "Not saved yet" with a Retry button, never a
  traceback; after it returns, Retry stores each kept answer exactly once.
"""

from __future__ import annotations

import os

import pytest

from benchmarks.faults import ThrowawayPostgres, kill9_run, postgres_outage_run
from benchmarks.streamlit_client import free_port

pytestmark = pytest.mark.slow
IN_CI = os.environ.get("CSC_DASH_CI") == "1"


def test_kill9_in_the_middle_of_the_load(tmp_path):
    outcome = kill9_run(sessions=4, moves=4, answers=2, think=(0.05, 0.3), folder=tmp_path)
    assert outcome["acknowledged_before_kill"] >= 4  # the kill came mid-load, not before it
    assert outcome["sessions_cut_off"] >= 1
    assert outcome["errors_after_restart"] == []
    assert outcome["rejoined_after_restart"] == 4
    assert outcome["integrity_check"] == "ok"
    assert outcome["lost"] == 0
    assert outcome["duplicated"] == 0
    assert outcome["stored"] >= outcome["acknowledged"]
    assert outcome["ok"]


def test_postgres_outage_under_a_replica(tmp_path):
    if not ThrowawayPostgres.available():
        message = "no PostgreSQL server binaries (initdb) to make a throwaway cluster"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    outcome = postgres_outage_run(sessions=2, folder=tmp_path, port=free_port(5499, 5599))
    assert outcome["exceptions_on_screen"] == 0
    assert outcome["not_saved_shown"] == 2
    assert outcome["retry_button_shown"] == 2
    assert outcome["errors"] == []
    assert outcome["acknowledged"] == 4  # one before the outage, one kept and retried after
    assert outcome["stored"] == 4
    assert outcome["lost"] == 0 and outcome["duplicated"] == 0
    assert outcome["ok"]
