"""Eight participants at once against a real app server (Streamlit's websocket protocol, no
browser): every answer acknowledged on screen is stored exactly once. No timing assertions; the
40-participant figures come from ``make load`` (benchmarks/load.py)."""

from __future__ import annotations

import pytest

from benchmarks.load import LoadConfig, compare, run_load

pytestmark = pytest.mark.slow


def test_compare_counts_lost_duplicated_and_unacknowledged():
    counts = compare(["a", "b", "c"], ["a", "a", "c", "d"])
    assert counts == {
        "acknowledged": 3,
        "stored": 4,
        "lost": 1,  # b
        "duplicated": 1,  # a twice
        "stored_unacknowledged": 1,  # d
    }


def test_eight_participants_nothing_lost_nothing_duplicated(tmp_path):
    cfg = LoadConfig(sessions=8, moves=4, answers=2, think=(0.05, 0.3), ramp=1.0)
    result = run_load(cfg, folder=tmp_path)
    assert result.errors == []
    assert result.joined == 8
    assert result.moves == 8 * 4
    assert result.acknowledged == 8 * 2
    assert result.stored == result.acknowledged
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.stored_unacknowledged == 0


def test_streamlit_does_not_collect_garbage_after_every_run():
    """A full gc.collect(2) after each script run (Streamlit's default) was most of a join's
    server time: 40 people arriving within 10 s waited 9 s (p95), 1.5 s without it (BENCHMARKS.md)."""
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
