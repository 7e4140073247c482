"""A draft record under the UK Algorithmic Transparency Recording Standard (ATRS) for one tool.

The ATRS (version 3.0, Open Government Licence) is how a public body says in public which
algorithmic tools it uses and how: a short overview for everyone (tier 1) and detailed sections
(tier 2: owner and responsibility; description and rationale; decision-making process; tool
specification; data; risks, mitigations and impact assessments). The field names here follow the
standard's template, in snake case.

This module fills what a test set can tell, and only that: the tool's performance with 95%
intervals, overall and by group (the very numbers of the transparency summary, from
:class:`csc_dash.transparency.TransparencyFigures`), which characteristics it was checked
against, the line in use and why it was chosen, what the app says about human review, and what a
workshop found (an :class:`~csc_dash.workshop.engagement.Engagement`: how many took part, as a
count or "too few to tell", and its decision log in the words written for the public; never a
participant's name or words). Every other field is ``None`` and listed, in plain words, in
:func:`fields_to_write`: a council must write them. A draft is never a published record.

Written two ways: a plain ``dict`` that serialises to JSON (:func:`atrs_json`) and a printable,
self-contained HTML page (:func:`atrs_html`) with the summary's style and content security
policy. Everything that came from a user (tool and column names, group values, the rationale,
decisions) is escaped in the HTML; JSON needs no escaping beyond its own.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence

import numpy as np

from csc_dash.cohort import GROUP_LABELS
from csc_dash.content.atrs import (
    DECISION_HEADINGS,
    FIELD_PROMPTS,
    HUMAN_REVIEW,
    NO_DECISIONS,
    TO_WRITE,
)
from csc_dash.transparency import (
    CANNOT_TELL,
    GROUPS_LEGEND,
    NO_GROUPS_LINE,
    PAGE_CSS,
    PER_1000_ROWS,
    SUMMARY_CSP,
    TransparencyFigures,
    group_table_html,
    per_1000_table_html,
    whole_people_range,
)
from csc_dash.workshop.engagement import PUBLIC_FIELDS, Engagement, people_words

__all__ = [
    "FIELD_PROMPTS",
    "NO_DECISIONS",
    "STANDARD_VERSION",
    "atrs_html",
    "atrs_json",
    "atrs_record",
    "fields_to_write",
    "prompts_left",
]

STANDARD_VERSION = "3.0"
ENGAGEMENT_FIELDS = (
    "tier_2.risks_mitigations_and_impact_assessments.engagement_took_part",
    "tier_2.risks_mitigations_and_impact_assessments.engagement_decisions",
)

# The per-1,000 figures under the names the record uses.
_PER_1000_NAMES = {
    "flagged_per_1000": "flagged",
    "true_alarms_per_1000": "flagged_went_on_to_a_plan_or_care",
    "false_alarms_per_1000": "false_alarms",
    "missed_per_1000": "children_missed",
}
_PEOPLE_KEY = {
    "flagged_per_1000": "flagged",
    "true_alarms_per_1000": "true_alarm",
    "false_alarms_per_1000": "false_alarm",
    "missed_per_1000": "missed",
}
# The group rates the record gives, with their plain meaning.
_GROUP_RATES = {
    "share_flagged": "flagged, of every referral",
    "fdr": "false alarms, of every referral flagged (false discovery rate)",
    "fnr": "children missed, of every child who went on to a plan or care (false negative rate)",
}


def _number(value: float) -> float | None:
    """A finite float as it is, ``None`` for a number that cannot be told."""
    value = float(value)
    return value if np.isfinite(value) else None


def _interval(low: float, high: float) -> list[float] | None:
    low, high = _number(low), _number(high)
    return None if low is None or high is None else [low, high]


def _performance(fig: TransparencyFigures) -> dict:
    per_1000 = {}
    for column, label in PER_1000_ROWS:
        whole = whole_people_range(*fig.intervals[column])
        per_1000[_PER_1000_NAMES[column]] = {
            "label": label,
            "number": int(fig.people[_PEOPLE_KEY[column]]),
            "likely_range": None if whole is None else list(whole),
        }
    return {
        "tested_on": {"referrals": fig.referrals, "went_on_to_a_plan_or_care": fig.escalated},
        "per_1000_referrals": per_1000,
        "average_precision": {
            "value": _number(fig.average_precision),
            "likely_range": _interval(*fig.average_precision_interval),
            "random_scores": _number(fig.baseline),
        },
        "intervals": "95%, from resampling the test set (bootstrap)",
    }


def _by_group(fig: TransparencyFigures) -> dict:
    out = {}
    for name, table in fig.groups.items():
        rows = []
        for _key, r in table.iterrows():
            row = {
                "group": str(r["label"]),
                "referrals": int(r["n"]),
                "too_few": bool(r["too_few"]),
            }
            for rate in _GROUP_RATES:
                row[rate] = (
                    None
                    if row["too_few"]
                    else {
                        "value": _number(r[rate]),
                        "likely_range": _interval(r[f"{rate}_low"], r[f"{rate}_high"]),
                    }
                )
            rows.append(row)
        out[str(name)] = rows
    return out


def _decision(record: Mapping) -> dict[str, str]:
    """A decision of the log with only the public fields (:data:`PUBLIC_FIELDS`), as plain
    strings: whatever else a mapping holds never reaches the record."""
    return {
        name: "" if record.get(name) is None else str(record[name])
        for name in PUBLIC_FIELDS.values()
    }


def _took_part(engagement: Engagement) -> dict:
    return {
        "workshop": engagement.workshop,
        "workshops": 1,
        "people": engagement.people,
        "too_few_to_tell": engagement.too_few_people,
        "in_words": people_words(engagement),
    }


def atrs_record(
    fig: TransparencyFigures,
    *,
    rationale: str | None = None,
    engagement: Engagement | None = None,
) -> dict:
    """The draft record: the standard's sections, the app's numbers, ``None`` where a person
    must write.

    Parameters
    ----------
    fig
        The transparency summary's figures for the tool at the line in use.
    rationale
        Why this line was chosen, as the analyst wrote it (``None`` or blank: still to write).
    engagement
        What a workshop found (:func:`csc_dash.workshop.engagement.engagement_of`): how many
        took part and its decisions; ``None`` when no workshop is chosen. With no decisions,
        what the engagement found is still to write.
    """
    rationale = (rationale or "").strip() or None
    log = [_decision(d) for d in engagement.decisions] if engagement is not None else []
    groups = [GROUP_LABELS.get(name, name) for name in fig.groups]  # plain names, as typed
    return {
        "metadata": {
            "standard": "Algorithmic Transparency Recording Standard",
            "standard_version": STANDARD_VERSION,
            "status": "draft: not a published record",
            "title": fig.model_label,
            "organisation": None,
            "function": None,
            "phase": None,
            "geographical_region": None,
        },
        "tier_1": {
            "name": fig.model_label,
            "description": None,
            "website": None,
            "contact_email": None,
        },
        "tier_2": {
            "owner_and_responsibility": {
                "organisation": None,
                "team": None,
                "senior_responsible_owner": None,
                "external_supplier_involvement": None,
            },
            "description_and_rationale": {
                "detailed_description": (
                    f"{fig.model_label} gives each referral a score. A referral is flagged when its "
                    f"score is at or above the line. It was tested on {fig.referrals:,} referrals."
                ),
                "scope": None,
                "benefit": None,
                "previous_process": None,
                "alternatives_considered": None,
            },
            "decision_making_process": {
                "process_integration": None,
                "provided_information": (
                    "A flag for each referral whose score is at or above the line; "
                    f"at this line, {fig.people['flagged']:,} of every 1,000 referrals are flagged."
                ),
                "frequency_and_scale_of_usage": None,
                "human_decisions_and_review": HUMAN_REVIEW,
                "required_training": None,
                "appeals_and_review": None,
            },
            "tool_specification": {
                "system_architecture": None,
                "maintenance": None,
                "model_performance": _performance(fig),
                "model_performance_by_group": _by_group(fig),
                "chosen_line": {
                    "score_threshold": fig.threshold,
                    "flagged_per_1000": int(fig.people["flagged"]),
                    "rationale": rationale,
                },
            },
            "data": {
                "source_data_name": None,
                "data_description": (
                    f"{fig.referrals:,} referrals over {fig.months:g} months, of which "
                    f"{fig.escalated:,} went on to a child protection plan or care."
                ),
                "data_quantities": {"referrals": fig.referrals, "months": fig.months},
                "sensitive_attributes": groups,
                "data_completeness_and_representativeness": list(CANNOT_TELL),
                "data_collection": None,
                "data_sharing_agreements": None,
                "data_access_and_storage": None,
            },
            "risks_mitigations_and_impact_assessments": {
                "impact_assessments": None,
                "engagement_took_part": None if engagement is None else _took_part(engagement),
                "engagement_decisions": log or None,
            },
        },
    }


def _get(record: Mapping, path: str):
    value = record
    for part in path.split("."):
        value = value[part]
    return value


def fields_to_write(record: Mapping) -> list[tuple[str, str]]:
    """The fields still empty in ``record``, each with what to write there, in the standard's order."""
    return [(path, prompt) for path, prompt in FIELD_PROMPTS.items() if _get(record, path) is None]


RATIONALE_FIELD = "tier_2.tool_specification.chosen_line.rationale"


def prompts_left(rationale: str | None, *, engagement: Engagement | None = None) -> list[str]:
    """What a person must still write, before any record is made: the prompts of
    :func:`fields_to_write` for a record with this ``rationale`` and ``engagement`` (the only
    fields a user fills in the app)."""
    written = set()
    if (rationale or "").strip():
        written.add(RATIONALE_FIELD)
    if engagement is not None:
        written.add(ENGAGEMENT_FIELDS[0])
        if engagement.decisions:
            written.add(ENGAGEMENT_FIELDS[1])
    return [p for path, p in FIELD_PROMPTS.items() if path not in written]


def atrs_json(record: Mapping) -> str:
    """The record as JSON (UTF-8 text), with the list of fields still to write."""
    out = {**record, "fields_to_write": [path for path, _ in fields_to_write(record)]}
    return json.dumps(out, ensure_ascii=False, indent=2, allow_nan=False)


# --- The printable page ------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _field(name: str, value: object) -> str:
    if value is None:
        shown = f'<span class="few">{_e(TO_WRITE)}</span>'
    elif isinstance(value, list):
        shown = _e("; ".join(map(str, value)) or "None")
    else:
        shown = _e(value)
    return (
        f'<tr><th scope="row">{_e(name.replace("_", " ").capitalize())}</th><td>{shown}</td></tr>'
    )


def _fields(section: Mapping, names: Sequence[str]) -> str:
    return (
        '<table class="fields"><colgroup><col class="name"><col></colgroup>'
        + "".join(_field(name, section[name]) for name in names)
        + "</table>"
    )


def _engagement_html(took_part: Mapping | None, log: Sequence[Mapping[str, str]] | None) -> str:
    """Who took part (a count, or too few to tell) and the decision log, one small table a
    decision (a wide table would not fit a phone or a printed page); every value escaped."""
    if took_part is None:
        return f'<p><span class="few">{_e(TO_WRITE)}</span></p>'
    shown = {"workshop": took_part["workshop"], "who_took_part": took_part["in_words"]}
    parts = [_fields(shown, list(shown))]
    if not log:
        parts.append(f"<p>{_e(NO_DECISIONS)}</p>")
    for decision in log or ():
        rows = "".join(
            f'<tr><th scope="row">{_e(heading)}</th><td>{_e(decision.get(name, ""))}</td></tr>'
            for name, heading in DECISION_HEADINGS.items()
        )
        parts.append(
            f'<table class="fields decision"><colgroup><col class="name"><col></colgroup>{rows}</table>'
        )
    return "".join(parts)


_EXTRA_CSS = """
.fields col.name { width: 32%; }
@media (max-width: 500px) { .fields col.name { width: 42%; } }
.draft { border: 2px dashed #A35200; padding: .3rem .6rem; }
.decision { margin-bottom: .8rem; }
"""


def atrs_html(record: Mapping, fig: TransparencyFigures) -> str:
    """The record as one printable, self-contained page (no scripts, no links, no images).

    The performance tables are the transparency summary's own (the same numbers, written the
    same way); every other value is escaped.
    """
    tier_1, tier_2 = record["tier_1"], record["tier_2"]
    owner = tier_2["owner_and_responsibility"]
    why = tier_2["description_and_rationale"]
    process = tier_2["decision_making_process"]
    spec = tier_2["tool_specification"]
    data = tier_2["data"]
    risks = tier_2["risks_mitigations_and_impact_assessments"]
    line = spec["chosen_line"]
    todo = fields_to_write(record)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="Content-Security-Policy" content="{SUMMARY_CSP}">',
        f"<title>Draft transparency record: {_e(tier_1['name'])}</title>",
        f"<style>{PAGE_CSS}{_EXTRA_CSS}</style></head><body><main>",
        f"<h1>Draft transparency record: {_e(tier_1['name'])}</h1>",
        f'<p class="draft">A draft under the Algorithmic Transparency Recording Standard '
        f"(version {_e(record['metadata']['standard_version'])}). It is not a published record. "
        f"{len(todo)} fields are still to be written by the council: they are listed at the end.</p>",
        '<p class="never">The tool helps people think. It never decides what happens to a '
        "family. People do.</p>",
        "<section><h2>Tier 1: overview</h2>",
        _fields(record["metadata"], ["organisation", "function", "phase", "geographical_region"]),
        _fields(tier_1, ["name", "description", "website", "contact_email"]),
        "</section>",
        "<section><h2>Tier 2: owner and responsibility</h2>",
        _fields(owner, list(owner)),
        "</section>",
        "<section><h2>Tier 2: description and rationale</h2>",
        _fields(why, list(why)),
        "</section>",
        "<section><h2>Tier 2: decision-making process</h2>",
        _fields(process, list(process)),
        "</section>",
        "<section><h2>Tier 2: tool specification</h2>",
        _fields(spec, ["system_architecture", "maintenance"]),
        "<h3>Model performance</h3>",
        per_1000_table_html(fig),
    ]
    ap = spec["model_performance"]["average_precision"]
    if ap["value"] is not None:
        ap_range = ap["likely_range"]
        parts.append(
            f"<p>Average precision: {ap['value']:.2f}"
            + (f" (likely range {ap_range[0]:.2f} to {ap_range[1]:.2f})" if ap_range else "")
            + f". Random scores would give {ap['random_scores']:.2f}.</p>"
        )
    parts.append("<h3>Model performance by group</h3>")
    if fig.groups:
        parts.append(f"<p>{_e(GROUPS_LEGEND)}</p>")
        parts.extend(group_table_html(column, table) for column, table in fig.groups.items())
    else:
        parts.append(f"<p>{_e(NO_GROUPS_LINE)}</p>")
    parts += [
        "<h3>The line in use</h3>",
        _fields(
            {
                "score_threshold": f"{line['score_threshold']:.3g}",
                "flagged_per_1000": f"{line['flagged_per_1000']:,}",
                "rationale": line["rationale"],
            },
            ["score_threshold", "flagged_per_1000", "rationale"],
        ),
        "</section>",
        "<section><h2>Tier 2: data</h2>",
        _fields(
            data,
            [
                "source_data_name",
                "data_description",
                "sensitive_attributes",
                "data_collection",
                "data_sharing_agreements",
                "data_access_and_storage",
            ],
        ),
        "<p>What these numbers cannot tell:</p><ul>",
        *(f"<li>{_e(text)}</li>" for text in data["data_completeness_and_representativeness"]),
        "</ul></section>",
        "<section><h2>Tier 2: risks, mitigations and impact assessments</h2>",
        _fields(risks, ["impact_assessments"]),
        "<h3>What the engagement found</h3>",
        _engagement_html(risks["engagement_took_part"], risks["engagement_decisions"]),
        "</section>",
        "<section><h2>Still to be written</h2><ul>",
        *(f"<li>{_e(prompt)}</li>" for _path, prompt in todo),
        "</ul></section>",
        "</main></body></html>",
    ]
    return "\n".join(parts)
