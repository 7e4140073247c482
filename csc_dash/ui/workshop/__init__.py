"""Workshops on screen: the participant of this browser, and everything they answer.

The rooms of this package, from the ground up (each imports only those above it in this list):

- :mod:`.session` — the store's engine, demo mode, who this browser is (start and end a
  participant), their kept settings, the line in force, notices;
- :mod:`.consent` — consent in plain words, exploring alone;
- :mod:`.leaving` — the code to come back, leaving a shared device, "Next person";
- :mod:`.joining` — joining, coming back (``?p=`` link or code), withdrawing;
- :mod:`.answers` — the one answer machine: answers, votes, statements and saved views are kept
  on screen until the store holds them, with a Retry;
- :mod:`.live` — redraw a page only when the workshop's data changed;
- :mod:`.question_forms` — the "Your views" questions; :mod:`.save_view` — "Save my view";
- :mod:`.voting` — statements to agree or disagree with, and proposing one;
- :mod:`.facilitator` — the facilitator's buttons, join code and live tables;
- :mod:`.decisions` — you said, we did: staff record decisions, and choose a workshop's for the
  draft transparency record (Your own model); a participant reads what became of what they said.
- :mod:`.replay` — the facilitator shows a saved view on the projector, as it was saved.

The names below are the package's public face for the rest of the app (``app.py``, the pages,
``ui/accounts.py``, ``ui/tradeoffs_widgets.py``).
"""

from __future__ import annotations

from csc_dash.ui.workshop import (
    answers,
    consent,
    decisions,
    facilitator,
    joining,
    leaving,
    question_forms,
    replay,
    save_view,
    session,
    voting,
)
from csc_dash.ui.workshop.joining import keep_rejoin_link
from csc_dash.ui.workshop.save_view import save_my_view
from csc_dash.ui.workshop.session import engine, participant, plain, sync_settings
from csc_dash.ui.workshop.voting import STATEMENTS_JOIN, statements_section

__all__ = [
    "STATEMENTS_JOIN",
    "answers",
    "consent",
    "decisions",
    "engine",
    "facilitator",
    "joining",
    "keep_rejoin_link",
    "leaving",
    "participant",
    "plain",
    "plain_texts",
    "question_forms",
    "replay",
    "save_my_view",
    "save_view",
    "session",
    "statements_section",
    "sync_settings",
    "voting",
]


def plain_texts() -> dict[str, str]:
    """Every plain block of the package, for the reading-level test (``module.name`` -> text)."""
    texts: dict[str, str] = {}
    for module in (
        session,
        consent,
        leaving,
        joining,
        answers,
        question_forms,
        save_view,
        voting,
        facilitator,
        decisions,
        replay,
    ):
        name = module.__name__.rsplit(".", 1)[-1]
        texts.update({f"{name}.{key}": text for key, text in module.plain_texts().items()})
    return texts
