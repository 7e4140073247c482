"""csc_dash.tradeoffs: people counts, thresholds read from a sweep, and fair comparisons.

Every threshold read from a sweep is checked against its counterpart in csc_dash.metrics (which
is itself checked against scikit-learn), and the curve and counts against scikit-learn directly.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix, precision_recall_curve

from csc_dash import markup, metrics, tradeoffs
from csc_dash.charts import KINDS
from csc_dash.content import tradeoff_words
from csc_dash.models import MODEL_LABELS
from tests.helpers import random_scores

# --- rounding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "total", "expected"),
    [
        ([1, 1, 1], 10, [4, 3, 3]),  # ties: earlier entries win
        ([0.5, 0.5], 1, [1, 0]),
        ([13.4, 86.6, 22.2, 877.8], 1000, [13, 87, 22, 878]),
        ([0, 0, 5], 100, [0, 0, 100]),
        ([0, 0], 10, [0, 0]),
        ([3, 7], 0, [0, 0]),
        ([2, 2, 2], 3, [1, 1, 1]),
    ],
)
def test_largest_remainder_table(values, total, expected):
    assert tradeoffs.largest_remainder(values, total).tolist() == expected


@pytest.mark.parametrize(("values", "total"), [([-1, 2], 5), ([np.nan, 1], 5), ([1, 2], -1), ([], 5)])
def test_largest_remainder_rejects_bad_input(values, total):
    with pytest.raises(ValueError):
        tradeoffs.largest_remainder(values, total)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=5000),
)
def test_largest_remainder_sums_exactly_and_stays_within_one(values, total):
    out = tradeoffs.largest_remainder(values, total)
    v = np.asarray(values)
    if v.sum() == 0:
        assert out.sum() == 0
        return
    assert out.sum() == total
    exact = v * total / v.sum()
    assert np.all(out >= np.floor(exact) - 1e-9) and np.all(out <= np.ceil(exact) + 1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 50_000), st.integers(0, 50_000), st.integers(0, 50_000), st.integers(0, 500_000),
    st.sampled_from([100, 1000]),
)
def test_people_counts_add_up_and_stay_close(tp, fp, fn, tn, n):
    total = tp + fp + fn + tn
    if total == 0:
        return
    row = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    counts = tradeoffs.people_counts(row, n=n)
    assert sum(counts[k] for k in KINDS) == n
    assert counts["flagged"] == counts["true_alarm"] + counts["false_alarm"]
    assert counts["escalated"] == counts["true_alarm"] + counts["missed"]
    # Both headlines (flagged; went on to a plan or care) are the one rounding of "N in every
    # 1,000" (per_1000: the nearest whole number); each kind within 1.5 of exact, never negative.
    assert counts["flagged"] == tradeoffs.per_1000(tp + fp, total, n=n)
    assert counts["escalated"] == tradeoffs.per_1000(tp + fn, total, n=n)
    assert abs(counts["flagged"] - n * (tp + fp) / total) <= 0.5 + 1e-9
    assert abs(counts["escalated"] - n * (tp + fn) / total) <= 0.5 + 1e-9
    for kind, c in (("true_alarm", tp), ("false_alarm", fp), ("missed", fn), ("not_flagged", tn)):
        assert counts[kind] >= 0 and abs(counts[kind] - n * c / total) < 1.5


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [(384, 9724, 39), (1, 2000, 1), (1, 2001, 0), (0, 10, 0), (10, 10, 1000), (973, 9724, 100)],
)
def test_per_1000_is_the_nearest_whole_number(count, total, expected):
    assert tradeoffs.per_1000(count, total) == expected


@pytest.mark.parametrize(("count", "total"), [(1, 0), (-1, 10), (11, 10)])
def test_per_1000_rejects_bad_input(count, total):
    with pytest.raises(ValueError):
        tradeoffs.per_1000(count, total)


def test_people_counts_picture_matches_the_headline_of_who_went_on():
    """The reviewer's case: 384 of 9,724 went on to a plan or care, "39 in every 1,000" on the
    Welcome and The question pages; the picture at the top 10% line now shows 39, not 40."""
    row = {"tp": 154, "fp": 818, "fn": 230, "tn": 8522}
    counts = tradeoffs.people_counts(row)
    assert counts["true_alarm"] + counts["missed"] == 39 == tradeoffs.per_1000(384, 9724)
    assert counts["flagged"] == 100


def test_people_counts_match_threshold_table_per_1000():
    y, s = random_scores(1)
    table = metrics.threshold_table(y, s)
    for t in (0.1, 0.4, 0.6, 0.8):
        row = tradeoffs.threshold_row(table, t)
        counts = tradeoffs.people_counts(row)
        assert abs(counts["flagged"] - row["flagged_per_1000"]) <= 0.5
        assert abs(counts["true_alarm"] - row["true_alarms_per_1000"]) < 1.5
        assert abs(counts["false_alarm"] - row["false_alarms_per_1000"]) < 1.5
        assert abs(counts["missed"] - row["missed_per_1000"]) < 1.5


def test_kind_order_matches_charts():
    assert tradeoffs.KIND_ORDER == KINDS


@pytest.mark.parametrize("threshold", [0.0, 0.25, 0.5, 0.75, 2.0])
def test_assign_kinds_matches_sklearn_confusion_matrix(threshold):
    y, s = random_scores(2)
    kinds = tradeoffs.assign_kinds(y, s, threshold)
    tn, fp, fn, tp = confusion_matrix(y, s >= threshold, labels=[0, 1]).ravel()
    got = pd.Series(kinds).value_counts()
    assert got.get("true_alarm", 0) == tp and got.get("false_alarm", 0) == fp
    assert got.get("missed", 0) == fn and got.get("not_flagged", 0) == tn


# --- thresholds read from a sweep ------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_base_rate_is_the_share_that_went_on(seed):
    y, s = random_scores(seed, ties=seed == 4)
    assert tradeoffs.base_rate(metrics.threshold_table(y, s)) == pytest.approx(y.mean())


def test_pr_curve_points_lie_on_sklearns_curve_and_are_thinned():
    y, s = random_scores(5, n=5000)
    table = metrics.threshold_table(y, s)
    points = tradeoffs.pr_curve_points(table, max_points=300)
    assert len(points) <= 300
    precision, recall, _ = precision_recall_curve(y, s)
    on_curve = {(round(p, 10), round(r, 10)) for p, r in zip(precision, recall, strict=True)}
    for p, r in zip(points["precision"], points["recall"], strict=True):
        assert (round(p, 10), round(r, 10)) in on_curve
    assert points["recall"].iloc[0] == 1.0  # everyone flagged: every child found
    assert points["flagged"].min() == table.loc[table["flagged"] > 0, "flagged"].min()


# --- yes/no tools ------------------------------------------------------------------------------


def test_yes_no_sentence_says_there_is_no_line():
    row = {"flagged": 2331, "tp": 174, "fp": 2157, "fn": 210, "tn": 7183}
    rule = tradeoff_words.yes_no_sentence(row, rule=True)
    assert rule.startswith(
        "This rule has no line to move: it flags every referral with two or more earlier referrals."
    )
    # per 1,000 first, as the line is said everywhere; the council's count in brackets
    assert rule.endswith(
        "Here that is 240 in every 1,000 referrals (2,331 of the council's 9,724)."
    )
    assert "%" not in rule and not re.search(r"\d\.\d", rule)  # no decimals
    upload = tradeoff_words.yes_no_sentence(row, rule=False)
    assert "only says yes or no" in upload and "rule" not in upload
    for text in (rule, upload):
        assert textstat.flesch_kincaid_grade(text) <= 8, text


# --- uncertainty ---------------------------------------------------------------------------


def _figure_statistic(figure: str, threshold: float):
    """A per-1,000 figure at ``threshold`` from raw rows, for metrics.bootstrap_interval."""

    def statistic(y, s):
        flagged = s >= threshold
        y = y.astype(bool)
        mask = {
            "flagged": flagged,
            "true_alarm": flagged & y,
            "false_alarm": flagged & ~y,
            "missed": ~flagged & y,
        }[figure]
        return 1000.0 * mask.mean()

    return statistic


@pytest.mark.parametrize(("seed", "threshold"), [(0, 0.3), (1, 0.5), (2, 0.57)])
def test_per_1000_intervals_agree_with_bootstrap_interval_over_rows(seed, threshold):
    """Drawing the four counts from a multinomial is the row bootstrap: both give the same
    interval up to Monte Carlo error (checked at 0.12 of the interval's width)."""
    y, s = random_scores(seed, n=3000, rate=0.08)
    row = metrics.row_at_threshold(y, s, threshold)
    ours = tradeoffs.per_1000_intervals(row, n_boot=4000, random_state=seed)
    for figure, interval in ours.items():
        peer = metrics.bootstrap_interval(
            _figure_statistic(figure, threshold), y, s, n_boot=4000, random_state=seed
        )
        assert interval is not None
        width = peer[1] - peer[0]
        assert width > 0
        assert interval[0] == pytest.approx(peer[0], abs=0.12 * width), figure
        assert interval[1] == pytest.approx(peer[1], abs=0.12 * width), figure


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 3000), st.integers(0, 30_000),
    st.integers(0, 2**16),
)
def test_per_1000_intervals_hold_the_shown_figure(tp, fp, fn, tn, seed):
    if tp + fp + fn + tn == 0:
        return
    row = {"tp": tp, "fp": fp, "fn": fn, "tn": tn}
    intervals = tradeoffs.per_1000_intervals(row, n_boot=300, random_state=seed)
    assert intervals == tradeoffs.per_1000_intervals(row, n_boot=300, random_state=seed)  # seeded
    counts = tradeoffs.people_counts(row)
    total = tp + fp + fn + tn
    for figure, cells in tradeoffs.FIGURE_CELLS.items():
        inside = sum(row[c] for c in cells)
        interval = intervals[figure]
        if min(inside, total - inside) < tradeoffs.MIN_FOR_INTERVAL:
            assert interval is None
            assert tradeoffs.interval_text(interval) == "Too few to tell how sure we are."
            continue
        low, high = interval
        assert 0 <= low <= 1000 * inside / total <= high <= 1000
        # the whole people shown sit inside the interval as it is written (rounded outwards)
        words = tradeoffs.interval_text(interval)
        shown_low, shown_high = (int(v.replace(",", "")) for v in words[:-1].split(" ")[2::2])
        assert shown_low <= counts[figure] <= shown_high


def test_interval_text_rounds_outwards():
    assert tradeoffs.interval_text((88.2, 104.1)) == "Likely between 88 and 105."
    assert tradeoffs.interval_text((13.0, 18.0)) == "Likely between 13 and 18."
    assert textstat.flesch_kincaid_grade(tradeoff_words.INTERVAL_NOTE) <= 8


def test_per_1000_intervals_reject_bad_options():
    row = {"tp": 10, "fp": 10, "fn": 10, "tn": 10}
    with pytest.raises(ValueError):
        tradeoffs.per_1000_intervals(row, confidence=1.0)
    with pytest.raises(ValueError):
        tradeoffs.per_1000_intervals(row, n_boot=0)


# --- comparing tools -------------------------------------------------------------------------


def _tables(seed: int = 0):
    y, s = random_scores(seed, n=3000)
    rng = np.random.default_rng(seed + 10)
    other = np.clip(s + rng.normal(0, 0.1, len(s)), 0, 1)
    rule = (rng.random(len(s)) < 0.2).astype(float)
    scores = {"structured": s, "text": other, "rule": rule}
    return y, scores, {m: metrics.threshold_table(y, v) for m, v in scores.items()}


def test_fixed_flag_count_finds_the_rule():
    y, scores, tables = _tables()
    assert tradeoffs.fixed_flag_count(tables["rule"]) == int(scores["rule"].sum())
    assert tradeoffs.fixed_flag_count(tables["structured"]) is None


def test_comparison_uses_the_rules_number_and_matches_threshold_table():
    y, scores, tables = _tables(1)
    labels = {"structured": "A", "text": "B", "rule": "Rule"}
    frame, flagged, fixed_by = tradeoffs.comparison(tables, labels=labels, current_flagged=123)
    assert fixed_by == "Rule" and flagged == int(scores["rule"].sum())
    assert list(frame["model"]) == ["structured", "text", "rule"]
    for _, r in frame.iterrows():
        assert r["flagged"] <= flagged
        peer = metrics.row_at_threshold(y, scores[r["model"]], r["threshold"])
        for column in ("flagged", "tp", "fp", "fn", "true_alarms_per_1000", "missed_per_1000"):
            assert r[column] == pytest.approx(peer[column])
    assert frame.loc[frame["model"] == "rule", "flagged"].item() == flagged
    assert frame.loc[frame["model"] == "structured", "flagged"].item() == flagged  # no ties


def test_comparison_without_a_rule_uses_the_current_number():
    y, _, tables = _tables(2)
    del tables["rule"]
    frame, flagged, fixed_by = tradeoffs.comparison(tables, labels={}, current_flagged=300)
    assert fixed_by is None and flagged == 300
    assert (frame["flagged"] <= 300).all() and list(frame["label"]) == ["structured", "text"]
    text = tradeoff_words.comparison_sentence(frame, flagged=flagged, fixed_by=fixed_by)
    n = len(y)
    per = tradeoffs.per_1000(300, n)
    assert per == 100  # 300 of 3,000
    assert text.startswith(
        f"Every tool here flags the same number: {per} in every 1,000 referrals "
        f"(300 of the council's {n:,})."
    )


def test_comparison_table_has_analyst_columns():
    y, scores, tables = _tables(3)
    frame, _, _ = tradeoffs.comparison(tables, labels={}, current_flagged=100)
    table = tradeoffs.comparison_table(frame).set_index("Figure")
    # one column per tool, so it fits a 768 px screen
    assert list(table.columns) == ["structured", "text", "rule"]
    assert {"Precision (PPV)", "Recall (sensitivity)", "Missed per 1,000"} <= set(table.index)
    for _, r in frame.iterrows():
        peer = metrics.row_at_threshold(y, scores[r["model"]], r["threshold"])
        shown = table[r["label"]]
        assert shown["Flagged"] == f"{int(peer['flagged']):,}"
        assert shown["True alarms per 1,000"] == f"{peer['true_alarms_per_1000']:.1f}"
        assert shown["Precision (PPV)"] == f"{peer['precision']:.3f}"
        # the whole people beside the bars are the page's one rounding
        assert r["true_alarm"] == tradeoffs.people_counts(peer)["true_alarm"]
    same = frame.assign(label="Same name")
    assert list(tradeoffs.comparison_table(same).columns) == ["Figure", "Same name", "Same name (2)", "Same name (3)"]


# --- words -----------------------------------------------------------------------------------


def test_summary_sentence_says_the_counts():
    counts = {"true_alarm": 13, "false_alarm": 87, "missed": 22, "not_flagged": 878, "flagged": 100}
    text = tradeoff_words.summary_sentence(counts)
    assert "flag 100" in text and "13 went on" in text and "87 would be false alarms" in text
    assert "miss 22 children" in text
    none = dict(counts, true_alarm=0, false_alarm=0, missed=1, flagged=0)
    assert "flag none" in tradeoff_words.summary_sentence(none) and "1 child " in tradeoff_words.summary_sentence(none)


def test_cost_and_capacity_sentences():
    counts = {"true_alarm": 20, "false_alarm": 180, "missed": 15, "not_flagged": 785, "flagged": 200}
    assert "worth 10 false alarms" in tradeoff_words.cost_sentence(10, counts)
    row = {"flagged": 952, "tp": 100, "fp": 852, "fn": 284, "tn": 8488}
    text = tradeoff_words.capacity_sentence(40, 24.0, row)
    # per 1,000 first, as the button beside it says it; the council's count in brackets
    per = tradeoffs.people_counts(row)["flagged"]
    assert (
        per == 98
        and tradeoff_words.line_button_label(tradeoffs.people_counts(row))
        == "Flag 98 in every 1,000"
    )
    assert text == (
        "In 24 months you could look again at up to 960 families. The line that fits flags 98 in "
        "every 1,000 referrals (952 of the council's 9,724, about 40 a month)."
    )


def test_found_sentence_and_summary_for_a_yes_no_tool_name_no_line():
    row = {"recall": 0.453, "precision": 0.0746}
    text = tradeoff_words.found_sentence(row, yes_no=True)
    assert text.startswith("This tool finds 45% of the children") and "your line" not in text
    nobody = {"recall": 0.0, "precision": float("nan")}
    assert tradeoff_words.found_sentence(nobody) == "At your line nobody is flagged."
    assert tradeoff_words.found_sentence(nobody, yes_no=True) == "This tool flags nobody."
    assert "cannot be drawn" in tradeoff_words.ranking_sentence(
        average_precision=float("nan"), base_rate=0.0, escalated_per_1000=0
    )
    assert "one point, not a curve" in tradeoff_words.yes_no_pr_summary(row)


def test_line_button_labels_tell_two_lines_apart_in_the_words_of_the_sentence():
    """Both buttons read '(0.076)' once; then "Use line: 924 flagged" beside "the best line
    flags 95 in every 1,000". Now the button says the sentence's own figure."""
    a = tradeoff_words.line_button_label({"flagged": 95})
    b = tradeoff_words.line_button_label({"flagged": 96})
    assert a == "Flag 95 in every 1,000" and a != b
    assert len(tradeoff_words.line_button_label({"flagged": 1000})) <= 25  # fits on a tablet
    assert tradeoff_words.line_button_help({"flagged": 95}) == (
        "Moves the line so that it flags 95 in every 1,000 referrals, on this page and on every "
        "other page."
    )


def test_analyst_row_matches_the_sweep():
    y, s = random_scores(0)
    row = metrics.row_at_threshold(y, s, 0.5)
    table = tradeoffs.analyst_row(row, n=len(y)).set_index("Figure")["Value"]
    assert table["Flagged"] == f"{int(row['flagged']):,}"
    assert table["Flagged per 1,000"] == f"{row['flagged_per_1000']:.1f}"
    intervals = tradeoffs.per_1000_intervals(row)
    with_ci = tradeoffs.analyst_row(row, n=len(y), intervals=intervals).set_index("Figure")["Value"]
    low, high = intervals["flagged"]
    assert with_ci["Flagged per 1,000"] == f"{row['flagged_per_1000']:.1f} (95%: {low:.1f} to {high:.1f})"


def test_core_modules_do_not_import_streamlit():
    code = (
        "import sys; import csc_dash.tradeoffs, csc_dash.vignettes, csc_dash.content.the_question, "
        "csc_dash.charts.tradeoffs, csc_dash.charts.children; "
        "sys.exit(1 if 'streamlit' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (MODEL_LABELS["structured"], "the tick-box data model"),
        (MODEL_LABELS["rule"], "the current practice rule (2 or more earlier referrals)"),
        ("Model A", 'the tool "Model A"'),
    ],
)
def test_tool_phrase(name, expected):
    assert tradeoff_words.tool_phrase(name) == expected
    assert tradeoff_words.tool_phrase(name, start=True) == "T" + expected[1:]


def test_tool_phrase_and_summaries_escape_an_uploaded_name():
    hostile = "<b>x</b> **bold** [l](http://e.x)"
    assert markup.markdown_text(hostile) in tradeoff_words.tool_phrase(hostile)
    frame = pd.DataFrame({"label": [hostile], "true_alarm": [20], "false_alarm": [80], "missed": [19]})
    text = tradeoff_words.comparison_summary(frame)
    assert markup.markdown_text(hostile) in text and "**bold**" not in text
    assert text.endswith("20 found, 80 false alarms, 19 missed.")


def test_comparison_sentence_names_ties():
    frame = pd.DataFrame(
        {"label": ["A", "B", "Rule"], "tp": [24, 24, 18], "fp": [250, 251, 260], "fn": [76, 76, 82],
         "tn": [9650, 9649, 9640], "true_alarm": [24, 24, 18]}
    )  # fmt: skip
    text = tradeoff_words.comparison_sentence(frame, flagged=2689, fixed_by="Rule")
    assert text.startswith(
        "Rule can only flag one number: 269 in every 1,000 referrals (2,689 of the "
        "council's 10,000). So here every tool flags that many."
    )
    assert "A and B each find the most children" in text and "24 in every 1,000" in text
    one = tradeoff_words.comparison_sentence(frame.iloc[[0, 2]], flagged=10, fixed_by=None)
    assert "A finds the most" in one


def test_comparison_sentence_says_about_the_same_when_the_figures_shown_are_equal():
    # A finds 233 children and B 231 of 9,724: both are 24 in every 1,000 on screen.
    frame = pd.DataFrame(
        {"label": ["A", "B", "Rule"], "tp": [233, 231, 160], "fp": [2098, 2100, 2171],
         "fn": [156, 158, 229], "tn": [7237, 7235, 7164], "true_alarm": [24, 24, 16]}
    )  # fmt: skip
    text = tradeoff_words.comparison_sentence(frame, flagged=2331, fixed_by="Rule")
    assert text.endswith(
        "Then A and B find about the same number of children who went on to a plan or care: "
        "24 in every 1,000 referrals."
    )
    assert "the most" not in text


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Current practice rule (2 or more earlier referrals)", "Current practice<br>rule (2 or more<br>earlier referrals)"),
        ("Model A", "Model A"),
        ("<b>x</b> & 100%", "&lt;b&gt;x&lt;/b&gt; &amp; 100&#37;"),
        ("<b>x</b> **bold** [l](http://e.x)", "&lt;b&gt;x&lt;/b&gt; **bold**<br>[l](http://e.x)"),
    ],
)
def test_wrap_label_escapes_then_breaks_lines(label, expected):
    from csc_dash.charts.tradeoffs import wrap_label

    assert wrap_label(label) == expected


# --- The line in whole steps, and the table the browser gets -----------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 1000), min_size=4, max_size=4).filter(lambda v: sum(v) > 0))
def test_picture_counts_add_to_100_and_stay_within_one_of_a_tenth(values):
    counts = dict(zip(tradeoffs.KIND_ORDER, values, strict=True))
    pic = tradeoffs.picture_counts(counts)
    assert sum(pic.values()) == 100
    total = sum(values)
    for k, v in counts.items():
        assert abs(pic[k] - 100 * v / total) < 1


def test_picture_sentence_names_each_kind_by_its_look():
    text = tradeoff_words.picture_sentence({"true_alarm": 1, "false_alarm": 8, "missed": 2, "not_flagged": 89})
    assert text == (
        "Each person stands for 10 of the 1,000 referrals. 1 solid blue person stands for referrals "
        "that were flagged and went on to a plan or care. 8 striped brown people stand for false "
        "alarms. 2 hollow people with a cross stand for children missed. 89 thin grey outlines "
        "stand for referrals not flagged that had no plan or care."
    )


# --- average precision in whole people ----------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "expected"), [(0.0, 0), (0.1734, 173), (0.1735, 174), (0.0395, 40), (1.0, 1000)]
)
def test_share_per_1000_is_the_nearest_whole_number(share, expected):
    assert tradeoffs.share_per_1000(share) == expected


def test_share_per_1000_refuses_a_share_outside_0_to_1():
    with pytest.raises(ValueError, match="between 0 and 1"):
        tradeoffs.share_per_1000(1.2)


@pytest.mark.parametrize(
    ("ap", "rate", "expected"),
    [
        (0.1734, 0.0395, "about 4 times as well as a random guess"),
        (0.05, 0.04, "a little better than a random guess"),
        (0.03, 0.04, "no better than a random guess"),
        (0.2, 0.0, "no better than a random guess"),
    ],
)
def test_times_a_guess_in_whole_times(ap, rate, expected):
    assert tradeoff_words.times_a_guess(average_precision=ap, base_rate=rate) == expected


def test_ranking_sentence_speaks_of_people_and_keeps_the_figures_for_analysts():
    """The tester's report: "This tool scores 0.17 (average precision). A random guess would
    score about 0.04." on the families' view."""
    plain = tradeoff_words.ranking_sentence(
        average_precision=0.1734, base_rate=0.0395, escalated_per_1000=39
    )
    assert plain == (
        "Picture moving the line down one referral at a time. Each time it finds another child "
        "who went on to a plan or care, count how many of the flagged went on to a plan or care. "
        "For this tool that is about 173 in every 1,000, on average. A random guess would get "
        "about 39 in every 1,000, because that is how many of all referrals went on to a plan or "
        "care. So this tool does about 4 times as well as a random guess."
    )
    assert not re.search(r"\d\.\d", plain)
    assert textstat.flesch_kincaid_grade(plain) <= 8
    analyst = tradeoff_words.ranking_sentence(
        average_precision=0.1734, base_rate=0.0395, escalated_per_1000=39, analyst=True
    )
    assert analyst == plain + " In numbers: average precision 0.17; a random guess gets about 0.04."
