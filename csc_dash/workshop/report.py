"""The workshop's HTML report: one self-contained page, safe to open anywhere and to print.

Every text in it is escaped, and it needs no network: its charts are inline SVG, and a content
security policy forbids scripts and outside resources altogether. Its numbers come from
:mod:`csc_dash.workshop.results`, as the facilitator's screen does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from csc_dash.charts import OKABE_ITO
from csc_dash.workshop.decision_store import decision_rows
from csc_dash.workshop.decisions import decision_log
from csc_dash.workshop.report_parts import escape as _E
from csc_dash.workshop.report_parts import nothing as _nothing
from csc_dash.workshop.report_parts import scrolls
from csc_dash.workshop.report_parts import table as _table
from csc_dash.workshop.report_room import section_room
from csc_dash.workshop.results import (
    LABEL_WORDS,
    QUESTIONS,
    agreement_words,
    and_list,
    lines_by_role,
    lines_sentence,
    live_summary,
    most_common,
    most_common_words,
    people,
    reaction_label,
    reaction_totals,
    scale_totals,
    statement_results,
)
from csc_dash.workshop.room_words import read_room
from csc_dash.workshop.rules import REACTIONS, READ_UNAVAILABLE, UNKNOWN_WORKSHOP, FeedbackError
from csc_dash.workshop.store import unavailable_as, utcnow
from csc_dash.workshop.workshops import get_workshop

__all__ = ["workshop_report_html"]

REACTION_COLOURS = {
    "acceptable": OKABE_ITO["bluish_green"],
    "unsure": OKABE_ITO["grey"],
    "not_acceptable": OKABE_ITO["vermillion"],
}

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;font-size:17px}
h1{font-size:1.8rem}h2{margin-top:2.2rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.8rem 0;width:100%}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.2rem 0}
.wide{overflow-x:auto}.wide:focus{outline:2px solid #0072B2}
@media (max-width:40rem){body{font-size:15px}th,td{padding:.25rem}}
.summary{font-weight:600}.note{color:#555}
details.method{margin:1.2rem 0;padding:.4rem .8rem;border:1px solid #ccc;background:#fafafa}
details.method summary{cursor:pointer;font-weight:600}
blockquote{margin:.6rem 0;padding:.4rem .8rem;border-left:4px solid #0072B2;background:#f7f9fb;
white-space:pre-wrap;overflow-wrap:anywhere}
svg{max-width:100%;height:auto}
@media print{body{margin:0}h2{break-after:avoid}}
"""


def _bars_svg(rows: Sequence[tuple[str, float, str]], *, title: str) -> str:
    """A horizontal bar chart: each row (label, count, colour) has its label and count as text,
    so colour is never the only cue. A row with count ``None`` is a group heading."""
    if not rows:
        return ""
    width, label_w, row_h, pad = 720, 330, 30, 8
    largest = max((count for _, count, _ in rows if count is not None), default=0) or 1
    bar_space = width - label_w - 70
    height = len(rows) * row_h + 2 * pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="14" font-family="system-ui,sans-serif">',
        f"<title>{_E(title)}</title>",
    ]
    for i, (label, count, colour) in enumerate(rows):
        y = pad + i * row_h
        if count is None:
            parts.append(f'<text x="0" y="{y + 21}" font-weight="bold">{_E(label)}</text>')
            continue
        length = max(bar_space * count / largest, 1 if count else 0)
        shown = label if len(label) <= 44 else label[:43] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end">{_E(shown)}</text>'
            f'<rect x="{label_w}" y="{y + 5}" width="{length:.1f}" height="{row_h - 10}" '
            f'fill="{_E(colour)}" stroke="#1a1a1a" stroke-width="0.5"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + 19}">{_E(_count(count))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _page_name(page: str, page_titles: Mapping[str, str] | None) -> str:
    if page_titles and page in page_titles:
        return str(page_titles[page])
    return page.replace("_", " ").strip().capitalize() or page


def _section_people(summary: dict[str, pd.DataFrame]) -> str:
    frame = summary["participants_by_role"]
    total = int(frame["participants"].sum()) if len(frame) else 0
    if not total:
        return _nothing("Who took part", "No one has joined this workshop yet.")
    sizes = {str(r.role_tag): int(r.participants) for r in frame.itertuples()}
    biggest = most_common(sizes)  # every group in a tie
    groups = and_list([role.lower() for role in biggest])
    sentence = (
        f"{people(total)} took part; the largest group was {groups} ({people(sizes[biggest[0]])})."
        if len(biggest) == 1
        else f"{people(total)} took part; the largest groups were {groups}, "
        f"{people(sizes[biggest[0]])} each."
    )
    rows = [(r.role_tag, int(r.participants), OKABE_ITO["blue"]) for r in frame.itertuples()]
    return (
        "<h2>Who took part</h2>"
        f'<p class="summary">{_E(sentence)}</p>'
        + _bars_svg(rows, title="People who took part, by role")
        + _table(["Role", "People"], [(r[0], r[1]) for r in rows], numeric=(1,))
    )


def _section_reactions(summary, page_titles) -> str:
    frame = summary["reactions_by_page"]
    if not len(frame):
        return _nothing("Reactions to each screen", "No one has saved a view of a screen yet.")
    out = ["<h2>Reactions to each screen</h2>"]
    counts = reaction_totals(frame)
    total = sum(counts.values())
    out.append(
        f'<p class="summary">People saved {total:,} {"view" if total == 1 else "views"} of '
        f"screens; {_E(most_common_words(counts, reaction_label))}.</p>"
        '<p class="note">Each person counts once per screen: their latest answer.</p>'
    )
    order = list(page_titles or ())
    pages = sorted(
        dict.fromkeys(frame["page"]), key=lambda p: order.index(p) if p in order else len(order)
    )
    rows, table = [], []
    for page in pages:
        part = frame[frame["page"] == page]
        name = _page_name(str(page), page_titles)
        rows.append((name, None, None))
        for reaction in REACTIONS:
            count = int(part.loc[part["reaction"] == reaction, "count"].sum())
            label = reaction_label(reaction)
            rows.append((label, count, REACTION_COLOURS[reaction]))
            table.append((name, label, count))
    out.append(_bars_svg(rows, title="Reactions to each screen"))
    out.append(_table(["Screen", "Reaction", "People"], table, numeric=(2,)))
    return "".join(out)


#: The scale of the lines people would accept: flagged referrals in every 1,000.
LINE_SCALE = 1000
LINE_TICKS = (0, 250, 500, 750, 1000)


def _strip_svg(rows, *, title: str) -> str:
    """Each group's lines as marks along 0 to 1,000 flagged in every 1,000, the same picture as
    the facilitator's chart; beside each row its counts as text, so colour is never the only cue."""
    width, label_w, row_h, pad, right = 720, 200, 34, 12, 170
    span = width - label_w - right
    height = (len(rows) + 1) * row_h + 2 * pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="14" font-family="system-ui,sans-serif">',
        f"<title>{_E(title)}</title>",
    ]
    for i, row in enumerate(rows):
        y = pad + i * row_h + row_h / 2
        parts.append(
            f'<text x="{label_w - 10}" y="{y + 5:.1f}" text-anchor="end">{_E(row.role_tag)}</text>'
            f'<line x1="{label_w}" y1="{y:.1f}" x2="{label_w + span}" y2="{y:.1f}" stroke="#999"/>'
        )
        for per in row.per_1000:
            x = label_w + span * min(max(per, 0), LINE_SCALE) / LINE_SCALE
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{OKABE_ITO["blue"]}" '
                'fill-opacity="0.75" stroke="#1a1a1a"/>'
            )
        parts.append(f'<text x="{label_w + span + 12}" y="{y + 5:.1f}">{_E(row.counts)}</text>')
    axis = pad + len(rows) * row_h + 8
    for tick in LINE_TICKS:
        x = label_w + span * tick / LINE_SCALE
        parts.append(f'<text x="{x:.1f}" y="{axis + 6}" text-anchor="middle">{tick:,}</text>')
    parts.append(
        f'<text x="{label_w + span / 2:.1f}" y="{axis + 24}" text-anchor="middle">'
        "flagged in every 1,000 referrals</text></svg>"
    )
    return "".join(parts)


def _line_words(per_1000: int) -> str:
    """A line someone named, in every 1,000 as they were asked. Not the score it maps to: the
    report may be shown to the room, and a family reads whole people, not a decimal score (the
    score stays in the answers' screen state in the CSV and JSON exports)."""
    return f"{per_1000:,} in every 1,000"


def _section_thresholds(summary) -> str:
    frame = summary["accepted_thresholds"]
    if not len(frame):
        return _nothing("Where people would draw the line", "No one has answered this question yet.")
    out = ["<h2>Where people would draw the line</h2>"]
    rows = lines_by_role(frame)
    out.append(f'<p class="summary">{_E(lines_sentence(frame))}</p>')
    if any(row.per_1000 for row in rows):  # no picture with no mark on it ("no line" only)
        out.append(_strip_svg(rows, title="Lines people would accept, in every 1,000 referrals"))
    table = [
        (
            row.role_tag,
            ", ".join(_line_words(per) for per, _score in row.lines) or "none",
            row.no_line,
            row.score_only,
        )
        for row in rows
    ]
    headers = [
        "Role",
        "Lines named (flagged in every 1,000)",
        "Would accept no line",
        "Given on an older form, not shown",
    ]
    out.append(_table(headers, table, numeric=(2, 3)))
    return "".join(out)


def _section_scales(summary, questions) -> str:
    frame = summary["scale_by_role"]
    if not len(frame):
        return _nothing("Answers on a five-point scale", "No one has answered these questions yet.")
    out = ["<h2>Answers on a five-point scale</h2>"]
    for qid, part in frame.groupby("question_id", sort=False):
        question = questions.get(qid)
        prompt = question.prompt if question is not None else str(qid)
        options = tuple(question.options) if question is not None and question.options else ()

        def label(value, options=options):
            if (
                isinstance(value, int)
                and not isinstance(value, bool)
                and 1 <= value <= len(options)
            ):
                return options[value - 1]
            return str(value)

        total = scale_totals(part)
        values = list(total)
        answered = sum(total.values())
        out.append(f"<h3>{_E(prompt)}</h3>")
        out.append(
            f'<p class="summary">{_E(people(answered))} answered; '
            f"{_E(most_common_words(total, label))}.</p>"
        )
        out.append(
            _bars_svg(
                [(label(v), total[v], OKABE_ITO["sky_blue"]) for v in values],
                title=prompt,
            )
        )
        roles = list(dict.fromkeys(part["role_tag"]))
        table = []
        for role in roles:
            mine = part[part["role_tag"] == role]
            table.append(
                [role] + [int(mine.loc[mine["value"] == v, "count"].sum()) for v in values]
            )
        out.append(
            _table(["Role"] + [label(v) for v in values], table, numeric=range(1, len(values) + 1))
        )
    return "".join(out)


def _section_statements(results: pd.DataFrame) -> str:
    voted = results[results["votes"] > 0] if len(results) else results
    if not len(voted):
        return _nothing("Statements", "No one has voted on a statement yet.")
    out = ["<h2>Statements</h2>"]
    labels = voted["label"].value_counts()
    out.append(
        f'<p class="summary">{len(voted)} statements had votes: '
        f"{int(labels.get('consensus', 0))} with broad agreement across groups, "
        f"{int(labels.get('divisive', 0))} that split people.</p>"
        '<p class="note">Agree share counts agree and disagree votes only; “pass” counts for neither.</p>'
    )
    table = []
    for row in voted.to_dict("records"):
        share = "" if math.isnan(row["agree_share"]) else f"{row['agree_share']:.0%}"
        by_role = agreement_words(row["by_role"], row["by_role_votes"])
        table.append(
            (
                row["text"],
                row["author"],
                row["agree"],
                row["disagree"],
                row["pass"],
                share,
                by_role,
                LABEL_WORDS.get(row["label"], row["label"]),
            )
        )
    out.append(
        _table(
            [
                "Statement",
                "Written by",
                "Agree",
                "Disagree",
                "Pass",
                "Agree share",
                "Agree share by role",
                "What this shows",
            ],
            table,
            numeric=(2, 3, 4, 5),
        )
    )
    out[-1] = scrolls(out[-1], "Statements")  # eight columns: it scrolls in its box, not the page
    return "".join(out)


def _section_free_text(summary, page_titles, questions) -> str:
    frame = summary["free_text"]
    if not len(frame):
        return _nothing("In people’s own words", "No one has written anything yet.")
    out = ["<h2>In people’s own words</h2>"]
    writers = frame["pseudonym"].nunique()
    out.append(
        f'<p class="summary">{len(frame):,} written {"answer" if len(frame) == 1 else "answers"} '
        f"from {people(writers)}.</p>"
        '<p class="note">Shown exactly as typed, under the names people chose.</p>'
    )
    groups: dict[str, list] = {}
    for row in frame.itertuples():
        question = questions.get(row.question_id)
        if question is not None:
            where = question.prompt
        else:
            where = f"Why people reacted as they did to “{_page_name(str(row.page), page_titles)}”"
        groups.setdefault(where, []).append(row)
    for where, rows in groups.items():
        out.append(f"<h3>{_E(where)}</h3>")
        for row in rows:
            out.append(
                f"<figure><blockquote>{_E(row.text)}</blockquote>"
                f"<figcaption>{_E(row.pseudonym)} ({_E(row.role_tag)})</figcaption></figure>"
            )
    return "".join(out)


# -- you said, we did -------------------------------------------------------------------------------
DECISIONS_HEADING = "You said, we did"
NO_DECISIONS = "No decision has been recorded yet about what people said."
DECISIONS_NOTE = (
    "People made these choices after hearing what the room said. "
    "No tool made them. Each row says what it drew on, never who said it."
)


def _section_decisions(rows: Sequence[Mapping[str, Any]]) -> str:
    log = decision_log(rows)
    if not len(log):
        return _nothing(DECISIONS_HEADING, NO_DECISIONS)
    table = [
        (
            row["title"],
            row["status_words"],
            row["reason"],
            row["informed_by"],
            row["decided_at"].strftime("%d %B %Y"),
            "" if pd.isna(row["changed_at"]) else row["changed_at"].strftime("%d %B %Y"),
        )
        for row in log.to_dict("records")
    ]
    return (
        f"<h2>{_E(DECISIONS_HEADING)}</h2>"
        f'<p class="summary">{len(log):,} {"decision" if len(log) == 1 else "decisions"} recorded.</p>'
        f'<p class="note">{_E(DECISIONS_NOTE)}</p>'
        # Two tables of the decision and three columns, as on screen: each fits a phone.
        + scrolls(_table(["Decision", "Where it stands", "Why"], [r[:3] for r in table]), "Why")
        + scrolls(
            _table(
                ["Decision", "What it drew on", "Recorded", "Last changed"],
                [(r[0], *r[3:]) for r in table],
            ),
            "When",
        )
    )


@unavailable_as(READ_UNAVAILABLE)
def workshop_report_html(
    engine: Engine,
    workshop_id: int,
    *,
    page_titles: Mapping[str, str] | None = None,
    counts_at: Callable[[int], Mapping[str, int]] | None = None,
    tool: str | None = None,
) -> str:
    """A self-contained HTML report of one workshop, safe to open anywhere and to print.

    ``page_titles`` optionally maps page ids (as stored with each reaction) to their titles.
    ``counts_at`` and ``tool``: people per 1,000 at a line with the tool on the facilitator's
    screen, so the room's lines say what each group's middle line means, as on screen.
    """
    workshop = get_workshop(engine, workshop_id)
    if workshop is None:
        raise FeedbackError(UNKNOWN_WORKSHOP)
    summary = live_summary(engine, workshop_id)
    results = statement_results(engine, workshop_id)
    questions = QUESTIONS
    made = utcnow()
    title = f"Workshop report: {workshop.title}"
    header = (
        f"<h1>{_E(title)}</h1>"
        f"<p>Code {_E(workshop.code)} · run by {_E(workshop.created_by)} · started "
        f"{_E(workshop.created_at.strftime('%d %B %Y'))} · {_E(workshop.status)} · report made "
        f"{_E(made.strftime('%d %B %Y, %H:%M UTC'))}.</p>"
        '<p class="note">These are the views of the people who took part, under names they chose. '
        "They help people think and talk; no tool decides what happens to any family.</p>"
    )
    body = "".join(
        [
            header,
            _section_people(summary),
            _section_reactions(summary, page_titles),
            _section_thresholds(summary),
            section_room(read_room(engine, workshop_id, counts_at=counts_at, tool=tool)),
            _section_scales(summary, questions),
            _section_statements(results),
            _section_free_text(summary, page_titles, questions),
            _section_decisions(decision_rows(engine, workshop_id)),
        ]
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No scripts, no outside requests: only the inline style below and data: images.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_E(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
