"""Withdrawing and erasing: a participant leaves, or a facilitator erases a person or a workshop.

Everything that is the person's goes (answers, votes, waiting proposals, rejoin tries, their
record), explicitly and in one transaction, never by relying on cascades. A statement they
proposed that the room could already vote on stays, its author no longer named, with the other
people's votes: those are the other people's answers. On SQLite the journal is then folded into
the file and emptied, so no copy of erased rows remains (:func:`reclaim_space`); what each
database keeps elsewhere for a while is said in :data:`ERASURE_REMAINS`.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import Engine, delete, select, update

from csc_dash.workshop.participants import rejoin_subject
from csc_dash.workshop.rules import ERASURE_REMAINS, SAVE_UNAVAILABLE
from csc_dash.workshop.store import (
    decision_links,
    decision_versions,
    decisions,
    fold_journal,
    log,
    participants,
    readiness_answers,
    rejoin_attempts,
    responses,
    statements,
    transaction,
    unavailable_as,
    votes,
    workshops,
)

__all__ = [
    "ERASURE_REMAINS",
    "background_retry",
    "erase_participant",
    "erase_workshop",
    "reclaim_space",
    "stop_background_retry",
    "withdraw",
]

#: Checkpoint tries after an erase. Each try waits up to CHECKPOINT_WAIT_MS for readers (SQLite's
#: busy handler); a reader's snapshot lasts only as long as one page's read.
CHECKPOINT_TRIES = 10
CHECKPOINT_WAIT_MS = 1000
CHECKPOINT_PAUSE_S = 0.1
#: If those tries all found a reader: tried again in the background this often (a short wait
#: each, so writers are hardly held up), for up to RETRY_FOR_S; the next start folds it in too.
RETRY_EVERY_S = 5.0
RETRY_FOR_S = 3600.0
RETRY_WAIT_MS = 50

_RETRY_LOCK = threading.Lock()
_RETRIES: dict[int, tuple[threading.Thread, threading.Event]] = {}


def reclaim_space(engine: Engine, *, tries: int | None = None, pause: float | None = None) -> bool:
    """After an erase on SQLite, fold the WAL into the file and empty it, so no copy of erased
    rows remains (``secure_delete`` already overwrote them in the file's current pages).

    While a reader holds a snapshot that needs the log, the checkpoint is busy and the old pages
    (with the erased rows) stay in the file or the log. It is tried again, up to
    :data:`CHECKPOINT_TRIES` times; if still busy, a background thread keeps trying
    (:func:`background_retry`) and ``False`` is returned, so the facilitator is told. Always
    ``True`` on other databases, which keep no such file beside the tables (see
    :data:`ERASURE_REMAINS`).
    """
    if engine.dialect.name != "sqlite":
        return True
    tries = CHECKPOINT_TRIES if tries is None else tries
    pause = CHECKPOINT_PAUSE_S if pause is None else pause
    for attempt in range(tries):
        if fold_journal(engine, wait_ms=CHECKPOINT_WAIT_MS):
            return True
        if attempt + 1 < tries:
            time.sleep(pause)
    log.warning("checkpoint after erase still busy after %d tries; retrying in the background", tries)
    _start_retry(engine)
    return False


def background_retry(engine: Engine) -> threading.Thread | None:
    """The thread still folding in an erase's journal for ``engine`` (``None`` if there is none)."""
    with _RETRY_LOCK:
        found = _RETRIES.get(id(engine))
    return None if found is None else found[0]


def stop_background_retry(engine: Engine) -> None:
    """Stop the background retry for ``engine`` (before disposing of it)."""
    with _RETRY_LOCK:
        found = _RETRIES.get(id(engine))
    if found is not None:
        found[1].set()
        found[0].join()


def _start_retry(engine: Engine) -> None:
    with _RETRY_LOCK:
        found = _RETRIES.get(id(engine))
        if found is not None and found[0].is_alive():
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=_retry, args=(engine, stop), name="csc-dash-erase-checkpoint", daemon=True
        )
        _RETRIES[id(engine)] = (thread, stop)
        thread.start()


def _retry(engine: Engine, stop: threading.Event) -> None:
    deadline = time.monotonic() + RETRY_FOR_S
    while time.monotonic() < deadline and not stop.wait(RETRY_EVERY_S):
        try:
            if fold_journal(engine, wait_ms=RETRY_WAIT_MS):
                log.info("checkpoint after erase done in the background")
                return
        except Exception:  # noqa: BLE001 - a store fault: try again later
            log.info("background checkpoint failed", exc_info=True)
    if not stop.is_set():
        log.warning("checkpoint after erase still busy after %.0f s", RETRY_FOR_S)


def _delete_participants(conn, participant_ids) -> None:
    """Delete participants and everything that is theirs (explicitly: no reliance on cascades).

    A statement one of them proposed that the room could vote on (approved) stays, with other
    people's votes, its author no longer named (``proposed_by`` NULL). A proposal still waiting
    for the facilitator goes.
    """
    conn.execute(
        update(statements)
        .where(statements.c.proposed_by.in_(participant_ids), statements.c.approved.is_(True))
        .values(proposed_by=None)
    )
    proposed = select(statements.c.id).where(statements.c.proposed_by.in_(participant_ids))
    _unlink_said(conn, participant_ids, proposed)
    conn.execute(delete(votes).where(votes.c.statement_id.in_(proposed)))
    conn.execute(delete(votes).where(votes.c.participant_id.in_(participant_ids)))
    conn.execute(delete(responses).where(responses.c.participant_id.in_(participant_ids)))
    conn.execute(delete(statements).where(statements.c.proposed_by.in_(participant_ids)))
    gone = conn.execute(
        select(participants.c.workshop_id, participants.c.pseudonym_key).where(
            participants.c.id.in_(participant_ids)
        )
    ).all()
    subjects = [rejoin_subject(row.workshop_id, row.pseudonym_key) for row in gone]
    if subjects:
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.subject.in_(subjects)))
    conn.execute(delete(participants).where(participants.c.id.in_(participant_ids)))


def _unlink_said(conn, participant_ids, proposed) -> None:
    """A decision's links to what these people said go with it: their answers and saved views,
    and their proposals still waiting (a statement the room could vote on stays, so its links do).
    The decisions themselves stay: they are the council's, not the person's."""
    theirs = select(responses.c.id).where(responses.c.participant_id.in_(participant_ids))
    conn.execute(
        delete(decision_links).where(
            decision_links.c.kind.in_(("view", "answer")), decision_links.c.item_id.in_(theirs)
        )
    )
    conn.execute(
        delete(decision_links).where(
            decision_links.c.kind == "statement", decision_links.c.item_id.in_(proposed)
        )
    )


@unavailable_as(SAVE_UNAVAILABLE)
def withdraw(engine: Engine, participant_id: int) -> bool:
    """A participant leaves: their answers, votes, waiting proposals and record are deleted.

    A statement they proposed that the room could already vote on stays, without their name,
    with the other people's votes.

    Returns whether no copy of the deleted rows is left in the database's journal (SQLite: the
    checkpoint completed; always ``True`` on PostgreSQL, see :data:`ERASURE_REMAINS`).
    """
    with transaction(engine, write=True) as conn:
        _delete_participants(conn, [participant_id])
    return reclaim_space(engine)


@unavailable_as(SAVE_UNAVAILABLE)
def erase_participant(engine: Engine, participant_id: int) -> bool:
    """A facilitator erases one participant: the same as their withdrawing."""
    return withdraw(engine, participant_id)


@unavailable_as(SAVE_UNAVAILABLE)
def erase_workshop(engine: Engine, workshop_id: int) -> bool:
    """Erase a workshop and everything in it; nothing is left in the tables (what the database
    keeps elsewhere for a while: :data:`ERASURE_REMAINS`). Returns as :func:`withdraw`."""
    with transaction(engine, write=True) as conn:
        members = select(participants.c.id).where(participants.c.workshop_id == workshop_id)
        _delete_participants(conn, members)
        owned = select(statements.c.id).where(statements.c.workshop_id == workshop_id)
        conn.execute(delete(votes).where(votes.c.statement_id.in_(owned)))
        recorded = select(decisions.c.id).where(decisions.c.workshop_id == workshop_id)
        conn.execute(delete(decision_links).where(decision_links.c.decision_id.in_(recorded)))
        conn.execute(
            delete(decision_versions).where(decision_versions.c.decision_id.in_(recorded))
        )
        conn.execute(delete(decisions).where(decisions.c.workshop_id == workshop_id))
        conn.execute(delete(statements).where(statements.c.workshop_id == workshop_id))
        conn.execute(delete(responses).where(responses.c.workshop_id == workshop_id))
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.workshop_id == workshop_id))
        conn.execute(
            delete(readiness_answers).where(readiness_answers.c.workshop_id == workshop_id)
        )
        conn.execute(delete(workshops).where(workshops.c.id == workshop_id))
    return reclaim_space(engine)
