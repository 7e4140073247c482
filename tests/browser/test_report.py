"""The workshop's HTML report in a real browser on a phone: the page never scrolls sideways, also
with long statements (and a word too long for any line); a table too wide for the screen
scrolls inside its own box. Screenshots at 390, 768 and 1280 px go to ``CSC_DASH_SCREENSHOTS``
when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csc_dash import workshop as fb
from tests.workshop_helpers import engine

pytestmark = pytest.mark.browser

LONG = (
    "Before any tool is used, the council should explain to every family, in plain words and in "
    "their own language, what the tool looked at and who looked again at the referral. "
)
UNBROKEN = "https://example.org/" + "a-very-long-address-without-any-spaces" * 3
WIDTHS = (390, 768, 1280)

#: Elements that reach past the right edge of the screen and are not inside a box that scrolls
#: on its own (``.wide``): what would make the whole page scroll sideways.
_PAST_THE_EDGE = """() => {
  const edge = document.documentElement.clientWidth + 1;
  return [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > edge && !e.closest('.wide'))
    .map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 50));
}"""


def a_full_report() -> str:
    """A report with every section filled: people, reactions, lines (25 and 60, and "no line"),
    a five-point question, long statements with votes, and written answers."""
    eng = engine()
    room = fb.create_workshop(eng, title="Autumn session", created_by="fay")
    people = [
        fb.join_workshop(eng, code=room.code, pseudonym=name, role_tag=role,
                         client_token=fb.new_client_token())
        for name, role in (("Kite", "Family member"), ("Owl", "Social worker"), ("Wren", "Manager"))
    ]  # fmt: skip
    texts = [
        LONG + "Families should be asked first, and told after.",
        LONG[:120] + UNBROKEN,
        "Short.",
    ]
    said = [
        fb.add_statement(eng, workshop_id=room.id, text=text, source="facilitator", approved=True)
        for text in texts
    ]
    for person, line, scale, reaction, choice in zip(
        people, (25, 60, None), (3, 4, 5), ("acceptable", "unsure", "not_acceptable"),
        ("agree", "disagree", "pass"), strict=True,
    ):  # fmt: skip
        for question, value, page in (
            (fb.LINE_QUESTION, line, "your_views"),
            ("should_use", scale, "your_views"),
            ("should_reasons", LONG + UNBROKEN, "your_views"),
            ("reaction", {"reaction": reaction, "reason": LONG}, "tradeoffs"),
        ):
            fb.save_response(eng, participant_id=person.id, page=page, question_id=question,
                             value=value, screen_state={fb.ANSWER_LINE: 0.1},
                             client_token=fb.new_client_token())  # fmt: skip
        for statement in said:
            fb.vote(eng, participant_id=person.id, statement_id=statement.id, choice=choice,
                    client_token=fb.new_client_token())  # fmt: skip
    return fb.workshop_report_html(eng, room.id, page_titles={"tradeoffs": "Trade-offs"})


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_never_scrolls_sideways_and_a_wide_table_scrolls_in_its_box(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_content(a_full_report())
        assert LONG.split(",")[0] in page.locator("main").inner_text()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert page.evaluate(_PAST_THE_EDGE) == []
        statements = page.locator('.wide[aria-label="Statements"]')
        assert statements.count() == 1
        box = statements.evaluate(
            "b => [b.scrollWidth, b.clientWidth, b.getBoundingClientRect().right]"
        )
        assert box[2] <= width  # the box itself fits the screen
        if width == 390:  # eight columns: too wide for a phone, so it scrolls inside its box
            assert box[0] > box[1]
        folder = os.environ.get("CSC_DASH_SCREENSHOTS")
        if folder:
            page.screenshot(path=str(Path(folder) / f"report-{width}.png"), full_page=True)
    finally:
        context.close()
