"""The one-page transparency summary: how well one tool works at one line, for people outside the app.

The transparency summary says, for one model and one threshold, how many families per 1,000
referrals would be flagged, how many of those would be false alarms, how many children would be
missed, how much better than chance the scores rank referrals, and on whom the mistakes fall,
with 95% bootstrap intervals and "too few to tell" where a group is small. It ends with what the
data cannot tell.

It is computed first (:func:`transparency_figures`) and written second
(:func:`transparency_summary_html`): a self-contained page with inline CSS, no scripts and no
links, that prints on one sheet. Every string that came from a user (model and column names,
group values, notices) goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from csc_dash import metrics
from csc_dash.cohort import GROUP_LABELS, ScoredCohort
from csc_dash.fairness import average_precision_interval, group_error_rates
from csc_dash.tradeoffs import people_counts, per_1000_intervals

__all__ = [
    "CANNOT_TELL",
    "NOBODY_FLAGGED",
    "GROUPS_LEGEND",
    "NO_GROUPS_LINE",
    "PER_1000_ROWS",
    "TransparencyFigures",
    "PAGE_CSS",
    "SUMMARY_CSP",
    "TOO_FEW",
    "group_table_html",
    "per_1000_table_html",
    "render_summary",
    "suggested_n_boot",
    "transparency_figures",
    "transparency_summary_html",
    "whole_people_range",
]

#: The four per-1,000 figures, in the order the summary shows them, with their plain names.
PER_1000_ROWS = (
    ("flagged_per_1000", "Flagged by the tool"),
    ("true_alarms_per_1000", "Flagged, and went on to a plan or care"),
    ("false_alarms_per_1000", "False alarms: flagged, but did not go on to a plan or care"),
    ("missed_per_1000", "Children missed: not flagged, but went on to a plan or care"),
)
# Each figure's key in tradeoffs.people_counts: whole people that add up, as on Trade-offs.
_PEOPLE_KEY = {
    "flagged_per_1000": "flagged",
    "true_alarms_per_1000": "true_alarm",
    "false_alarms_per_1000": "false_alarm",
    "missed_per_1000": "missed",
}

#: What no test set like this can tell, in plain words.
CANNOT_TELL = (
    "Whether being flagged would help a family, or harm them.",
    "Whether the records show real need. Some families are seen by services more than others, "
    "so their needs get written down more often. The tool learns from those records.",
    "How the tool will do next year, or in another council.",
    "Why one child got a high score and another a low one.",
    "Anything about a group that is too small to tell.",
    "What a social worker should do. The tool never decides what happens to a family. People do.",
)

NOBODY_FLAGGED = "At this threshold the tool flags nobody, so it finds no child."
NO_GROUPS_LINE = "This test set has no groups, so we cannot tell on whom the mistakes fall."

# The per-group rates the summary shows, as "out of every 100" (explained in GROUPS_LEGEND).
_GROUP_RATES = (
    ("share_flagged", "Flagged"),
    ("fdr", "False alarms"),
    ("fnr", "Children missed"),
)
GROUPS_LEGEND = (
    "For each group we show three numbers, each out of 100. Flagged: of every 100 referrals. "
    "False alarms: of every 100 families flagged. Children missed: of every 100 children who "
    "went on to a plan or care. The likely range is in brackets. When a group is small, we say so."
)
TOO_FEW = "Too few to tell"


@dataclass(frozen=True)
class TransparencyFigures:
    """Everything the summary shows, computed before anything is written."""

    model: str
    model_label: str
    threshold: float
    source: str
    referrals: int
    escalated: int
    months: float
    row: pd.Series  # threshold_table's row at the threshold
    people: dict[str, int]  # per 1,000 as whole people (tradeoffs.people_counts), as shown
    intervals: dict[str, tuple[float, float]]  # per-1,000 column -> (low, high)
    average_precision: float
    average_precision_interval: tuple[float, float]
    baseline: float  # the average precision of random scores: the share that escalated
    groups: dict[str, pd.DataFrame] = field(default_factory=dict)  # column -> group_error_rates
    notices: tuple[str, ...] = ()


def suggested_n_boot(referrals: int, *, most: int = 1000, least: int = 200) -> int:
    """Bootstrap draws for a summary of ``referrals``: ``most`` up to 100,000 referrals, fewer
    above (intervals on so many referrals are narrow), never below ``least``."""
    return int(max(least, min(most, 100_000_000 // max(referrals, 1))))


def transparency_figures(
    cohort: ScoredCohort,
    *,
    model: str,
    threshold: float,
    groups: Sequence[str] | None = None,
    n_boot: int = 1000,
    random_state: int = 0,
) -> TransparencyFigures:
    """The figures of the transparency summary for one model at one threshold.

    Parameters
    ----------
    cohort
        The scored test set (the sample or an upload).
    model
        A key of ``cohort.score_columns``.
    threshold
        Flag a referral when its score is at or above this.
    groups
        Characteristic columns to split errors by; ``None`` uses ``cohort.group_columns``.
    n_boot, random_state
        Bootstrap draws and seed for every interval (95%).

    Notes
    -----
    The per-1,000 figures are the row of :func:`csc_dash.metrics.threshold_table` at the
    threshold, shown as whole people that add up (:func:`csc_dash.tradeoffs.people_counts`,
    the same numbers as the Trade-offs page) with the same ranges as that page
    (:func:`csc_dash.tradeoffs.per_1000_intervals`, whatever ``n_boot``); the average
    precision's interval comes from :func:`csc_dash.fairness.average_precision_interval` (score
    cells, not rows: the same draws as the groups');
    groups come from :func:`csc_dash.fairness.group_error_rates`.
    """
    y, s = metrics.check_inputs(cohort.y, cohort.scores(model))
    threshold = float(threshold)
    table = metrics.threshold_table(y, s)  # one sort for the row, average precision, ties
    row = metrics.lookup(table, threshold)
    # The very ranges the Trade-offs page shows at this line (one function, one method).
    on_screen = per_1000_intervals(row)
    intervals = {
        column: on_screen[_PEOPLE_KEY[column]] or (np.nan, np.nan) for column, _ in PER_1000_ROWS
    }
    if y.sum() == 0:
        raise ValueError(metrics.NO_POSITIVES)
    ap = metrics.average_precision(y, s)
    ap_interval = average_precision_interval(y, s, n_boot=n_boot, random_state=random_state, exact=ap)
    columns = cohort.group_columns if groups is None else tuple(groups)
    tables = {  # keyed by the name as typed for an upload (uploads use internal column names)
        cohort.column_labels.get(column, column): group_error_rates(
            y,
            s,
            cohort.frame[column],
            threshold=threshold,
            n_boot=n_boot,
            random_state=random_state,
        )
        for column in columns
    }
    return TransparencyFigures(
        model=model,
        model_label=cohort.model_labels.get(model, model),
        threshold=threshold,
        source=cohort.source,
        referrals=len(y),
        escalated=int(y.sum()),
        months=float(cohort.months),
        row=row,
        people=people_counts(row, n=1000),
        intervals=intervals,
        average_precision=ap,
        average_precision_interval=ap_interval,
        baseline=float(y.mean()),
        groups=tables,
        notices=tuple(cohort.notices),
    )


# --- Writing ----------------------------------------------------------------------------------

PAGE_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1a1a1a;
  background: #fff; margin: 0; line-height: 1.4; font-size: 15px; }
main { max-width: 60rem; margin: 0 auto; padding: 1.2rem 1.5rem; }
h1 { font-size: 1.6em; margin: 0 0 .3rem; }
h2 { font-size: 1.2em; margin: 1em 0 .3em; border-bottom: 2px solid #0072B2; }
p, li { margin: .25rem 0; }
.lead { font-size: 1.05em; }
.never { border-left: 5px solid #E69F00; padding: .3rem .6rem; background: #fff8e6; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .6rem; font-size: .92em;
  table-layout: fixed; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; overflow-wrap: anywhere; }
th, td { border: 1px solid #bbb; padding: .2rem .4rem; text-align: left; vertical-align: top;
  overflow-wrap: break-word; }
th { background: #eef4fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.few { color: #555; font-style: italic; }
.per1000 col.what { width: 60%; }
.groups { display: grid; grid-template-columns: 1fr; gap: 0 1rem; align-items: start; }
.small { font-size: .9em; color: #444; }
.group col.name { width: 23%; }
.group col.n { width: 17%; }
@page { size: A4; margin: 9mm; }
@media print {
  body { font-size: 8pt; line-height: 1.25; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 13pt; }
  h2 { font-size: 10pt; margin-top: 5pt; }
  table { font-size: 7pt; margin-bottom: 2pt; }
  th, td { padding: 1pt 3pt; }
  .groups { grid-template-columns: 1fr 1fr; }
  section, table { break-inside: avoid; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _per_100(value: float) -> str:
    """An 'out of 100' figure: whole numbers, one decimal below 1 (so 0.4 does not read as 0)."""
    if not np.isfinite(value):
        return TOO_FEW
    return f"{value:.0f}" if abs(value) >= 1 or value == 0 else f"{value:.1f}"


def whole_people_range(low: float, high: float) -> tuple[int, int] | None:
    """A per-1,000 range rounded outwards to whole people, as the Trade-offs page says it
    (:func:`csc_dash.tradeoffs.interval_text`); ``None`` when there is none (too few to tell)."""
    if not (np.isfinite(low) and np.isfinite(high)):
        return None
    return int(np.floor(low + 1e-9)), int(np.ceil(high - 1e-9))


def _outward(low: float, high: float) -> str:
    whole = whole_people_range(low, high)
    return TOO_FEW if whole is None else f"{whole[0]:,} to {whole[1]:,}"


def per_1000_table_html(fig: TransparencyFigures) -> str:
    rows = []
    for column, label in PER_1000_ROWS:
        low, high = fig.intervals[column]
        rows.append(
            f'<tr><th scope="row">{_e(label)}</th>'
            f'<td class="num">{fig.people[_PEOPLE_KEY[column]]:,}</td>'
            f'<td class="num">{_outward(low, high)}</td></tr>'
        )
    return (
        '<table class="per1000"><caption>Out of every 1,000 referrals</caption>'
        '<colgroup><col class="what"><col><col></colgroup>'
        '<tr><th scope="col">What happened</th><th scope="col">Number</th>'
        '<th scope="col">Likely range</th></tr>' + "".join(rows) + "</table>"
    )


def _in_10(value: float) -> str:
    if not np.isfinite(value):
        return "too few to tell"
    return f"about {value * 10:.0f} in 10"


#: The summary's Content-Security-Policy: no scripts, no outside requests, no forms; only its
#: own inline style (and data: images, none today). Opened from disk, nothing can run.
SUMMARY_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)


def group_table_html(column: str, table: pd.DataFrame) -> str:
    name = GROUP_LABELS.get(column, column)
    head = "".join(f'<th scope="col">{_e(label)}</th>' for _rate, label in _GROUP_RATES)
    rows = []
    # group_error_rates already gives the groups in natural order ("<1" first, "5-9" before
    # "10-15"), the order the Fairness page shows.
    for _key, r in table.iterrows():
        cells = [f'<th scope="row">{_e(r["label"])}</th>', f'<td class="num">{int(r["n"]):,}</td>']
        for rate, _label in _GROUP_RATES:
            if bool(r["too_few"]):
                cells.append(f'<td class="few">{TOO_FEW}</td>')
                continue
            value = 100.0 * float(r[rate])
            low, high = 100.0 * float(r[f"{rate}_low"]), 100.0 * float(r[f"{rate}_high"])
            text = _per_100(value)
            if np.isfinite(value) and np.isfinite(low) and np.isfinite(high):
                text += f" ({_per_100(low)}–{_per_100(high)})"
            cells.append(f'<td class="num">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<table class="group"><caption>{_e(name)}</caption>'
        '<colgroup><col class="name"><col class="n"><col><col><col></colgroup>'
        f'<tr><th scope="col">Group</th><th scope="col">Referrals</th>{head}</tr>'
        + "".join(rows)
        + "</table>"
    )


def transparency_summary_html(
    cohort: ScoredCohort,
    *,
    model: str,
    threshold: float,
    groups: Sequence[str] | None = None,
    n_boot: int = 1000,
    random_state: int = 0,
) -> str:
    """A one-page, printable, self-contained HTML summary for ``model`` at ``threshold``.

    Inline CSS (with ``@media print``), no scripts, no links or images, every user-supplied
    string escaped. Parameters as :func:`transparency_figures`.
    """
    fig = transparency_figures(
        cohort,
        model=model,
        threshold=threshold,
        groups=groups,
        n_boot=n_boot,
        random_state=random_state,
    )
    return render_summary(fig)


def render_summary(fig: TransparencyFigures) -> str:
    """Write computed :class:`TransparencyFigures` as the one-page HTML summary."""
    where = (
        "a made-up council (no real child or family)"
        if fig.source == "sample"
        else "a test set that was uploaded"
    )
    row = fig.row
    ap_low, ap_high = fig.average_precision_interval
    ap_range = (
        f" (likely range {ap_low:.2f} to {ap_high:.2f})"
        if np.isfinite(ap_low) and np.isfinite(ap_high)
        else ""
    )
    times = fig.average_precision / fig.baseline if fig.baseline > 0 else float("nan")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{SUMMARY_CSP}">',
        f"<title>How well does this tool work? {_e(fig.model_label)}</title>",
        f"<style>{PAGE_CSS}</style></head><body><main>",
        "<h1>How well does this tool work?</h1>",
        f'<p class="lead">Tool: <strong>{_e(fig.model_label)}</strong>. '
        f"It was tested on {fig.referrals:,} referrals from {_e(where)}. "
        f"Of these, {fig.escalated:,} went on to a child protection plan or care. "
        f"A referral is flagged when its score is {fig.threshold:.3g} or more.</p>",
        '<p class="never">The tool helps people think. It never decides what happens to a '
        "family. People do.</p>",
        "<section><h2>What the tool gets right and wrong</h2>",
        per_1000_table_html(fig),
        (
            f"<p>Of the families it flags, {_e(_in_10(row['precision']))} went on to a plan or "
            f"care. Of the children who went on to a plan or care, it flags "
            f"{_e(_in_10(row['recall']))}.</p>"
            if row["flagged"] > 0
            else f"<p>{_e(NOBODY_FLAGGED)}</p>"
        ),
        '<p class="small">The likely range is where the true number should be 95 times in 100. '
        "We get it by testing again and again on mixed-up copies of the test set.</p>",
        "</section>",
        "<section><h2>Is it better than picking at random?</h2>",
        f"<p>One score for this is called average precision. It runs from 0 to 1, and higher is "
        f"better. This tool scores {fig.average_precision:.2f}{ap_range}. "
        f"Picking referrals at random would score {fig.baseline:.2f}. That is the share of "
        f"referrals that went on to a plan or care.",
    ]
    if np.isfinite(times):
        parts.append(f" So the tool does about {times:.1f} times as well as chance.")
    parts.append("</p></section>")

    parts.append("<section><h2>On whom do the mistakes fall?</h2>")
    if fig.groups:
        parts.append(f"<p>{_e(GROUPS_LEGEND)}</p>")
        parts.append('<div class="groups">')
        parts.extend(group_table_html(column, table) for column, table in fig.groups.items())
        parts.append("</div>")
    else:
        parts.append(f"<p>{_e(NO_GROUPS_LINE)}</p>")
    parts.append("</section>")

    parts.append("<section><h2>What these numbers cannot tell you</h2><ul>")
    parts.extend(f"<li>{_e(line)}</li>" for line in CANNOT_TELL)
    parts.append("</ul></section>")
    if fig.notices:
        parts.append('<section><h2>How the file was read</h2><ul class="small">')
        parts.extend(f"<li>{_e(notice)}</li>" for notice in fig.notices)
        parts.append("</ul></section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)
