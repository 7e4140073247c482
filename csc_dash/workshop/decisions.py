"""You said, we did: decisions a council records after a workshop, linked to what informed them.

A decision has a short title, a status (:data:`STATUSES`), a reason in plain words, and links to
the statements, saved views and answers that informed it. This module holds the rules for a
decision (what may be stored, with a message a person can act on) and the two ways it is read:

- :func:`decision_log` — one row per decision with what informed it, for the facilitator, the
  exports and the workshop report;
- :func:`what_became_of` — for one participant, each thing they said (a statement they proposed,
  a saved view, an answer) with the decisions that used it, in words they can read.

Links never name a person. A participant who withdrew has no answers or views left to link to,
and a statement they proposed reads "a participant who has left"; :func:`what_became_of` is only
asked for a participant who is still in the workshop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from csc_dash.workshop import rules

#: Stored status -> what it is called on screen.
STATUSES: dict[str, str] = {
    "considered": "We talked about it",
    "in_progress": "We are working on it",
    "adopted": "We did it",
    "not_adopted": "We decided not to do it",
}
#: What a participant can have said that a decision links to.
LINK_KINDS: dict[str, str] = {
    "statement": "a statement",
    "view": "a saved view of a screen",
    "answer": "an answer to a question",
}

MAX_TITLE = rules.MAX_TITLE
MAX_REASON = rules.MAX_FREE_TEXT

EMPTY_TITLE = "Please say in a few words what was decided."
LONG_TITLE = f"Please keep the title to {MAX_TITLE} characters or fewer."
EMPTY_REASON = (
    "Please give the reason, in plain words, so that the people who took part can read it."
)
LONG_REASON = f"Please keep the reason to {MAX_REASON:,} characters or fewer."
UNKNOWN_STATUS = "Please choose one of the statuses in the list."
UNKNOWN_LINK = "A decision can only link to a statement, a saved view or an answer."
NOTHING_DECIDED_YET = "Nothing has been decided yet about what you said. Please look again later."

LOG_COLUMNS = [
    "decision_id",
    "title",
    "status",
    "status_words",
    "reason",
    "informed_by",
    "decided_at",
    "recorded_by",  # the staff user who recorded it
    "changed_at",  # when it last changed after it was recorded; None if it never did
    "changed_by",  # the staff user who last changed it; None if it never changed, or not kept
]
BECAME_COLUMNS = [
    "kind",
    "item_id",
    "what_you_said",
    "decision_id",
    "title",
    "status_words",
    "reason",
]


class DecisionError(ValueError):
    """A decision that cannot be stored, with a message for the person who wrote it."""


class DecisionChanged(DecisionError):
    """Someone else changed the decision since the person saw it: nothing was stored."""


@dataclass(frozen=True)
class Link:
    kind: str  # a key of LINK_KINDS
    item_id: int


def _clean_text(text: object, *, empty: str, long: str, limit: int) -> str:
    cleaned = " ".join(str(text or "").split())
    if not cleaned:
        raise DecisionError(empty)
    if len(cleaned) > limit:
        raise DecisionError(long)
    return cleaned


def clean_decision(title: object, status: object, reason: object, links: Iterable[Link]) -> dict:
    """The stored form of a decision (spaces tidied, links once each in a stable order), or
    :class:`DecisionError` with a plain message."""
    if status not in STATUSES:
        raise DecisionError(UNKNOWN_STATUS)
    links = list(links)
    if any(not isinstance(link, Link) or link.kind not in LINK_KINDS for link in links):
        raise DecisionError(UNKNOWN_LINK)
    return {
        "title": _clean_text(title, empty=EMPTY_TITLE, long=LONG_TITLE, limit=MAX_TITLE),
        "status": status,
        "reason": _clean_text(reason, empty=EMPTY_REASON, long=LONG_REASON, limit=MAX_REASON),
        "links": sorted(
            set(links), key=lambda link: (list(LINK_KINDS).index(link.kind), link.item_id)
        ),
    }


def informed_by(links: Sequence[Link]) -> str:
    """What a decision drew on, counted in words, e.g. "2 statements and 1 saved view"."""
    if not links:
        return "nothing linked yet"
    names = {"statement": ("statement", "statements"), "view": ("saved view", "saved views"),
             "answer": ("answer", "answers")}  # fmt: skip
    parts = []
    for kind in LINK_KINDS:
        n = sum(1 for link in links if link.kind == kind)
        if n:
            parts.append(f"{n} {names[kind][0] if n == 1 else names[kind][1]}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def changed_at(decision: Mapping):
    """When a decision last changed after it was recorded (its ``updated_at``), or ``None`` if
    it never did (a decision is recorded with ``updated_at`` equal to ``decided_at``)."""
    updated = decision.get("updated_at")
    return None if updated is None or updated == decision["decided_at"] else updated


def _log_row(decision: Mapping) -> dict:
    changed = changed_at(decision)
    return {
        "decision_id": decision["decision_id"],
        "title": decision["title"],
        "status": decision["status"],
        "status_words": STATUSES[decision["status"]],
        "reason": decision["reason"],
        "informed_by": informed_by(decision["links"]),
        "decided_at": decision["decided_at"],
        "recorded_by": decision.get("created_by"),
        "changed_at": changed,
        "changed_by": None if changed is None else decision.get("changed_by"),
    }


def decision_log(decisions: Sequence[Mapping]) -> pd.DataFrame:
    """One row per decision, newest first. Each decision is a mapping with ``decision_id``,
    ``title``, ``status``, ``reason``, ``links`` (a list of :class:`Link`), ``decided_at`` and
    optionally ``updated_at`` (read as :func:`changed_at`), ``created_by`` and ``changed_by``
    (staff user names, as :func:`~csc_dash.workshop.decision_store.decision_rows` gives them)."""
    rows = [_log_row(decision) for decision in decisions]
    frame = pd.DataFrame(rows, columns=LOG_COLUMNS)
    return frame.sort_values(
        ["decided_at", "decision_id"], ascending=False, kind="stable"
    ).reset_index(drop=True)


def what_became_of(said: Sequence[Mapping], decisions: Sequence[Mapping]) -> pd.DataFrame:
    """For one participant: each thing they said, with every decision that linked to it.

    ``said`` holds mappings with ``kind`` (a key of :data:`LINK_KINDS`), ``item_id`` and
    ``what_you_said`` (the words to show: their statement, or which screen or question). A thing
    no decision used yet gets one row with the decision columns empty, so a person sees all they
    said, and which parts were used.
    """
    used: dict[tuple[str, int], list[Mapping]] = {}
    for decision in decisions:
        for link in decision["links"]:
            used.setdefault((link.kind, link.item_id), []).append(decision)
    rows = []
    for item in said:
        linked = used.get((item["kind"], item["item_id"]), [])
        base = {
            "kind": LINK_KINDS[item["kind"]],
            "item_id": item["item_id"],
            "what_you_said": item["what_you_said"],
        }
        if not linked:
            rows.append(
                {**base, "decision_id": None, "title": "", "status_words": "", "reason": ""}
            )
        for decision in sorted(linked, key=lambda d: d["decision_id"]):
            rows.append(
                {
                    **base,
                    "decision_id": decision["decision_id"],
                    "title": decision["title"],
                    "status_words": STATUSES[decision["status"]],
                    "reason": decision["reason"],
                }
            )
    return pd.DataFrame(rows, columns=BECAME_COLUMNS).astype({"decision_id": "Int64"})


def plain_texts() -> list[tuple[str, str]]:
    """Sentences a participant reads, for the reading-level test."""
    return [
        ("EMPTY_TITLE", EMPTY_TITLE),
        ("EMPTY_REASON", EMPTY_REASON),
        ("NOTHING_DECIDED_YET", NOTHING_DECIDED_YET),
        *((f"STATUSES[{key!r}]", f"{words}.") for key, words in STATUSES.items()),
    ]
