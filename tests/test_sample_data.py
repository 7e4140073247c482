"""sample_data/ is small, synthetic, and regenerated bit for bit by `make sample-data`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from csc_dash.cohort import load_council_population, load_sample_cohort
from csc_dash.synthetic import BIAS_LEVELS, council_population

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def test_sample_data_is_small():
    total = sum(p.stat().st_size for p in SAMPLE.iterdir() if p.is_file())
    assert total < 5 * 1024 * 1024


@pytest.mark.slow
def test_make_sample_data_regenerates_the_committed_files_bit_for_bit(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_sample_data.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    produced = sorted(p.name for p in tmp_path.iterdir())
    assert produced  # the cohorts, models and population
    for name in produced:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name


@pytest.mark.parametrize("bias", BIAS_LEVELS)
def test_sample_cohort_is_the_test_period_with_scores_in_unit_interval(bias):
    cohort = load_sample_cohort(bias)
    assert (cohort.frame["split"] == "test").all()
    for model in cohort.models:
        s = cohort.scores(model)
        assert ((s >= 0) & (s <= 1)).all()
    assert cohort.has_need and cohort.source == "sample" and cohort.bias == bias
    assert 23 <= cohort.months <= 25
    summary = cohort.summary()
    assert summary["escalated"] == int(cohort.frame["outcome"].sum())
    assert summary["escalated_per_1000"] == pytest.approx(1000 * cohort.y.mean())


def test_population_file_matches_the_generator():
    assert load_council_population().equals(council_population(seed=0))


def test_unknown_model_is_a_plain_error():
    with pytest.raises(ValueError, match="There is no model called 'magic'"):
        load_sample_cohort().scores("magic")
