"""The Trade-offs page, through app.py: the line, the people, the two ways to choose the line,
the curve and the side-by-side comparison, on the sample and on an uploaded cohort.

The line's figures and picture are drawn by the browser from the table the page sends (a
components v2 element): these tests read that table and the settled step from the element,
and check them against scikit-learn-tested sweeps. tests/browser/test_line.py drives the real
control in Chromium."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest

from csc_dash import line, metrics, tradeoffs
from csc_dash.charts import tradeoffs as charts
from csc_dash.cohort import ScoredCohort, load_sample_cohort
from csc_dash.content import tradeoff_words
from csc_dash.content.tools import PLAIN_MODEL_NAMES
from csc_dash.ui import accounts, state, tradeoffs_widgets
from tests.helpers import assert_no_exception, page_text, plotly_specs

PAGE = "app_pages/tradeoffs.py"
CURVE, COMPARE = 0, 1


@pytest.fixture(scope="module")
def sample():
    return load_sample_cohort("moderate")


def _open(app_test, **session_state):
    at = app_test(**session_state)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def _component(at, key: str) -> dict:
    for el in at.get("bidi_component"):
        if el.key == key:
            proto = el.proto
            field = proto.WhichOneof("data")
            return json.loads(proto.json if field == "json" else proto.mixed.json)
    raise AssertionError(f"no component {key}")


def _shown(at) -> dict[str, int]:
    """The people the browser shows at the settled step (decoded as its script decodes them)."""
    data = _component(at, "tradeoffs_line")
    return line.people_from_client_table(data["table"])[data["step"]]


def _steps(sample, model="structured"):
    return line.line_steps(metrics.threshold_table(sample.y, sample.scores(model)))


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
    shown = _shown(at)
    assert shown == counts
    # whole people per 1,000: the headline is the nearest whole number, the rest within rounding
    assert abs(shown["flagged"] - row["flagged_per_1000"]) <= 0.5
    assert abs(shown["false_alarm"] - row["false_alarms_per_1000"]) < 1.5
    assert abs(shown["missed"] - row["missed_per_1000"]) < 1.5
    # each of the four figures gets its 95% interval, from the same counts, at the settled line
    intervals = tradeoffs.per_1000_intervals(row)
    for key in ("tradeoffs_line", "tradeoffs_line_settle"):
        sent = _component(at, key)["intervals"]
        for figure in ("flagged", "true_alarm", "false_alarm", "missed"):
            assert sent[figure] == tradeoffs.interval_text(intervals[figure])
    assert tradeoff_words.found_sentence(row, yes_no=model == "rule") in page_text(at)


def test_page_runs_and_starts_at_top_ten_percent(app_test, sample):
    at = _open(app_test)
    assert at.title[0].value == "Trade-offs"
    t = metrics.threshold_for_top_share(sample.scores("structured"), 0.10)
    assert at.session_state[state.THRESHOLD] == pytest.approx(t)
    assert _component(at, "tradeoffs_line")["step"] == 100  # 100 in every 1,000
    _assert_figures_match(at, sample, "structured", t)


@pytest.mark.parametrize("model", ["structured", "text"])
def test_the_table_sent_to_the_browser_equals_people_counts_at_every_step(app_test, sample, model):
    at = _open(app_test, **{state.MODEL: model})
    table = metrics.threshold_table(sample.y, sample.scores(model))
    sent = line.people_from_client_table(_component(at, "tradeoffs_line")["table"])
    steps = _steps(sample, model)
    assert len(sent) == line.PER_1000_STEPS
    for k, t in enumerate(steps.thresholds):
        assert sent[k] == tradeoffs.people_counts(metrics.lookup(table, t)), k
        assert int((sample.scores(model) >= t).sum()) <= np.floor(k * len(sample) / 1000 + 1e-9)
    assert len(json.dumps(_component(at, "tradeoffs_line")["table"])) < 3000  # small


def test_a_settled_step_moves_the_shared_line_and_the_figures(app_test, sample):
    at = _open(app_test)
    steps = _steps(sample)
    for k in (50, 200, 500):
        # what the component's on_step_change does with the step it settled on
        at.session_state[state.THRESHOLD] = float(steps.thresholds[k])
        at.run()
        assert_no_exception(at)
        assert _component(at, "tradeoffs_line")["step"] == k
        assert _component(at, "tradeoffs_line_settle")["step"] == k
        _assert_figures_match(at, sample, "structured", steps.thresholds[k])


def test_a_line_between_steps_is_moved_onto_the_nearest_step(app_test, sample):
    at = _open(app_test, **{state.THRESHOLD: 0.321})
    steps = _steps(sample)
    table = metrics.threshold_table(sample.y, sample.scores("structured"))
    k = line.step_for_threshold(steps, table, 0.321)
    assert at.session_state[state.THRESHOLD] == steps.thresholds[k]
    _assert_figures_match(at, sample, "structured", steps.thresholds[k])


def test_analyst_view_shows_exact_figures_and_the_score_line(app_test, sample):
    steps = _steps(sample)
    t = float(steps.thresholds[150])
    at = _open(app_test, **{state.VIEW: "analyst", state.THRESHOLD: t})
    # st.table: every row on screen, wrapped to the page's width (no scrolling box)
    table = at.table[0].value.set_index("Figure")["Value"]
    row = metrics.row_at_threshold(sample.y, sample.scores("structured"), t)
    intervals = tradeoffs.per_1000_intervals(row)
    assert table["Flagged"] == f"{int(row['flagged']):,}"
    low, high = intervals["false_alarm"]
    assert table["False alarms per 1,000"] == f"{row['false_alarms_per_1000']:.1f} (95%: {low:.1f} to {high:.1f})"
    assert table["Missed per 1,000"].startswith(f"{row['missed_per_1000']:.1f} (95%: ")
    assert tradeoff_words.score_line_text(t) in page_text(at)
    compared = at.table[1].value
    assert list(compared.columns) == ["Figure", *sample.model_labels.values()]


def test_plain_view_never_shows_the_score_line(app_test, sample):
    at = _open(app_test)
    t = at.session_state[state.THRESHOLD]
    text = page_text(at)
    assert f"{t:.4f}" not in text and f"{t:.3f}" not in text
    assert "Score line" not in text


def test_the_picture_says_what_each_person_looks_like(app_test):
    at = _open(app_test)
    data = _component(at, "tradeoffs_line")
    assert data["marks"] == {k: list(v) for k, v in tradeoff_words.PERSON_WORDS.items()}


@pytest.mark.parametrize("per_month", [10, 55, 200])
def test_capacity_control_flags_at_most_n_a_month(app_test, sample, per_month):
    at = _open(app_test)
    at.number_input(key=state.widget_key(state.CAPACITY)).set_value(per_month).run()
    label = at.button(key="tradeoffs_apply_capacity").label
    at.button(key="tradeoffs_apply_capacity").click().run()
    assert_no_exception(at)
    t = at.session_state[state.THRESHOLD]
    flagged = int((sample.scores("structured") >= t).sum())
    assert flagged <= per_month * sample.months
    assert t in _steps(sample).thresholds  # on a whole step
    assert f"up to {per_month * sample.months:,.0f} families" in page_text(at)
    assert label == f"Flag {_shown(at)['flagged']:,} in every 1,000"  # the button did what it said
    # The sentence beside the button says the line as the button does: per 1,000 first, the
    # council's count after it in brackets (it said "flags 952 referrals" beside "Flag 98").
    said = f"The line that fits flags {_shown(at)['flagged']:,} in every 1,000 referrals ({flagged:,} of the council's {len(sample):,}"
    assert said in page_text(at)


def test_cost_suggestion_and_its_button_say_the_same_line(app_test, sample):
    """Issue 14: "the best line flags 95 in every 1,000" beside a button "Use line: 924 flagged"."""
    at = _open(app_test)
    at.number_input(key=state.widget_key(state.COST)).set_value(25).run()
    text = page_text(at)
    said = int(re.search(r"the best line flags ([\d,]+) in every 1,000", text).group(1).replace(",", ""))
    assert at.button(key="tradeoffs_apply_cost").label == f"Flag {said:,} in every 1,000"
    at.button(key="tradeoffs_apply_cost").click().run()
    assert_no_exception(at)
    assert _shown(at)["flagged"] == said
    best = metrics.threshold_for_cost(sample.y, sample.scores("structured"), false_alarms_per_child=25)
    table = metrics.threshold_table(sample.y, sample.scores("structured"))
    assert at.session_state[state.THRESHOLD] == line.snap_threshold(_steps(sample), table, best)


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
    # plain view: the plain name, and no average precision to two decimals in the legend
    assert second["name"] == charts.wrap_label(PLAIN_MODEL_NAMES["text"], width=charts.LEGEND_WIDTH)
    assert PLAIN_MODEL_NAMES["text"] in page_text(at)
    assert "Tick-box data + case notes model" not in page_text(at)
    at.session_state[state.VIEW] = "analyst"
    at.run()
    name = plotly_specs(at)[CURVE]["data"][0]["name"]
    assert f"(average precision {ap:.2f})" in name.replace("<br>", " ")


def test_the_ranking_is_in_people_for_families_and_in_figures_for_analysts(app_test, sample):
    """The tester's report: the plain view said "This tool scores 0.17 (average precision). A
    random guess would score about 0.04." and the legend "(average precision 0.17)"."""
    ap = metrics.average_precision(sample.y, sample.scores("structured"))
    table = metrics.threshold_table(sample.y, sample.scores("structured"))
    words = {
        "average_precision": ap,
        "base_rate": float(sample.y.mean()),
        "escalated_per_1000": tradeoffs.escalated_per_1000(table),
    }
    plain = _open(app_test)
    assert tradeoff_words.ranking_sentence(**words) in page_text(plain)
    assert f"about {tradeoffs.share_per_1000(ap)} in every 1,000" in page_text(plain)
    legend = [trace["name"] for trace in plotly_specs(plain)[CURVE]["data"]]
    assert legend[1] == "Random guess" and not any(re.search(r"\d\.\d", n) for n in legend)
    analyst = _open(app_test, **{state.VIEW: "analyst"})
    assert tradeoff_words.ranking_sentence(**words, analyst=True) in page_text(analyst)
    assert f"average precision {ap:.2f}" in page_text(analyst)
    legend = [trace["name"] for trace in plotly_specs(analyst)[CURVE]["data"]]
    assert legend[1] == f"Random guess ({sample.y.mean():.2f})"


def test_curve_shows_every_line_and_the_random_baseline(app_test, sample):
    at = _open(app_test)
    traces = plotly_specs(at)[CURVE]["data"]
    base = _array(traces[1]["y"])
    assert base[0] == pytest.approx(sample.y.mean())
    assert all(tr.get("name") != "Your line" for tr in traces)  # the line is said above, in words


def test_comparison_is_at_the_rules_number_flagged_and_says_each_tools_line(app_test, sample):
    at = _open(app_test)
    k = int(sample.frame["rule_flag"].sum())
    text = page_text(at)
    # per 1,000 first, as each tool's line below is said; the council's count in brackets
    per = tradeoffs.per_1000(k, len(sample))
    assert f"can only flag one number: {per} in every 1,000 referrals ({k:,} of the council's {len(sample):,})." in text
    bars = plotly_specs(at)[COMPARE]["data"]
    found = _array(bars[0]["x"])
    for i, model in enumerate(sample.models):
        t = metrics.threshold_for_capacity(sample.scores(model), per_month=k, months=1)
        row = metrics.row_at_threshold(sample.y, sample.scores(model), t)
        assert row["flagged"] <= k
        assert found[i] == pytest.approx(row["true_alarms_per_1000"])
        label = PLAIN_MODEL_NAMES[model]  # plain view: the plain names
        per = tradeoffs.people_counts(row)["flagged"]
        assert f"{label}: its line flags {per:,} in every 1,000 referrals." in text
    assert all("needed help" not in bar["name"] for bar in bars)
    assert bars[0]["name"] == "Flagged, went on to a plan or care"


def test_comparison_without_a_rule_is_at_the_number_asked(app_test):
    cohort = _upload()
    at = _open(app_test, **{state.UPLOAD: cohort})
    at.number_input(key=state.widget_key(state.COMPARE_AT)).set_value(250).run()
    assert_no_exception(at)
    count = int(np.floor(250 * len(cohort) / 1000))
    said = f"Every tool here flags the same number: 250 in every 1,000 referrals ({count:,} of the council's {len(cohort):,})."
    assert said in page_text(at)


def test_threshold_survives_a_page_switch(app_test, sample):
    steps = _steps(sample)
    t = float(steps.thresholds[321])
    at = _open(app_test, **{state.THRESHOLD: t})
    at.switch_page("app_pages/children.py").run()
    assert_no_exception(at)
    assert "the line flags 321 in every 1,000 referrals" in page_text(at)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert at.session_state[state.THRESHOLD] == t
    assert _component(at, "tradeoffs_line")["step"] == 321


def _keys(at, kind) -> set:
    return {el.key for el in getattr(at, kind)}


def test_rule_has_no_line_to_move_and_shows_its_own_figures(app_test, sample):
    """The reviewer's blocker: with the rule chosen the slider read 0.082, the suggestion boxes
    said 'flags 0' and the 'your line' marker sat off the curve."""
    shared = float(_steps(sample).thresholds[82])
    at = _open(app_test, **{state.THRESHOLD: shared})
    assert len(line.people_from_client_table(_component(at, "tradeoffs_line")["table"])) > 1
    assert "tradeoffs_apply_cost" in _keys(at, "button")  # the checks below can fail
    at.session_state[state.MODEL] = "rule"  # what the sidebar radio's callback does
    at.run()
    assert_no_exception(at)
    text = page_text(at)
    assert "This rule has no line to move: it flags every referral with two or more earlier referrals." in text
    # one step (the browser hides the control), no cost or capacity suggestions
    assert len(line.people_from_client_table(_component(at, "tradeoffs_line")["table"])) == 1
    assert not (_keys(at, "number_input") & {state.widget_key(k) for k in (state.COST, state.CAPACITY)})
    assert not (_keys(at, "button") & {"tradeoffs_apply_share", "tradeoffs_apply_cost", "tradeoffs_apply_capacity"})
    assert "Two ways to choose the line" not in [h.value for h in at.header]
    # its own figures: exactly the referrals the rule flags
    rule = sample.frame["rule_flag"].astype(bool).to_numpy()
    row = metrics.row_at_threshold(sample.y, rule.astype(float), 1.0)
    assert row["flagged"] == rule.sum()
    _assert_figures_match(at, sample, "rule", 1.0)
    per = tradeoffs.per_1000(int(rule.sum()), len(rule))
    assert f"Here that is {per} in every 1,000 referrals ({int(rule.sum()):,} of the council's {len(rule):,})." in text
    # one point on the precision-recall chart (no curve, no 'your line')
    specs = plotly_specs(at)
    curve = specs[CURVE]["data"]
    assert curve[0]["mode"] == "markers"
    assert _array(curve[0]["x"]).tolist() == pytest.approx([row["recall"]])
    assert _array(curve[0]["y"]).tolist() == pytest.approx([row["precision"]])
    assert all(tr.get("name") != "Your line" for tr in curve)
    assert tradeoff_words.yes_no_pr_summary(row) in text
    # the models' shared line is untouched, and switching back restores it
    assert at.session_state[state.THRESHOLD] == shared
    at.session_state[state.MODEL] = "structured"
    at.run()
    assert_no_exception(at)
    assert _component(at, "tradeoffs_line")["step"] == 82
    _assert_figures_match(at, sample, "structured", shared)


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
    row = metrics.row_at_threshold(cohort.y, cohort.scores("flag"), 1.0)
    assert _shown(at) == tradeoffs.people_counts(row)
    # the comparison is at the flag's fixed number
    assert f"can only flag one number: {tradeoffs.per_1000(int(row['flagged']), len(cohort))} in every 1,000 referrals ({int(row['flagged']):,} of the council's" in text


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
    captions = [c.value for c in at.caption]
    assert tradeoff_words.pr_curve_summary() in captions
    assert any(c.startswith("In every 1,000 referrals. Tick-box tool: ") for c in captions)
    compare = plotly_specs(at)[COMPARE]["layout"]
    assert compare["legend"]["y"] > 1  # above the bars, clear of the axis title
    # ... in room kept for three rows of it (a tablet turned to a new width drew it on the bars)
    assert compare["margin"]["t"] == charts.COMPARISON_LEGEND_ROOM >= 3 * 22


@pytest.mark.parametrize("model", ["structured", "rule"])
@pytest.mark.parametrize("view", ["plain", "analyst"])
def test_the_curves_labels_fit_a_phone(app_test, model, view):
    """At 390 px the axis title read "Right w…hen flagged (precision)" and the rule's long name
    ran off the legend: the title is on two lines, every legend name on lines of at most
    :data:`charts.LEGEND_WIDTH` characters, and the last tick label has room on the right."""
    at = _open(app_test, **{state.MODEL: model, state.VIEW: view})
    spec = plotly_specs(at)[CURVE]
    assert spec["layout"]["yaxis"]["title"]["text"] == "Right when flagged<br>(precision)"
    assert spec["layout"]["margin"]["r"] >= 30
    # the legend at the foot of the figure, in room kept for it under the axis title
    legend = spec["layout"]["legend"]
    assert (legend["yref"], legend["yanchor"], legend["y"]) == ("container", "bottom", 0)
    assert spec["layout"]["margin"]["b"] == charts.PR_LEGEND_ROOM
    for trace in spec["data"]:
        for part in trace["name"].split("<br>"):
            assert len(part) <= charts.LEGEND_WIDTH, trace["name"]


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
    per = tradeoffs.per_1000(int(row["flagged"]), len(cohort))
    assert f"same number: {per} in every 1,000 referrals ({int(row['flagged']):,} of the council's" in text
    assert _shown(at) == tradeoffs.people_counts(row)
    steps = line.line_steps(metrics.threshold_table(cohort.y, cohort.scores("a")))
    at.session_state[state.THRESHOLD] = float(steps.thresholds[30])
    at.run()
    assert_no_exception(at)
    row = metrics.row_at_threshold(cohort.y, cohort.scores("a"), steps.thresholds[30])
    assert _shown(at) == tradeoffs.people_counts(row)


def test_every_chart_is_a_valid_plotly_figure(app_test):
    """The charts skip plotly's validation for speed; rebuilding them with it proves them valid."""
    import plotly.graph_objects as go

    for model in ("structured", "rule"):
        at = _open(app_test, **{state.MODEL: model})
        at.switch_page(PAGE).run()
        specs = plotly_specs(at)
        assert len(specs) == 2
        for spec in specs:
            go.Figure(spec)  # raises on any invalid property


def test_a_decile_tool_keeps_its_own_scale(app_test):
    """Issue 14: a 1-10 decile tool's line reads "decile 5 or above", not a rank."""
    cohort = _upload()
    frame = cohort.frame.assign(score_decile=np.ceil(cohort.frame["score_a"] * 10).clip(1, 10))
    cohort = ScoredCohort(
        frame=frame,
        score_columns={"decile": "score_decile"},
        model_labels={"decile": "Deciles"},
        group_columns=("region",),
        source="upload",
        months=6.0,
    )
    at = _open(app_test, **{state.UPLOAD: cohort})
    data = _component(at, "tradeoffs_line")
    assert data["table"]["mode"] == "score"
    assert data["table"]["labels"] == ["nobody", *[f"{d} or above" for d in range(10, 0, -1)]]
    table = metrics.threshold_table(cohort.y, cohort.scores("decile"))
    at.session_state[state.THRESHOLD] = 5.0
    at.run()
    assert data["table"]["labels"][_component(at, "tradeoffs_line")["step"]] == "5 or above"
    assert _shown(at) == tradeoffs.people_counts(metrics.lookup(table, 5.0))


def test_every_cache_of_an_upload_is_dropped_with_the_staff_work():
    """Sign-out (accounts.forget_staff_work) drops session keys by prefix: the line's steps, the
    average precision and its interval of an upload are derived from it, so they go too."""
    for key in (state.UPLOAD_STEPS, state.UPLOAD_AP, tradeoffs_widgets.UPLOAD_AP_INTERVALS):
        assert key.startswith(accounts.STAFF_ONLY_WIDGET_PREFIXES), key


def test_each_story_button_says_which_story_it_opens(app_test):
    """Four "Read a story" buttons, one per kind of child, had the same accessible name. Each
    now names its story, its visible words first (WCAG 2.5.3: the name holds the label)."""
    at = _open(app_test)
    html = next(el.proto.html_content for el in at.get("bidi_component") if el.key == "tradeoffs_line")
    buttons = re.findall(r'<button[^>]*data-story="(\w+)"[^>]*aria-label="([^"]+)"[^>]*>([^<]*)<', html)
    assert [kind for kind, _, _ in buttons] == list(tradeoffs.KIND_ORDER)
    names = [name for _, name, _ in buttons]
    assert len(set(names)) == 4, names
    for _, name, visible in buttons:
        assert visible == "Read a story" and name.startswith(visible + ":"), (name, visible)
    assert names[1] == "Read a story: a false alarm, a child flagged who did not go on to a plan or care"
