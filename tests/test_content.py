"""Content: ids, links and the questionnaire's shape (reading level: tests/test_plain.py)."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from csc_dash.content import framework, questions, statements
from tests import plain_texts


def test_content_does_not_import_streamlit():
    code = (
        "import sys, pkgutil, importlib, csc_dash.content as c; "
        "[importlib.import_module('csc_dash.content.' + m.name) for m in pkgutil.iter_modules(c.__path__)]; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- framework ---------------------------------------------------------------------------------


def test_three_questions_in_order():
    assert [t.question for t in framework.TIERS] == [
        "Should we be doing this?",
        "Can we do this right?",
        "What is to be done?",
    ]
    assert all(t.prompts for t in framework.TIERS)


def test_eight_recommendations_numbered_one_to_eight():
    assert [r.number for r in framework.RECOMMENDATIONS] == list(range(1, 9))
    assert len({r.plain for r in framework.RECOMMENDATIONS}) == 8
    assert all(r.prompt.rstrip().endswith((".", "?")) for r in framework.RECOMMENDATIONS)


def test_every_link_target_is_a_known_evidence_page():
    targets = [r.page for r in framework.RECOMMENDATIONS]
    targets += [p for t in framework.TIERS for p in t.pages]
    assert set(targets) <= set(framework.EVIDENCE_PAGES)


@pytest.mark.parametrize(
    ("number", "page"),
    [
        (2, "app_pages/your_model.py"),  # openness: check a model yourself
        (3, "app_pages/your_views.py"),  # consent-based design: say your view
        (5, "app_pages/fairness.py"),  # how data has been used: recording bias
        (6, "app_pages/root_causes.py"),
        (7, "app_pages/question.py"),  # outcomes and strengths: what the tool predicts
    ],
)
def test_recommendation_links_to_the_page_that_bears_on_it(number, page):
    assert framework.RECOMMENDATIONS[number - 1].page == page


def test_evidence_pages_match_the_navigation_where_they_exist():
    from csc_dash.ui.navigation import PAGES

    titles = {spec.path: spec.title for spec in PAGES}
    for path, title in framework.EVIDENCE_PAGES.items():
        if path in titles:
            assert titles[path] == title, path


def test_four_values():
    assert [v.name for v in framework.VALUES] == ["Respect", "Connect", "Care", "Protect"]


@pytest.mark.parametrize("name", ["Fairness", "Accountability", "Sustainability", "Transparency"])
def test_fast_principles(name):
    assert name in [n for n, _, _ in framework.FAST]


# -- questionnaire -----------------------------------------------------------------------------

Q = questions.QUESTIONNAIRE


def test_question_is_the_agreed_dataclass():
    names = [f.name for f in dataclasses.fields(questions.Question)]
    assert names == ["id", "tier", "kind", "prompt", "options", "help"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Q[0].id = "x"


def test_question_ids_unique_and_stable():
    ids = [q.id for q in Q]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)
    # Stored answers are keyed by these: renaming one loses answers.
    assert {
        "should_use",
        "should_reasons",
        "safeguards_rank",
        "recommendations_priority",
        "value_respect",
        "value_connect",
        "value_care",
        "value_protect",
        "accepted_per_1000",  # replaced "accepted_threshold" (a score line) in schema version 3
        "false_alarms_per_child",  # issue 17: the room's lines by role
        "anything_else",
    } == set(ids)


@pytest.mark.parametrize("question", Q, ids=[q.id for q in Q])
def test_question_kind_tier_and_options_fit(question):
    assert question.kind in questions.KINDS
    assert question.tier in questions.TIERS
    assert question.prompt.strip()
    if question.kind == "scale5":
        assert len(question.options) == 5
    elif question.kind in ("rank", "priority", "choice"):
        assert len(question.options) >= 2
        assert len(set(question.options)) == len(question.options)
    else:
        assert question.options == ()
    if question.kind == "text":
        assert questions.FREE_TEXT_REMINDER in question.help


def test_tiers_follow_the_three_questions_in_order():
    order = [questions.TIERS.index(q.tier) for q in Q]
    assert order == sorted(order)
    assert {q.tier for q in Q} == set(questions.TIERS)
    assert set(questions.TIER_TITLES) == set(questions.TIERS)


def test_priority_options_are_the_eight_recommendations():
    (priority,) = [q for q in Q if q.kind == "priority"]
    assert priority.tier == "todo"
    assert priority.options == tuple(r.plain for r in framework.RECOMMENDATIONS)


def test_one_scale_question_per_value():
    values = [q for q in Q if q.tier == "values"]
    assert [q.kind for q in values] == ["scale5"] * 4
    for question, value in zip(values, framework.VALUES, strict=True):
        assert value.name in question.prompt


def test_safeguards_to_rank():
    (rank,) = [q for q in Q if q.kind == "rank"]
    assert rank.tier == "right"
    assert rank.options == questions.SAFEGUARDS
    assert "A person always makes the decision, not the tool" in rank.options


def test_the_line_question_asks_per_1000_and_allows_no_line():
    question = questions.by_id("accepted_per_1000")
    assert (question.kind, question.tier) == ("number", "threshold")
    assert "of every 1,000 referrals" in question.prompt
    assert "No line" in question.help
    assert "score" not in (question.prompt + question.help).lower()


def test_by_id_unknown():
    with pytest.raises(KeyError):
        questions.by_id("nope")


def test_reaction_labels_cover_the_three_reactions():
    assert tuple(questions.REACTION_LABELS) == ("acceptable", "unsure", "not_acceptable")
    assert len(set(questions.REACTION_LABELS.values())) == 3


def test_free_text_reminder():
    assert questions.FREE_TEXT_REMINDER == (
        "Please do not write names or anything that could identify a child, a family or a worker."
    )


# -- statement bank ----------------------------------------------------------------------------

BANK = statements.STATEMENT_BANK


def test_statement_bank_size_and_ids():
    assert 18 <= len(BANK) <= 30
    ids = [s.id for s in BANK]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids)
    assert len({s.text for s in BANK}) == len(BANK)


@pytest.mark.parametrize("statement", BANK, ids=[s.id for s in BANK])
def test_statement_is_short_and_has_a_known_topic(statement):
    assert statement.topic in statements.TOPICS
    assert len(statement.text) <= 120  # the store allows 280; these must read at a glance
    assert statement.text.endswith(".")


def test_every_topic_has_more_than_one_side():
    counts = {topic: 0 for topic in statements.TOPICS}
    for statement in BANK:
        counts[statement.topic] += 1
    assert min(counts.values()) >= 2, counts


# -- no wording says a tool decides --------------------------------------------------------------

DECIDES = re.compile(
    r"\b(tool|model|computer|score|algorithm)s?\b[^.?!]{0,30}\b(decides?|makes? the decisions?)\b",
    re.IGNORECASE,
)
NEGATION = re.compile(r"\b(not|never|no)\b|n't", re.IGNORECASE)


@pytest.mark.parametrize(
    ("sentence", "bad"),
    [
        ("The tool decides which families get a visit.", True),
        ("The model makes the decision.", True),
        ("The tool never decides what happens.", False),
        ("A person always makes the decision, not the tool.", False),
        ("Families should help decide whether a tool is used at all.", False),
    ],
)
def test_decides_check(sentence, bad):
    assert bool(DECIDES.search(sentence) and not NEGATION.search(sentence)) is bad


def test_no_text_says_a_tool_decides():
    """Every text of the package (found by walking it, tests/plain_texts.py)."""
    for where, text in plain_texts.all_texts():
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            if DECIDES.search(sentence):
                assert NEGATION.search(sentence), f"{where}: {sentence!r}"
