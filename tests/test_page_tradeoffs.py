"""The Trade-offs page, through app.py: the line, the people, the two ways to choose the line,
the curve and the side-by-side comparison, on the sample and on an uploaded cohort."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest

from csc_dash import metrics, tradeoffs
from csc_dash.cohort import ScoredCohort, load_sample_cohort
from csc_dash.ui import state
from tests.helpers import assert_no_exception, page_text, plotly_specs

PAGE = "app_pages/tradeoffs.py"
ICONS, CURVE, COMPARE = 0, 1, 2


@pytest.fixture(scope="module")
def sample():
    return load_sample_cohort("moderate")


def _open(app_test, **session_state):
    at = app_test(**session_state)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def _metrics(at) -> dict[str, int]:
    return {m.label: int(m.value.replace(",", "")) for m in at.metric}


def _array(value):
    """A plotly array from a chart spec (plotly 7 stores them as base64)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def _expected(sample, model, threshold):
    row = metrics.threshold_table(sample.y, sample.scores(model), thresholds=[threshold]).iloc[0]
    return row, tradeoffs.people_counts(row)


def _assert_figures_match(at, sample, model, threshold):
    row, counts = _expected(sample, model, threshold)
    shown = _metrics(at)
    assert shown["Flagged"] == counts["flagged"]
    assert shown["Flagged, then a plan or care"] == counts["true_alarm"]
    assert shown["False alarms"] == counts["false_alarm"]
    assert shown["Children missed"] == counts["missed"]
    # whole people per 1,000: the headline is the nearest whole number, the rest within rounding
    assert abs(shown["Flagged"] - row["flagged_per_1000"]) <= 0.5
    assert abs(shown["False alarms"] - row["false_alarms_per_1000"]) < 1.5
    assert abs(shown["Children missed"] - row["missed_per_1000"]) < 1.5
    assert tradeoffs.summary_sentence(counts) in page_text(at)


def test_page_runs_and_starts_at_top_ten_percent(app_test, sample):
    at = _open(app_test)
    assert at.title[0].value == "Trade-offs"
    t = metrics.threshold_for_top_share(sample.scores("structured"), 0.10)
    assert at.session_state[state.THRESHOLD] == pytest.approx(t)
    _assert_figures_match(at, sample, "structured", t)


def test_moving_the_slider_changes_the_figures_to_threshold_table(app_test, sample):
    at = _open(app_test)
    before = _metrics(at)
    for t in (0.05, 0.2, 0.5):
        at.slider(key=state.widget_key(state.THRESHOLD)).set_value(t).run()
        assert_no_exception(at)
        assert at.session_state[state.THRESHOLD] == pytest.approx(t)
        _assert_figures_match(at, sample, "structured", t)
    assert _metrics(at) != before


def test_analyst_view_shows_exact_figures(app_test, sample):
    at = _open(app_test, **{state.VIEW: "analyst"})
    at.slider(key=state.widget_key(state.THRESHOLD)).set_value(0.15).run()
    table = at.dataframe[0].value.set_index("Figure")["Value"]
    row = metrics.row_at_threshold(sample.y, sample.scores("structured"), 0.15)
    assert table["Flagged"] == f"{int(row['flagged']):,}"
    assert table["False alarms per 1,000"] == f"{row['false_alarms_per_1000']:.1f}"
    assert table["Missed per 1,000"] == f"{row['missed_per_1000']:.1f}"


def test_icon_array_has_1000_people_in_four_kinds(app_test, sample):
    at = _open(app_test)
    spec = plotly_specs(at)[ICONS]
    traces = spec["data"]
    assert len(traces) == 4
    sizes = [len(_array(tr["x"])) for tr in traces]
    assert sum(sizes) == 1000
    _, counts = _expected(sample, "structured", at.session_state[state.THRESHOLD])
    assert sizes == [counts[k] for k in tradeoffs.KIND_ORDER]
    assert len({tr["marker"]["symbol"] for tr in traces}) == 4  # shape as well as colour
    assert all(tr["name"].split(":")[0] for tr in traces)  # legend in words


@pytest.mark.parametrize("share", [25, 3])
def test_top_share_control_sets_the_line(app_test, sample, share):
    at = _open(app_test)
    at.number_input(key=state.widget_key(state.TOP_SHARE)).set_value(share).run()
    at.button(key="tradeoffs_apply_share").click().run()
    assert_no_exception(at)
    expected = metrics.threshold_for_top_share(sample.scores("structured"), share / 100)
    assert at.session_state[state.THRESHOLD] == expected
    assert at.slider(key=state.widget_key(state.THRESHOLD)).value == pytest.approx(expected)
    _assert_figures_match(at, sample, "structured", expected)
    row = metrics.row_at_threshold(sample.y, sample.scores("structured"), expected)
    assert tradeoffs.share_sentence(row) in page_text(at)


def test_moving_the_line_does_not_move_the_share_control(app_test):
    """The top-N% control is applied only by its button, so a slider move never snaps back."""
    at = _open(app_test)
    at.slider(key=state.widget_key(state.THRESHOLD)).set_value(0.3).run()
    at.slider(key=state.widget_key(state.THRESHOLD)).set_value(0.35).run()
    assert at.session_state[state.THRESHOLD] == pytest.approx(0.35)
    assert at.number_input(key=state.widget_key(state.TOP_SHARE)).value == 10


@pytest.mark.parametrize("per_month", [10, 55, 200])
def test_capacity_control_flags_at_most_n_a_month(app_test, sample, per_month):
    at = _open(app_test)
    at.number_input(key=state.widget_key(state.CAPACITY)).set_value(per_month).run()
    at.button(key="tradeoffs_apply_capacity").click().run()
    assert_no_exception(at)
    t = at.session_state[state.THRESHOLD]
    flagged = int((sample.scores("structured") >= t).sum())
    assert flagged <= per_month * sample.months
    assert t == metrics.threshold_for_capacity(
        sample.scores("structured"), per_month=per_month, months=sample.months
    )
    assert f"up to {per_month * sample.months:,.0f} families" in page_text(at)


def test_cost_control_applies_the_cheapest_line(app_test, sample):
    at = _open(app_test)
    at.number_input(key=state.widget_key(state.COST)).set_value(25).run()
    at.button(key="tradeoffs_apply_cost").click().run()
    assert_no_exception(at)
    expected = metrics.threshold_for_cost(sample.y, sample.scores("structured"), false_alarms_per_child=25)
    assert at.session_state[state.THRESHOLD] == expected
    assert "worth 25 false alarms" in page_text(at)


def test_model_picker_changes_the_curve(app_test, sample):
    at = _open(app_test)
    first = plotly_specs(at)[CURVE]["data"][0]
    # AppTest drops the sidebar's elements after switch_page, so pick the model through its
    # state key, exactly what the sidebar radio's on_change callback does.
    at.session_state[state.MODEL] = "text"
    at.run()
    assert_no_exception(at)
    second = plotly_specs(at)[CURVE]["data"][0]
    assert first["name"] != second["name"]
    assert not np.array_equal(_array(first["y"]), _array(second["y"]))
    ap = metrics.average_precision(sample.y, sample.scores("text"))
    assert f"{ap:.2f}" in second["name"]
    assert "Tick-box data + case notes model" in page_text(at)


def test_curve_has_current_point_and_random_baseline(app_test, sample):
    at = _open(app_test)
    traces = plotly_specs(at)[CURVE]["data"]
    base = _array(traces[1]["y"])
    assert base[0] == pytest.approx(sample.y.mean())
    row = metrics.row_at_threshold(sample.y, sample.scores("structured"), at.session_state[state.THRESHOLD])
    assert _array(traces[2]["x"])[0] == pytest.approx(row["recall"])
    assert _array(traces[2]["y"])[0] == pytest.approx(row["precision"])


def test_comparison_is_at_the_rules_number_flagged(app_test, sample):
    at = _open(app_test)
    k = int(sample.frame["rule_flag"].sum())
    text = page_text(at)
    assert f"can only flag one fixed number of referrals ({k:,})" in text
    bars = plotly_specs(at)[COMPARE]["data"]
    found = _array(bars[0]["x"])
    for i, model in enumerate(sample.models):
        t = metrics.threshold_for_capacity(sample.scores(model), per_month=k, months=1)
        row = metrics.row_at_threshold(sample.y, sample.scores(model), t)
        assert row["flagged"] <= k
        assert found[i] == pytest.approx(row["true_alarms_per_1000"])


def test_threshold_survives_a_page_switch(app_test):
    at = _open(app_test)
    at.slider(key=state.widget_key(state.THRESHOLD)).set_value(0.321).run()
    at.switch_page("app_pages/children.py").run()
    assert_no_exception(at)
    assert "0.321" in page_text(at)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert at.slider(key=state.widget_key(state.THRESHOLD)).value == pytest.approx(0.321)


def test_rule_model_line_above_one_is_kept_on_the_slider(app_test):
    at = _open(app_test, **{state.MODEL: "rule"})
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    value = at.slider(key=state.widget_key(state.THRESHOLD)).value
    assert value == at.session_state[state.THRESHOLD]


def _upload(n: int = 4000, seed: int = 0) -> ScoredCohort:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.1).astype(int)
    frame = pd.DataFrame(
        {
            "outcome": y,
            "score_a": np.clip(rng.random(n) * 0.7 + 0.3 * y, 0, 1),
            "score_b": rng.random(n),
            "region": rng.choice(["North", "South"], n),
        }
    )
    return ScoredCohort(
        frame=frame,
        score_columns={"a": "score_a", "b": "score_b"},
        model_labels={"a": "Model A", "b": "Model B"},
        group_columns=("region",),
        source="upload",
        months=6.0,
    )


def test_uploaded_cohort_without_a_rule(app_test):
    cohort = _upload()
    at = _open(app_test, **{state.UPLOAD: cohort})
    assert_no_exception(at)
    text = page_text(at)
    row = metrics.lookup(
        metrics.threshold_table(cohort.y, cohort.scores("a")), at.session_state[state.THRESHOLD]
    )
    assert f"same number of referrals ({int(row['flagged']):,})" in text
    assert _metrics(at)["Flagged"] == tradeoffs.people_counts(row)["flagged"]
    at.slider(key=state.widget_key(state.THRESHOLD)).set_value(0.9).run()
    assert_no_exception(at)
    row = metrics.row_at_threshold(cohort.y, cohort.scores("a"), 0.9)
    assert _metrics(at)["Flagged"] == tradeoffs.people_counts(row)["flagged"]


def test_every_chart_is_a_valid_plotly_figure(app_test):
    """The charts skip plotly's validation for speed; rebuilding them with it proves them valid."""
    import plotly.graph_objects as go

    at = _open(app_test)
    specs = plotly_specs(at)
    assert len(specs) == 3
    for spec in specs:
        go.Figure(spec)  # raises on any invalid property
