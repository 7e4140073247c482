"""Content: reading level of every plain text, ids, links and the questionnaire's shape."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import subprocess
import sys
import textwrap

import pytest
import textstat

from csc_dash import content
from csc_dash.content import framework, glossary, questions, statements

MAX_GRADE = 8.0
MIN_WORDS_ALONE = 12  # shorter items are scored together, as one passage per module

PLAIN = content.plain_texts()
LONG = [(where, text) for where, text in PLAIN if len(text.split()) >= MIN_WORDS_ALONE]


def as_sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1] in ".?!:" else text + "."


def short_passages() -> dict[str, str]:
    passages: dict[str, list[str]] = {}
    for where, text in PLAIN:
        if len(text.split()) < MIN_WORDS_ALONE:
            passages.setdefault(where.split(".", 1)[0], []).append(as_sentence(text))
    return {module: " ".join(texts) for module, texts in passages.items()}


# -- reading level ---------------------------------------------------------------------------


def test_textstat_is_the_pinned_version():
    # 0.7.4 counts syllables offline with pyphen; later versions score differently.
    from importlib.metadata import version

    assert version("textstat") == "0.7.4"


def test_registry_covers_every_content_module():
    modules = {m.__name__.rsplit(".", 1)[-1] for m in content.content_modules()}
    assert {"framework", "glossary", "questions", "statements"} <= modules
    found = {where.split(".", 1)[0] for where, _ in PLAIN}
    assert modules == found, f"modules with no plain text found: {modules - found}"


def test_registry_wheres_are_unique():
    wheres = [where for where, _ in PLAIN]
    assert len(wheres) == len(set(wheres))


@pytest.mark.parametrize(("where", "text"), LONG, ids=[where for where, _ in LONG])
def test_long_item_reads_at_grade_8_or_below(where, text):
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, f"{where} scores grade {grade}: {text!r}"


@pytest.mark.parametrize("module", sorted(short_passages()))
def test_short_items_read_at_grade_8_or_below_together(module):
    passage = short_passages()[module]
    assert textstat.flesch_kincaid_grade(passage) <= MAX_GRADE, passage


@pytest.mark.parametrize(
    "text",
    [
        "Practitioners should interrogate algorithmic recommendations using considered professional judgement.",
        "Average precision, the area under the precision-recall curve, summarises discrimination.",
    ],
)
def test_the_check_catches_hard_text(text):
    # The bar is not so loose that anything passes.
    assert textstat.flesch_kincaid_grade(text) > MAX_GRADE


def test_glossary_plain_meanings_are_all_registered():
    registered = {text for _, text in PLAIN}
    assert {plain for _, plain, _ in glossary.GLOSSARY} <= registered


def test_analyst_wording_is_not_held_to_the_plain_bar():
    registered = {text for _, text in PLAIN}
    assert not {technical for _, _, technical in glossary.GLOSSARY} & registered
    assert not {rec.source for rec in framework.RECOMMENDATIONS} & registered


# -- the registry's rules, on a throwaway module ---------------------------------------------

FAKE_MODULE = textwrap.dedent(
    '''
    from dataclasses import dataclass
    from csc_dash.content.framework import INTRO

    @dataclass(frozen=True)
    class Item:
        id: str
        text: str
        source: str

    LEAD = "A plain lead for families."
    ANALYST_NOTE = "Technical words for analysts only."
    ITEMS = (Item("a_b", "Plain words in an item.", "Source wording."),)
    LABELS = {"key_one": "A plain label here", "key_two": "single"}
    _PRIVATE = "Hidden text here."
    '''
)


@pytest.fixture
def fake_module(tmp_path):
    path = tmp_path / "fake_content.py"
    path.write_text(FAKE_MODULE)
    spec = importlib.util.spec_from_file_location("csc_dash.content.fake_content", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_walker_keeps_plain_text_and_leaves_out_the_rest(fake_module):
    found = dict(content.module_texts(fake_module))
    assert found == {
        "fake_content.LEAD": "A plain lead for families.",
        "fake_content.ITEMS[0].text": "Plain words in an item.",
        "fake_content.LABELS['key_one']": "A plain label here",
    }


def test_walker_uses_a_module_s_own_plain_texts(fake_module):
    fake_module.plain_texts = lambda: [("X", "Only this one.")]
    assert content.module_texts(fake_module) == [("fake_content.X", "Only this one.")]


def test_walker_uses_plain_blocks(fake_module):
    fake_module.PLAIN_BLOCKS = ("Block one here.", "Block two here.")
    assert [t for _, t in content.module_texts(fake_module)] == list(fake_module.PLAIN_BLOCKS)


def test_content_does_not_import_streamlit():
    code = (
        "import sys, csc_dash.content as c; c.plain_texts(); "
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
    for where, text in PLAIN:
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            if DECIDES.search(sentence):
                assert NEGATION.search(sentence), f"{where}: {sentence!r}"
