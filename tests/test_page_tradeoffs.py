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
    text = page_text(at)
    assert tradeoffs.summary_sentence(counts) in text
    # each of the four figures has its 95% interval beside it, from the same counts
    intervals = tradeoffs.per_1000_intervals(row)
    captions = [c.value for c in at.caption]
    for figure in ("flagged", "true_alarm", "false_alarm", "missed"):
        assert tradeoffs.interval_text(intervals[figure]) in captions


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
    # st.table: every row on screen, wrapped to the page's width (no scrolling box)
    table = at.table[0].value.set_index("Figure")["Value"]
    row = metrics.row_at_threshold(sample.y, sample.scores("structured"), 0.15)
    intervals = tradeoffs.per_1000_intervals(row)
    assert table["Flagged"] == f"{int(row['flagged']):,}"
    low, high = intervals["false_alarm"]
    assert table["False alarms per 1,000"] == f"{row['false_alarms_per_1000']:.1f} (95%: {low:.1f} to {high:.1f})"
    assert table["Missed per 1,000"].startswith(f"{row['missed_per_1000']:.1f} (95%: ")
    compared = at.table[1].value
    assert list(compared.columns) == ["Figure", *sample.model_labels.values()]


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
    # the button says what its line flags, so the two buttons can be told apart
    flagged = int(metrics.row_at_threshold(sample.y, sample.scores("structured"), expected)["flagged"])
    assert at.button(key="tradeoffs_apply_cost").label == f"Use line: {flagged:,} flagged"
    per_month = at.number_input(key=state.widget_key(state.CAPACITY)).value
    t = metrics.threshold_for_capacity(sample.scores("structured"), per_month=per_month, months=sample.months)
    flagged = int((sample.scores("structured") >= t).sum())
    assert at.button(key="tradeoffs_apply_capacity").label == f"Use line: {flagged:,} flagged"


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


def _keys(at, kind) -> set:
    return {el.key for el in getattr(at, kind)}


def test_rule_has_no_line_to_move_and_shows_its_own_figures(app_test, sample):
    """The reviewer's blocker: with the rule chosen the slider read 0.082, the suggestion boxes
    said 'flags 0' and the 'your line' marker sat off the curve."""
    at = _open(app_test)
    at.slider(key=state.widget_key(state.THRESHOLD)).set_value(0.082).run()
    assert state.widget_key(state.THRESHOLD) in _keys(at, "slider")  # the checks below can fail
    assert "tradeoffs_apply_cost" in _keys(at, "button")
    at.session_state[state.MODEL] = "rule"  # what the sidebar radio's callback does
    at.run()
    assert_no_exception(at)
    text = page_text(at)
    assert "This rule has no line to move: it flags every referral with two or more earlier referrals." in text
    # no slider, no top-N%, no cost or capacity suggestions
    assert state.widget_key(state.THRESHOLD) not in _keys(at, "slider")
    assert not (_keys(at, "number_input") & {state.widget_key(k) for k in (state.TOP_SHARE, state.COST, state.CAPACITY)})
    assert not (_keys(at, "button") & {"tradeoffs_apply_share", "tradeoffs_apply_cost", "tradeoffs_apply_capacity"})
    assert "Two ways to choose the line" not in [h.value for h in at.header]
    # its own figures: exactly the referrals the rule flags
    rule = sample.frame["rule_flag"].astype(bool).to_numpy()
    row = metrics.row_at_threshold(sample.y, rule.astype(float), 1.0)
    assert row["flagged"] == rule.sum()
    _assert_figures_match(at, sample, "rule", 1.0)
    assert f"Here that is {int(rule.sum()):,} of {len(rule):,} referrals" in text
    # the icon array, and one point on the precision-recall chart (no curve, no 'your line')
    specs = plotly_specs(at)
    assert sum(len(_array(tr["x"])) for tr in specs[ICONS]["data"]) == 1000
    curve = specs[CURVE]["data"]
    assert curve[0]["mode"] == "markers"
    assert _array(curve[0]["x"]).tolist() == pytest.approx([row["recall"]])
    assert _array(curve[0]["y"]).tolist() == pytest.approx([row["precision"]])
    assert all(tr.get("name") != "Your line" for tr in curve)
    assert tradeoffs.yes_no_pr_summary(row) in text
    # the models' shared line is untouched, and switching back restores it
    assert at.session_state[state.THRESHOLD] == pytest.approx(0.082)
    at.session_state[state.MODEL] = "structured"
    at.run()
    assert_no_exception(at)
    assert at.slider(key=state.widget_key(state.THRESHOLD)).value == pytest.approx(0.082)
    _assert_figures_match(at, sample, "structured", 0.082)


def test_rule_first_leaves_the_models_line_unset(app_test, sample):
    """Opening Trade-offs with the rule never sets the shared line from the rule's scores."""
    at = _open(app_test, **{state.MODEL: "rule"})
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    at.session_state[state.MODEL] = "structured"
    at.run()
    t = metrics.threshold_for_top_share(sample.scores("structured"), 0.10)
    assert at.session_state[state.THRESHOLD] == pytest.approx(t)


def test_uploaded_yes_no_flag_says_it_only_says_yes_or_no(app_test):
    cohort = _upload()
    frame = cohort.frame.assign(score_flag=(cohort.frame["score_a"] > 0.6).astype(int))
    cohort = ScoredCohort(
        frame=frame,
        score_columns={"flag": "score_flag", "a": "score_a"},
        model_labels={"flag": "Our flag", "a": "Model A"},
        group_columns=("region",),
        source="upload",
        months=6.0,
    )
    at = _open(app_test, **{state.UPLOAD: cohort, state.MODEL: "flag"})
    text = page_text(at)
    assert "This tool has no line to move: it only says yes or no" in text
    assert state.widget_key(state.THRESHOLD) not in _keys(at, "slider")
    row = metrics.row_at_threshold(cohort.y, cohort.scores("flag"), 1.0)
    assert _metrics(at)["Flagged"] == tradeoffs.people_counts(row)["flagged"]
    # the comparison is at the flag's fixed number
    assert f"can only flag one fixed number of referrals ({int(row['flagged']):,})" in text


def test_headings_go_down_one_level_at_a_time(app_test):
    at = _open(app_test)
    tags = [tag for tag, _ in _headings(at.main)]
    assert tags[0] == "h1"
    for before, after in zip(tags, tags[1:]):
        assert int(after[1]) <= int(before[1]) + 1, tags


def _headings(node, out=None):
    out = [] if out is None else out
    if getattr(node, "type", None) in ("title", "header", "subheader"):
        out.append((node.tag, node.value))
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else []:
        _headings(child, out)
    return out


def test_every_chart_has_a_summary_and_the_legend_clears_the_axis(app_test, sample):
    at = _open(app_test)
    row = metrics.row_at_threshold(sample.y, sample.scores("structured"), at.session_state[state.THRESHOLD])
    captions = [c.value for c in at.caption]
    assert tradeoffs.icon_sentence(tradeoffs.people_counts(row)) in captions
    assert tradeoffs.pr_summary(row) in captions
    assert any(c.startswith("Per 1,000 referrals, Tick-box data model: ") for c in captions)
    compare = plotly_specs(at)[COMPARE]["layout"]
    assert compare["legend"]["y"] > 1  # above the bars, clear of the axis title


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

    for model in ("structured", "rule"):
        at = _open(app_test, **{state.MODEL: model})
        at.switch_page(PAGE).run()
        specs = plotly_specs(at)
        assert len(specs) == 3
        for spec in specs:
            go.Figure(spec)  # raises on any invalid property
