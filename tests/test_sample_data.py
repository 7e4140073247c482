"""sample_data/ is small, synthetic, and regenerated bit for bit by `make sample-data`."""

from __future__ import annotations

import gzip
import json
import platform
from pathlib import Path

import pytest

from csc_dash.cohort import load_council_population, load_sample_cohort
from csc_dash.models import STORED_DIGITS
from csc_dash.synthetic import BIAS_LEVELS, council_population
from scripts import check_sample_data

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"


def test_sample_data_is_small():
    total = sum(p.stat().st_size for p in SAMPLE.iterdir() if p.is_file())
    assert total < 5 * 1024 * 1024


def _regenerated(tmp_path, **blas) -> list[str]:
    check_sample_data.regenerate(tmp_path, **blas)
    produced = sorted(p.name for p in tmp_path.iterdir())
    assert produced == sorted(p.name for p in SAMPLE.iterdir() if not p.name.startswith(("councils", "england")))
    return check_sample_data.compare_folders(tmp_path)


@pytest.mark.slow
def test_make_sample_data_reproduces_the_committed_files(tmp_path):
    """Data byte for byte (a .gz once decompressed); fitted models within MODEL_RTOL."""
    assert _regenerated(tmp_path) == []


# Other OpenBLAS kernels and thread counts give other last bits in a fit: the check must hold on
# them too. (Kernels named for x86-64 CPUs; every x86-64 CPU runs the older ones.)
@pytest.mark.slow
@pytest.mark.skipif(platform.machine() not in {"x86_64", "AMD64"}, reason="OpenBLAS x86-64 kernel names")
@pytest.mark.parametrize(("coretype", "threads"), [("Prescott", 1), ("SandyBridge", 2)])
def test_sample_data_reproduces_under_other_blas_kernels_and_threads(tmp_path, coretype, threads):
    assert _regenerated(tmp_path, coretype=coretype, threads=threads) == []


def test_models_are_stored_to_twelve_significant_digits():
    for path in SAMPLE.glob("structured_model_*.json"):
        data = json.loads(path.read_text())
        for value in [data["intercept"], *data["coefficients"].values()]:
            assert float(f"{value:.{STORED_DIGITS}g}") == value, (path.name, value)


def test_the_model_tolerance_catches_a_real_change(tmp_path):
    committed = SAMPLE / "structured_model_moderate.json"
    data = json.loads(committed.read_text())
    produced = tmp_path / committed.name
    # a last-digit flip passes ...
    data["intercept"] = data["intercept"] * (1 + 1e-12)
    produced.write_text(json.dumps(data))
    assert check_sample_data.compare_file(produced, committed) == []
    # ... a change in the sixth digit does not, nor a renamed coefficient
    data["intercept"] = data["intercept"] * (1 + 1e-6)
    produced.write_text(json.dumps(data))
    (problem,) = check_sample_data.compare_file(produced, committed)
    assert problem.startswith(f"{committed.name}.intercept: ")
    data = json.loads(committed.read_text())
    data["coefficients"]["renamed"] = data["coefficients"].pop(next(iter(data["coefficients"])))
    produced.write_text(json.dumps(data))
    assert check_sample_data.compare_file(produced, committed) == [f"{committed.name}.coefficients: the names differ"]


def test_a_data_file_must_match_byte_for_byte_inside_its_gzip(tmp_path):
    committed = SAMPLE / "cohort_none.csv.gz"
    text = gzip.decompress(committed.read_bytes())
    same = tmp_path / committed.name
    same.write_bytes(gzip.compress(text, compresslevel=1))  # another zlib/level: same data
    assert check_sample_data.compare_file(same, committed) == []
    changed = tmp_path / "other" / committed.name
    changed.parent.mkdir()
    changed.write_bytes(gzip.compress(text.replace(b"\n", b"\r\n", 1)))
    assert check_sample_data.compare_file(changed, committed) == [f"{committed.name}: differs byte for byte"]


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
