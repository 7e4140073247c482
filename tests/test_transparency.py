"""The transparency summary: its figures equal the core's (and their peers'), it is safe to open
and print anywhere, and a 12-year-old can read it."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score

from csc_dash import fairness, markup, metrics, tradeoffs, transparency
from csc_dash.cohort import ScoredCohort, load_sample_cohort
from csc_dash.fairness import group_error_rates
from csc_dash.tradeoffs import people_counts

N_BOOT = 100


@pytest.fixture(scope="module")
def sample():
    return load_sample_cohort("moderate")


def _upload(n: int = 400, *, seed: int = 0, group_name: str = "team", values=("A", "B")) -> ScoredCohort:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(np.int8)
    s = np.clip(0.25 * y + rng.random(n) * 0.75, 0, 1).round(3)
    frame = pd.DataFrame({"outcome": y, "my score": s, group_name: rng.choice(list(values), n)})
    return ScoredCohort(
        frame=frame,
        score_columns={"my score": "my score"},
        model_labels={"my score": "my score"},
        group_columns=(group_name,),
        source="upload",
    )


class _Text(HTMLParser):
    """Visible text of a page, one block (paragraph, item, heading, cell) per entry."""

    BLOCKS = {"p", "li", "h1", "h2", "h3", "td", "th", "caption"}

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self._parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title", "script"):
            self._skip += 1
        if tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("style", "title", "script"):
            self._skip -= 1
        if tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data):
        if not self._skip:
            self._parts.append(data)

    def _flush(self):
        text = " ".join("".join(self._parts).split())
        self._parts = []
        if text:
            self.blocks.append(text)


def _blocks(page: str) -> list[str]:
    parser = _Text()
    parser.feed(page)
    parser._flush()
    return parser.blocks


def _plain_text(page: str) -> str:
    # A heading or a table cell is read as a unit of its own: end it like a sentence.
    return " ".join(b if b[-1] in ".!?" else b + "." for b in _blocks(page))


# --------------------------------------------------------------------------------------------
# Figures equal the core and its peers
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["structured", "text", "rule"])
@pytest.mark.parametrize("share", [0.05, 0.30])
def test_figures_equal_threshold_table_and_group_error_rates(sample, model, share):
    y, s = sample.y, sample.scores(model)
    threshold = metrics.threshold_for_top_share(s, share)
    fig = transparency.transparency_figures(sample, model=model, threshold=threshold, n_boot=N_BOOT)
    expected = metrics.lookup(metrics.threshold_table(y, s), threshold)
    for column, _label in transparency.PER_1000_ROWS:
        assert fig.row[column] == pytest.approx(expected[column], rel=1e-12)
    for column in ("precision", "recall", "flagged", "tp", "fp", "fn"):
        assert fig.row[column] == pytest.approx(expected[column], rel=1e-12, nan_ok=True)
    assert fig.referrals == len(y) and fig.escalated == int(y.sum())
    assert fig.average_precision == pytest.approx(average_precision_score(y, s), rel=1e-12)
    assert fig.baseline == pytest.approx(y.mean())
    assert set(fig.groups) == set(sample.group_columns)
    for column, table in fig.groups.items():
        peer = group_error_rates(y, s, sample.frame[column], threshold=threshold, n_boot=N_BOOT, random_state=0)
        pd.testing.assert_frame_equal(table, peer)


def test_ranges_are_the_ones_trade_offs_shows_at_the_same_line(sample):
    """Issue 14: the summary's ranges came from another method than the screen's. Now one
    function gives both, whatever the number of draws asked for."""
    y, s = sample.y, sample.scores("structured")
    t = metrics.threshold_for_top_share(s, 0.1)
    fig = transparency.transparency_figures(sample, model="structured", threshold=t, groups=[], n_boot=N_BOOT, random_state=7)
    on_screen = tradeoffs.per_1000_intervals(metrics.lookup(metrics.threshold_table(y, s), t))
    page = transparency.render_summary(fig)
    for column, label in transparency.PER_1000_ROWS:
        key = {"flagged_per_1000": "flagged", "true_alarms_per_1000": "true_alarm",
               "false_alarms_per_1000": "false_alarm", "missed_per_1000": "missed"}[column]
        assert fig.intervals[column] == on_screen[key]
        low, high = re.fullmatch(r"Likely between ([\d,]+) and ([\d,]+)\.", tradeoffs.interval_text(on_screen[key])).groups()
        assert f'<th scope="row">{html.escape(label)}</th>' in page
        assert f'<td class="num">{low} to {high}</td></tr>' in page
        lo, hi = fig.intervals[column]
        assert lo <= fig.row[column] <= hi


def _close_intervals(a, b, *, share):
    width = b[1] - b[0]
    assert abs(a[0] - b[0]) <= share * width and abs(a[1] - b[1]) <= share * width, (a, b)


def test_average_precision_interval_matches_the_row_bootstrap(sample):
    """Drawing cell counts from a multinomial is resampling rows: the same distribution."""
    y, s = sample.y, sample.scores("structured")
    cells = fairness.average_precision_interval(y, s, n_boot=600, random_state=3)
    rows = metrics.bootstrap_interval(metrics.average_precision, y, s, n_boot=600, random_state=4)
    _close_intervals(cells, rows, share=0.2)
    assert cells[0] <= metrics.average_precision(y, s) <= cells[1]


def test_average_precision_interval_on_many_distinct_scores_matches_the_row_bootstrap():
    """Many distinct scores (one cell per referral): still the row bootstrap's distribution."""
    rng = np.random.default_rng(5)
    n = 40_000
    y = (rng.random(n) < 0.05).astype(int)
    s = np.clip(rng.beta(2, 6, n) + 0.15 * y, 0, 1)
    assert len(np.unique(s)) > 20_000
    cells = fairness.average_precision_interval(y, s, n_boot=400, random_state=1)
    rows = metrics.bootstrap_interval(metrics.average_precision, y, s, n_boot=400, random_state=2)
    _close_intervals(cells, rows, share=0.25)
    assert cells[0] <= average_precision_score(y, s) <= cells[1]


def test_average_precision_interval_is_too_few_to_tell_without_positives_in_most_draws():
    y = np.zeros(400, dtype=int)
    s = np.linspace(0, 1, 400)
    low, high = fairness.average_precision_interval(y, s, n_boot=200)
    assert np.isnan(low) and np.isnan(high)


def test_summary_shows_the_figures(sample):
    t = metrics.threshold_for_top_share(sample.scores("structured"), 0.1)
    page = transparency.transparency_summary_html(sample, model="structured", threshold=t, n_boot=N_BOOT)
    fig = transparency.transparency_figures(sample, model="structured", threshold=t, n_boot=N_BOOT)
    for column, label in transparency.PER_1000_ROWS:
        low, high = fig.intervals[column]
        shown = people_counts(fig.row)[{
            "flagged_per_1000": "flagged",
            "true_alarms_per_1000": "true_alarm",
            "false_alarms_per_1000": "false_alarm",
            "missed_per_1000": "missed",
        }[column]]
        assert abs(shown - fig.row[column]) < 1  # whole people, never more than one away
        row = (
            f'<tr><th scope="row">{html.escape(label)}</th>'
            f'<td class="num">{shown:,}</td>'
            f'<td class="num">{int(np.floor(low)):,} to {int(np.ceil(high)):,}</td></tr>'
        )
        assert row in page
    assert f"This tool scores {fig.average_precision:.2f}" in page
    assert f"Picking referrals at random would score {fig.baseline:.2f}" in page
    ethnicity = fig.groups["ethnicity"]
    for _key, r in ethnicity.iterrows():
        if r["too_few"]:
            continue
        cell = f"{100 * r['fdr']:.0f} ({100 * r['fdr_low']:.0f}–{100 * r['fdr_high']:.0f})"
        assert cell in page
    assert "Tick-box data model" in page
    # Groups read in natural order: 5-9 before 10-15.
    assert page.index(">5-9<") < page.index(">10-15<")


def test_groups_come_in_the_fairness_pages_order(sample):
    """"<1" first, "5-9" before "10-15": the natural order of group_error_rates, as on Fairness."""
    fig = transparency.transparency_figures(
        sample, model="structured", threshold=0.1, groups=["age_band", "deprivation_decile"], n_boot=20
    )
    page = transparency.render_summary(fig)
    blocks = _blocks(page)
    for column, table in fig.groups.items():
        labels = [str(v) for v in table["label"]]
        positions = [blocks.index(label) for label in labels]
        assert positions == sorted(positions), (column, labels)
    assert [str(v) for v in fig.groups["age_band"]["label"]] == ["<1", "1-4", "5-9", "10-15", "16+"]
    assert [str(v) for v in fig.groups["deprivation_decile"]["label"]] == [str(i) for i in range(1, 11)]


def test_nobody_flagged_is_said_plainly(sample):
    page = transparency.transparency_summary_html(sample, model="rule", threshold=2.0, n_boot=N_BOOT)
    assert transparency.NOBODY_FLAGGED in page


def test_too_few_to_tell_and_no_groups():
    small = _upload(200, values=("A",) * 20 + ("tiny",))
    page = transparency.transparency_summary_html(small, model="my score", threshold=0.5, n_boot=N_BOOT)
    fig = transparency.transparency_figures(small, model="my score", threshold=0.5, n_boot=N_BOOT)
    assert bool(fig.groups["team"].loc["tiny", "too_few"])
    assert transparency.TOO_FEW in page
    bare = ScoredCohort(
        frame=small.frame[["outcome", "my score"]],
        score_columns={"my score": "my score"},
        model_labels={"my score": "my score"},
        source="upload",
    )
    page = transparency.transparency_summary_html(bare, model="my score", threshold=0.5, n_boot=N_BOOT)
    assert transparency.NO_GROUPS_LINE in page


# --------------------------------------------------------------------------------------------
# Safe: self-contained, no scripts, every user string escaped
# --------------------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "</style><style>body{display:none}</style>",
    "&amp; ' \" < >",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_and_values_are_escaped(hostile):
    cohort = _upload(group_name=hostile, values=(hostile, "B " + hostile))
    cohort = ScoredCohort(
        frame=cohort.frame.rename(columns={"my score": hostile + " score"}),
        score_columns={hostile: hostile + " score"},
        model_labels={hostile: hostile},
        group_columns=(hostile,),
        source="upload",
        notices=(f"The scores in '{hostile}' were turned into ranks.",),
    )
    page = transparency.transparency_summary_html(cohort, model=hostile, threshold=0.5, n_boot=50)
    assert hostile not in page
    assert html.escape(hostile) in page
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert page.count("<style>") == 1 and page.count("</style>") == 1
    # What a reader sees is exactly what was uploaded.
    blocks = _blocks(page)
    assert any(hostile.split()[0] in b for b in blocks)


def test_self_contained_and_printable(sample):
    page = transparency.transparency_summary_html(sample, model="text", threshold=0.1, n_boot=N_BOOT)
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "@media print" in page and "@page" in page
    lowered = page.lower()
    for forbidden in ("<script", "http://", "https://", "src=", "<link", "@import", "url(", "<iframe"):
        assert forbidden not in lowered
    assert "never decides what happens to a family" in page


def test_same_inputs_same_page(sample):
    a = transparency.transparency_summary_html(sample, model="rule", threshold=0.5, n_boot=100, random_state=3)
    b = transparency.transparency_summary_html(sample, model="rule", threshold=0.5, n_boot=100, random_state=3)
    assert a == b


# --------------------------------------------------------------------------------------------
# Readable by a 12-year-old
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample", "upload"])
def test_reading_level(sample, which):
    cohort = sample if which == "sample" else _upload()
    model = "structured" if which == "sample" else "my score"
    page = transparency.transparency_summary_html(cohort, model=model, threshold=0.2, n_boot=N_BOOT)
    text = _plain_text(page)
    assert textstat.flesch_kincaid_grade(text) <= 8
    for block in _blocks(page):
        if len(block.split()) >= 8:  # each sentence-length block on its own, too
            assert textstat.flesch_kincaid_grade(block) <= 8, block


@pytest.mark.parametrize(
    ("referrals", "draws"), [(0, 1000), (9_611, 1000), (100_000, 1000), (400_000, 250), (10**7, 200)]
)
def test_suggested_draws(referrals, draws):
    assert transparency.suggested_n_boot(referrals) == draws


@pytest.mark.parametrize(
    "line", [*transparency.CANNOT_TELL, transparency.NO_GROUPS_LINE, transparency.NOBODY_FLAGGED, transparency.GROUPS_LEGEND]
)
def test_fixed_lines_are_plain(line):
    assert textstat.flesch_kincaid_grade(line) <= 8


# --------------------------------------------------------------------------------------------
# Markdown escaping for user strings shown in Streamlit (the upload page's messages)
# --------------------------------------------------------------------------------------------

INLINE_MARKUP = set("`*_[]~|$:@>\\")


def test_the_summary_has_no_escaper_of_its_own():
    # One escaper for Markdown in the whole app: csc_dash.markup.markdown_text.
    assert not hasattr(transparency, "escape_markdown")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_markdown_text_shows_messages_as_typed(text):
    escaped = markup.markdown_text(text)
    # Undo the escapes (and the invisible word joiners): what remains is the text on one line.
    shown = re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL).replace(markup.WORD_JOINER, "")
    assert shown == "".join(ch if ch.isprintable() else " " for ch in text).strip()
    i = 0
    while i < len(escaped):
        if escaped[i] == "\\":
            assert escaped[i + 1] in markup.MARKDOWN_SPECIAL
            i += 2
            continue
        assert escaped[i] not in INLINE_MARKUP  # nothing Markdown reads inline is left bare
        i += 1
