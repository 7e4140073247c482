"""The facilitator's tables and join code (csc_dash.ui.workshop.facilitator), without a page."""

from __future__ import annotations

import html

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as hs

from csc_dash.content.questions import QUESTIONNAIRE
from csc_dash.markup import markdown_text
from csc_dash.ui.workshop import facilitator
from csc_dash.workshop.results import LABEL_WORDS, LABELS

XSS = "<img src=x onerror=alert(1)> **bold** [link](http://example.org)"


def results(text: str = "Families should know.", label: str = "consensus") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "statement_id": 1,
                "text": text,
                "author": "Blue Kite",
                "agree": 6,
                "disagree": 1,
                "pass": 0,
                "label": label,
                "by_role": {"Parent or carer": 0.75, "Social worker": 1.0},
                "by_role_votes": {"Parent or carer": 4, "Social worker": 1},
                "votes": 7,
            }
        ]
    )


@pytest.mark.parametrize("label", LABELS)
def test_every_label_the_core_gives_has_plain_words(label):
    table = facilitator.statement_table(results(label=label))
    assert table.loc[0, "label"] == LABEL_WORDS[label]  # the core's words, not a copy


def test_agreement_by_group_is_written_out_per_group_with_too_few_to_tell():
    table = facilitator.statement_table(results())
    assert (
        table.loc[0, "by_role"]
        == "Parent or carer: 75% of 4; Social worker: too few to tell (1 vote)"
    )


def test_statement_table_for_st_table_escapes_what_people_typed_and_names_its_columns():
    table = facilitator.statement_table(results(text=XSS), for_markdown=True)
    assert list(table.columns) == list(facilitator.STATEMENT_COLUMNS.values())
    assert table.loc[0, "Statement"] == markdown_text(XSS)
    assert table.loc[0, "Statement"].startswith("\\<img")  # markup shown as typed, not read


def test_free_text_table_shows_titles_and_prompts_not_ids():
    question = next(q for q in QUESTIONNAIRE if q.kind == "text")
    frame = pd.DataFrame(
        [
            {
                "pseudonym": "Owl",
                "role_tag": "Other",
                "page": "your_views",
                "question_id": question.id,
                "text": XSS,
            },
            {
                "pseudonym": "Kite",
                "role_tag": "Other",
                "page": "fairness",
                "question_id": "reaction",
                "text": "ok",
            },
        ]
    )
    table = facilitator.free_text_table(frame)
    titles = facilitator.page_titles()
    assert table["Page"].tolist() == [
        markdown_text(titles["your_views"]),
        markdown_text(titles["fairness"]),
    ]
    assert table["Question"].tolist() == [
        markdown_text(question.prompt),
        markdown_text(facilitator.REACTION_REASON),
    ]
    assert table.loc[0, "What they wrote"] == markdown_text(XSS)


def test_an_unknown_question_id_is_shown_as_it_is():
    assert facilitator.question_label("no_such_question") == "no_such_question"


def test_workshop_label_says_status_and_owner_only_when_asked():
    class Room:
        title, code, status, created_by = "Spring", "K7QM3D", "closed", "fay"

    assert facilitator.workshop_label(Room, show_owner=False) == "Spring · K7QM3D · closed"
    assert facilitator.workshop_label(Room, show_owner=True) == "Spring · K7QM3D · closed · by fay"


@given(hs.text(min_size=1, max_size=12))
def test_the_join_code_picture_holds_the_code_escaped(code):
    svg = facilitator.join_code_svg(code)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert f">{html.escape(code)}</text>" in svg
