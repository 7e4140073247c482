"""Workshops, participants, answers and statement votes: what the app does with the store.

Every function takes the engine from :func:`csc_dash.store.make_engine` first. Every write is one
transaction; answers and votes carry a client token (:func:`new_client_token`, made once per
answer on screen) so a double submit, or a retry after a failed write, stores the answer exactly
once. Problems a person can act on raise :class:`FeedbackError` with a plain message; a database
that cannot be reached raises :class:`StoreUnavailable`, after which the same call with the same
token is safe to repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import time
import unicodedata
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Engine, case, delete, exists, func, insert, select, update
from sqlalchemy import exc as sa_exc

from csc_dash import store
from csc_dash.store import (
    STORE_UNREACHABLE,
    StoreUnavailable,
    participants,
    rejoin_attempts,
    statements,
    transaction,
    unavailable_as,
    utcnow,
    votes,
    workshops,
)
from csc_dash.store import (
    responses as responses_table,
)

__all__ = [
    "CODE_ALPHABET",
    "DEMO_CODE",
    "REACTIONS",
    "ROLE_TAGS",
    "FeedbackError",
    "Participant",
    "RejoinPaused",
    "Statement",
    "StoreUnavailable",
    "Workshop",
    "WorkshopClosed",
    "add_statement",
    "approve_statement",
    "classify_statement",
    "create_workshop",
    "ensure_demo_workshop",
    "erase_participant",
    "erase_workshop",
    "find_participant_by_token",
    "find_workshop",
    "get_participant",
    "get_workshop",
    "join_workshop",
    "latest_answers",
    "list_participants",
    "list_statements",
    "list_workshops",
    "live_summary",
    "new_client_token",
    "new_join_token",
    "new_rejoin_code",
    "normalise_code",
    "participant_settings",
    "participant_votes",
    "rejoin",
    "revoke_join_token",
    "save_settings",
    "set_rejoin_code",
    "reject_statement",
    "responses",
    "save_response",
    "set_workshop_status",
    "statement_results",
    "vote",
    "withdraw",
    "statements_version",
    "workshop_version",
]

ROLE_TAGS = (
    "Family member",
    "Young person",
    "Social worker",
    "Manager",
    "Data or IT",
    "Researcher",
    "Other",
    "Prefer not to say",
)
REACTIONS = ("acceptable", "unsure", "not_acceptable")  # "save my view of this screen"
DEMO_CODE = "DEMO"
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B
CODE_LENGTH = 6
STATUSES = ("open", "closed")
SOURCES = ("bank", "participant", "facilitator")
CHOICES = ("agree", "disagree", "pass")

MAX_PSEUDONYM = 40
MAX_TITLE = 200
MAX_FREE_TEXT = 2000
MAX_STATEMENT = 280
MAX_KEY = 100  # page and question ids
MAX_TOKEN = 64
#: A join token is a bearer secret (it is in the participant's address bar so a reload keeps
#: them in the workshop): only tokens at least this long are ever looked up.
MIN_JOIN_TOKEN = 32
JOIN_TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters

# Rejoin codes: short enough to write down, checked slowly, guesses limited per name.
REJOIN_LENGTH = 8
REJOIN_WINDOW = timedelta(minutes=15)
REJOIN_MAX_TRIES = 5  # per workshop and name, within REJOIN_WINDOW
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
#: The settings of a person kept for them (see save_settings), with the types allowed.
SETTING_KEYS = ("threshold", "model", "view", "bias")
#: How a statement's author is named once they have left the workshop.
AUTHOR_LEFT = "a participant who has left"

# Statement labels (see classify_statement).
MIN_VOTES = 5
MIN_ROLE_VOTES = 2
CONSENSUS_SHARE = 0.7
DIVISIVE_GAP = 0.5
DIVISIVE_BAND = (0.35, 0.65)
LABELS = ("consensus", "divisive", "mixed", "too few votes")

# Messages a participant or facilitator can act on (asserted exactly in the tests).
SAVE_UNAVAILABLE = "Your answer is not saved yet. We will keep it on screen; try again in a moment."
READ_UNAVAILABLE = STORE_UNREACHABLE
UNKNOWN_CODE = "There is no workshop with that code. Check the code on the screen and try again."
CLOSED_WORKSHOP = (
    "This workshop is closed, so no one new can join. Ask the facilitator to open it again."
)
CLOSED_FOR_ANSWERS = (
    "This workshop has closed, so new answers are not being collected. Your answer is still on "
    "screen."
)
EMPTY_PSEUDONYM = (
    "Please choose a name to use in the workshop. It does not have to be your real name."
)
LONG_PSEUDONYM = f"Please choose a shorter name, with {MAX_PSEUDONYM} characters at most."
BAD_PSEUDONYM = "Please use only letters, numbers, spaces and punctuation in your name."
TAKEN_PSEUDONYM = "Someone in this workshop already uses that name. Please choose another one."
UNKNOWN_ROLE = "Please choose one of the roles in the list."
NOT_A_PARTICIPANT = (
    "We could not find you in this workshop. You may have left it. Join again to take part."
)
NOT_STORABLE = (
    "This answer could not be saved: it holds something other than text, numbers, lists or yes/no."
)
LONG_TEXT = f"Please keep each answer to {MAX_FREE_TEXT:,} characters or fewer."
BAD_KEY = "The page or question name must be a short piece of text."
BAD_TOKEN = "The answer has no valid client token; make one with new_client_token()."  # noqa: S105
EMPTY_TITLE = "Please give the workshop a title."
LONG_TITLE = f"Please give the workshop a shorter title, with {MAX_TITLE} characters at most."
EMPTY_CREATOR = "A workshop needs the name of the person who creates it."
UNKNOWN_WORKSHOP = "That workshop no longer exists."
UNKNOWN_STATUS = "A workshop can only be 'open' or 'closed'."
EMPTY_STATEMENT = "Please write a statement."
LONG_STATEMENT = f"Please keep statements to {MAX_STATEMENT} characters or fewer."
UNKNOWN_SOURCE = "A statement comes from the bank, a participant or the facilitator."
UNKNOWN_STATEMENT = "That statement no longer exists."
STATEMENT_NOT_OPEN = "That statement is waiting for the facilitator, so no one can vote on it yet."
STATEMENT_ELSEWHERE = "That statement belongs to another workshop."
UNKNOWN_CHOICE = "Please choose agree, disagree or pass."
WRONG_REJOIN = (
    "We could not find that name with that code in this workshop. Check the name and the code "
    "you wrote down, and try again."
)
REJOIN_PAUSED = (
    "There have been too many wrong tries for this name. Please wait 15 minutes, or ask the "
    "facilitator for help."
)
EMPTY_REJOIN = "Please type the code you wrote down when you joined."
#: What remains after an erase, by database (said on the facilitator's confirmation and in
#: docs/DEPLOYMENT.md).
ERASURE_REMAINS = {
    "sqlite": (
        "The answers are deleted from the database file and its journal at once. Backups of "
        "the file made before today still hold them until those backups are deleted."
    ),
    "postgresql": (
        "The answers are deleted at once and no one can see them in the app. The database "
        "server still keeps old copies on its disk until the person who runs it does a full "
        "clean-up, and in its logs and backups until those are replaced. Ask them how long "
        "that is."
    ),
}

# Bidirectional-text controls could make one pseudonym look like another on screen.
_BIDI = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"\s+")
_CODE_NOISE = re.compile(r"[\s\-\u2010-\u2015_]+")


class FeedbackError(ValueError):
    """Plain message a participant or facilitator can act on."""


class RejoinPaused(FeedbackError):
    """Too many wrong rejoin codes for one name lately: wait, or ask the facilitator."""


class WorkshopClosed(FeedbackError):
    """The workshop is closed, so a participant's answer, vote or statement was not stored.

    Safe to retry with the same client token once the facilitator opens the workshop again.
    """


@dataclass(frozen=True)
class Workshop:
    id: int
    code: str
    title: str
    status: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: int
    pseudonym: str
    role_tag: str
    consented_at: datetime


@dataclass(frozen=True)
class Statement:
    id: int
    workshop_id: int
    text: str
    source: str
    approved: bool
    proposed_by: int | None

    @property
    def author_left(self) -> bool:
        """A participant wrote it and has since left (their name is no longer attached)."""
        return self.source == "participant" and self.proposed_by is None


# --------------------------------------------------------------------------- helpers


def new_client_token() -> str:
    """A fresh token for one answer on screen (uuid4 hex); reuse it for every retry of that answer."""
    return uuid.uuid4().hex


def new_join_token() -> str:
    """A fresh join token: long and random, because it lets its holder act as the participant."""
    return secrets.token_urlsafe(JOIN_TOKEN_BYTES)


def new_rejoin_code() -> str:
    """A fresh rejoin code: 8 characters a person can write down (no 0/O, 1/I/L ...)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(REJOIN_LENGTH))


def format_rejoin_code(code: str) -> str:
    """A rejoin code as shown, in two halves: "K7QM-3DXA"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def _hash_rejoin_code(code: str, *, salt: bytes | None = None) -> str:
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(normalise_code(code).encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


#: Checked against when no participant matches, so a wrong name costs the same as a wrong code.
_DUMMY_HASH = "scrypt$" + "00" * 16 + "$" + "00" * 32


def _rejoin_code_matches(code: str, stored: str | None) -> bool:
    try:
        _kind, salt_hex, digest_hex = (stored or _DUMMY_HASH).split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    candidate = _hash_rejoin_code(code, salt=salt).split("$")[2]
    return stored is not None and hmac.compare_digest(candidate, digest_hex)


def normalise_code(code: str) -> str:
    """A join code as typed ("dem-o ", "abc 123") in the form it is stored ("DEMO", "ABC123")."""
    return _CODE_NOISE.sub("", str(code)).upper()


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _clean_pseudonym(pseudonym: str) -> tuple[str, str]:
    """The pseudonym as shown and its case-folded key, or FeedbackError."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", str(pseudonym))).strip()
    if not text:
        raise FeedbackError(EMPTY_PSEUDONYM)
    if len(text) > MAX_PSEUDONYM:
        raise FeedbackError(LONG_PSEUDONYM)
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in _BIDI for ch in text):
        raise FeedbackError(BAD_PSEUDONYM)
    key = "".join(ch for ch in text.casefold() if unicodedata.category(ch) != "Cf")
    if not key.strip():
        raise FeedbackError(EMPTY_PSEUDONYM)
    return text, key


def _clean_statement(text: str) -> str:
    cleaned = "".join(
        " " if ch.isspace() else ch
        for ch in str(text)
        if ch.isspace() or not (unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI)
    )
    cleaned = _SPACES.sub(" ", cleaned).strip()
    if not cleaned:
        raise FeedbackError(EMPTY_STATEMENT)
    if len(cleaned) > MAX_STATEMENT:
        raise FeedbackError(LONG_STATEMENT)
    return cleaned


def _check_key(value: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_KEY:
        raise FeedbackError(BAD_KEY)
    return value


def _check_token(token: str) -> str:
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise FeedbackError(BAD_TOKEN)
    return token


def _json_default(value: Any) -> Any:
    # numpy and pandas scalars (np.int64, np.bool_, Timestamp) reach us from widgets and frames.
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)


def _encode(value: Any) -> str:
    try:
        return json.dumps(
            value, default=_json_default, allow_nan=False, ensure_ascii=False, separators=(",", ":")
        )
    except (TypeError, ValueError, RecursionError) as error:
        raise FeedbackError(NOT_STORABLE) from error


def _check_text_lengths(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) > MAX_FREE_TEXT:
                raise FeedbackError(LONG_TEXT)
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def _workshop(row) -> Workshop:
    return Workshop(
        id=row.id,
        code=row.code,
        title=row.title,
        status=row.status,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _participant(row) -> Participant:
    return Participant(
        id=row.id,
        workshop_id=row.workshop_id,
        pseudonym=row.pseudonym,
        role_tag=row.role_tag,
        consented_at=row.consented_at,
    )


def _statement(row) -> Statement:
    return Statement(
        id=row.id,
        workshop_id=row.workshop_id,
        text=row.text,
        source=row.source,
        approved=bool(row.approved),
        proposed_by=row.proposed_by,
    )


def _statement_bank() -> tuple:
    from csc_dash.content.statements import STATEMENT_BANK

    return STATEMENT_BANK


def _questions() -> dict[str, Any]:
    from csc_dash.content.questions import QUESTIONNAIRE

    return {question.id: question for question in QUESTIONNAIRE}


def _token_stored(engine: Engine, table, token: str) -> bool:
    with transaction(engine) as conn:
        return bool(conn.scalar(select(exists().where(table.c.client_token == token))))


def _frame(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=columns)
    return frame.reset_index(drop=True)


#: Checkpoint tries after an erase. Each try waits up to CHECKPOINT_WAIT_MS for readers (SQLite's
#: busy handler); a reader's snapshot lasts only as long as one page's read.
CHECKPOINT_TRIES = 10
CHECKPOINT_WAIT_MS = 1000
CHECKPOINT_PAUSE_S = 0.1


def _reclaim_space(engine: Engine, *, tries: int | None = None, pause: float | None = None) -> bool:
    """After an erase on SQLite, fold the WAL into the file and empty it, so no copy of erased
    rows remains (``secure_delete`` already overwrote them in the file).

    ``PRAGMA wal_checkpoint(TRUNCATE)`` returns ``(busy, log, checkpointed)``; ``busy`` is 1 when
    a reader still held a snapshot that needs the log. Then it is tried again, up to
    :data:`CHECKPOINT_TRIES` times. Returns whether it completed (always ``True`` on other
    databases, which keep no such file beside the tables: see :data:`ERASURE_REMAINS`).
    """
    if engine.dialect.name != "sqlite":
        return True
    tries = CHECKPOINT_TRIES if tries is None else tries
    pause = CHECKPOINT_PAUSE_S if pause is None else pause
    for attempt in range(tries):
        raw = engine.raw_connection()
        try:
            driver = raw.driver_connection
            driver.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
            busy, _log, _done = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except Exception:  # noqa: BLE001 - a locked database: try again like a busy reader
            store.log.info("checkpoint after erase failed", exc_info=True)
            busy = 1
        finally:
            try:
                raw.driver_connection.execute(f"PRAGMA busy_timeout = {store.BUSY_TIMEOUT_S * 1000}")
            finally:
                raw.close()
        if not busy:
            return True
        if attempt + 1 < tries:
            time.sleep(pause)
    store.log.warning("checkpoint after erase still busy after %d tries", tries)
    return False


# --------------------------------------------------------------------------- workshops


def _seed_bank(conn, workshop_id: int) -> None:
    now = utcnow()
    rows = [
        {
            "workshop_id": workshop_id,
            "text": item.text,
            "source": "bank",
            "bank_id": item.id,
            "proposed_by": None,
            "approved": True,
            "created_at": now,
        }
        for item in _statement_bank()
    ]
    if rows:
        conn.execute(insert(statements), rows)


def _insert_workshop(engine: Engine, *, code: str, title: str, created_by: str) -> Workshop:
    now = utcnow()
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            insert(workshops).values(
                code=code, title=title, status="open", created_by=created_by, created_at=now
            )
        )
        workshop_id = result.inserted_primary_key[0]
        _seed_bank(conn, workshop_id)
    return Workshop(workshop_id, code, title, "open", created_by, now)


@unavailable_as(SAVE_UNAVAILABLE)
def create_workshop(engine: Engine, *, title: str, created_by: str) -> Workshop:
    """Open a new workshop with a fresh 6-character join code, seeded with the statement bank."""
    title = _SPACES.sub(" ", str(title)).strip()
    if not title:
        raise FeedbackError(EMPTY_TITLE)
    if len(title) > MAX_TITLE:
        raise FeedbackError(LONG_TITLE)
    if not str(created_by).strip():
        raise FeedbackError(EMPTY_CREATOR)
    for _attempt in range(20):
        code = _new_code()
        try:
            return _insert_workshop(engine, code=code, title=title, created_by=str(created_by))
        except sa_exc.IntegrityError:
            if find_workshop(engine, code) is None:
                raise  # not a code collision: a real bug
    raise RuntimeError("could not find a free workshop code in 20 attempts")


@unavailable_as(READ_UNAVAILABLE)
def ensure_demo_workshop(engine: Engine) -> Workshop:
    """The local demo workshop (code DEMO), created on first use; safe to call from many sessions."""
    found = find_workshop(engine, DEMO_CODE)
    if found is not None:
        return found
    try:
        return _insert_workshop(engine, code=DEMO_CODE, title="Demo workshop", created_by="demo")
    except sa_exc.IntegrityError:
        found = find_workshop(engine, DEMO_CODE)
        if found is None:
            raise
        return found


@unavailable_as(READ_UNAVAILABLE)
def get_workshop(engine: Engine, workshop_id: int) -> Workshop | None:
    with transaction(engine) as conn:
        row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).first()
    return None if row is None else _workshop(row)


@unavailable_as(READ_UNAVAILABLE)
def find_workshop(engine: Engine, code: str) -> Workshop | None:
    """The workshop with this join code, however it was typed (spaces, dashes, lower case)."""
    code = normalise_code(code)
    if not code:
        return None
    with transaction(engine) as conn:
        row = conn.execute(select(workshops).where(workshops.c.code == code)).first()
    return None if row is None else _workshop(row)


@unavailable_as(READ_UNAVAILABLE)
def list_workshops(engine: Engine, *, created_by: str | None = None) -> list[Workshop]:
    """Workshops, newest first: one facilitator's, or all of them (``None``, for an admin)."""
    query = select(workshops).order_by(workshops.c.created_at.desc(), workshops.c.id.desc())
    if created_by is not None:
        query = query.where(workshops.c.created_by == created_by)
    with transaction(engine) as conn:
        return [_workshop(row) for row in conn.execute(query)]


@unavailable_as(SAVE_UNAVAILABLE)
def set_workshop_status(
    engine: Engine, workshop_id: int, status: Literal["open", "closed"]
) -> None:
    """Close a workshop to new participants, or open it again."""
    if status not in STATUSES:
        raise FeedbackError(UNKNOWN_STATUS)
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(status=status, closed_at=utcnow() if status == "closed" else None)
        )
        if result.rowcount == 0:
            raise FeedbackError(UNKNOWN_WORKSHOP)


# --------------------------------------------------------------------------- participants


def _subject(workshop_id: int, pseudonym_key: str) -> str:
    return hashlib.sha256(f"{workshop_id}\x00{pseudonym_key}".encode()).hexdigest()


def _participant_by_token(engine: Engine, token: str) -> Participant | None:
    with transaction(engine) as conn:
        row = conn.execute(
            select(participants).where(
                participants.c.client_token == token, participants.c.withdrawn_at.is_(None)
            )
        ).first()
    return None if row is None else _participant(row)


@unavailable_as(SAVE_UNAVAILABLE)
def join_workshop(
    engine: Engine,
    *,
    code: str,
    pseudonym: str,
    role_tag: str,
    client_token: str,
    rejoin_code: str | None = None,
) -> Participant:
    """Join a workshop under a pseudonym, recording consent now.

    The same ``client_token`` always gives the same participant, so a double click or a retry
    never makes two. ``rejoin_code`` (from :func:`new_rejoin_code`, shown to the person) is
    stored only as a salted hash; with it and their name they can come back (:func:`rejoin`).
    """
    _check_token(client_token)
    existing = _participant_by_token(engine, client_token)
    if existing is not None:
        return existing
    if role_tag not in ROLE_TAGS:
        raise FeedbackError(UNKNOWN_ROLE)
    shown, key = _clean_pseudonym(pseudonym)
    workshop = find_workshop(engine, code)
    if workshop is None:
        raise FeedbackError(UNKNOWN_CODE)
    now = utcnow()
    try:
        with transaction(engine, write=True) as conn:
            # Checked again inside the write: a twin submit may have committed meanwhile.
            twin = conn.execute(
                select(participants).where(participants.c.client_token == client_token)
            ).first()
            if twin is not None:
                return _participant(twin)
            status = conn.scalar(select(workshops.c.status).where(workshops.c.id == workshop.id))
            if status is None:
                raise FeedbackError(UNKNOWN_CODE)
            if status != "open":
                raise FeedbackError(CLOSED_WORKSHOP)
            holder = conn.execute(
                select(participants).where(
                    participants.c.workshop_id == workshop.id,
                    participants.c.pseudonym_key == key,
                )
            ).first()
            if holder is not None:
                if holder.client_token == client_token:  # the twin committed in between
                    return _participant(holder)
                raise FeedbackError(TAKEN_PSEUDONYM)
            result = conn.execute(
                insert(participants).values(
                    workshop_id=workshop.id,
                    pseudonym=shown,
                    pseudonym_key=key,
                    role_tag=role_tag,
                    consented_at=now,
                    client_token=client_token,
                    rejoin_hash=None if rejoin_code is None else _hash_rejoin_code(rejoin_code),
                )
            )
            participant_id = result.inserted_primary_key[0]
    except sa_exc.IntegrityError:
        # A concurrent submit of the same form, or someone taking the name at the same moment.
        existing = _participant_by_token(engine, client_token)
        if existing is not None:
            return existing
        raise FeedbackError(TAKEN_PSEUDONYM) from None
    return Participant(participant_id, workshop.id, shown, role_tag, now)


@unavailable_as(READ_UNAVAILABLE)
def get_participant(engine: Engine, participant_id: int) -> Participant | None:
    """The participant, or ``None`` once they have withdrawn or been erased."""
    with transaction(engine) as conn:
        row = conn.execute(
            select(participants).where(
                participants.c.id == participant_id, participants.c.withdrawn_at.is_(None)
            )
        ).first()
    return None if row is None else _participant(row)


@unavailable_as(READ_UNAVAILABLE)
def find_participant_by_token(engine: Engine, token: str) -> Participant | None:
    """The participant who joined with this join token (to rejoin after a reload), or ``None``.

    ``None`` too once they have withdrawn or been erased, and for any token shorter than
    :data:`MIN_JOIN_TOKEN` or longer than a stored token can be, which is never looked up.
    """
    if not isinstance(token, str) or not MIN_JOIN_TOKEN <= len(token) <= MAX_TOKEN:
        return None
    return _participant_by_token(engine, token)


@unavailable_as(READ_UNAVAILABLE)
def list_participants(engine: Engine, workshop_id: int) -> list[Participant]:
    """Everyone in a workshop (not withdrawn or erased), in the order they joined."""
    query = (
        select(participants)
        .where(participants.c.workshop_id == workshop_id, participants.c.withdrawn_at.is_(None))
        .order_by(participants.c.id)
    )
    with transaction(engine) as conn:
        return [_participant(row) for row in conn.execute(query)]


@unavailable_as(SAVE_UNAVAILABLE)
def revoke_join_token(engine: Engine, participant_id: int, token: str) -> None:
    """"Not you? Leave this laptop": the join token this browser holds (also in its history, as
    ``?p=``) no longer leads to the participant. Their answers and rejoin code stay.

    Only ``token`` is revoked: if the person has meanwhile come back elsewhere with their rejoin
    code (a new token), that browser keeps working.
    """
    if not isinstance(token, str) or not token:
        return
    with transaction(engine, write=True) as conn:
        conn.execute(
            update(participants)
            .where(participants.c.id == participant_id, participants.c.client_token == token)
            .values(client_token=new_join_token())  # held by no one
        )


@unavailable_as(SAVE_UNAVAILABLE)
def set_rejoin_code(engine: Engine, participant_id: int, rejoin_code: str) -> None:
    """Give a participant a new rejoin code (the old one stops working); only its hash is kept."""
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            update(participants)
            .where(participants.c.id == participant_id, participants.c.withdrawn_at.is_(None))
            .values(rejoin_hash=_hash_rejoin_code(rejoin_code))
        )
        if result.rowcount == 0:
            raise FeedbackError(NOT_A_PARTICIPANT)


def _record_rejoin_attempt(engine: Engine, workshop_id: int, subject: str) -> int:
    """Record one try (before the code is checked) and return the tries in the window."""
    now = utcnow()
    with transaction(engine, write=True) as conn:
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.attempted_at < now - REJOIN_WINDOW))
        conn.execute(
            insert(rejoin_attempts).values(workshop_id=workshop_id, subject=subject, attempted_at=now)
        )
    with transaction(engine) as conn:
        return conn.scalar(
            select(func.count()).where(
                rejoin_attempts.c.subject == subject,
                rejoin_attempts.c.attempted_at >= now - REJOIN_WINDOW,
            )
        )


@unavailable_as(SAVE_UNAVAILABLE)
def rejoin(
    engine: Engine, *, code: str, pseudonym: str, rejoin_code: str, client_token: str
) -> Participant:
    """Come back as oneself with the workshop code, one's made-up name and one's rejoin code.

    ``client_token`` (a fresh :func:`new_join_token`) becomes the person's join token; the one
    they held before stops working. Every try is recorded before the code is checked; after
    :data:`REJOIN_MAX_TRIES` tries for one name within :data:`REJOIN_WINDOW`, tries are refused
    (:class:`RejoinPaused`) without checking. A wrong name and a wrong code get the same message
    and cost the same work.
    """
    _check_token(client_token)
    rejoin_code = normalise_code(rejoin_code or "")
    if not rejoin_code:
        raise FeedbackError(EMPTY_REJOIN)
    workshop = find_workshop(engine, code)
    if workshop is None:
        raise FeedbackError(UNKNOWN_CODE)
    _shown, key = _clean_pseudonym(pseudonym)
    subject = _subject(workshop.id, key)
    if _record_rejoin_attempt(engine, workshop.id, subject) > REJOIN_MAX_TRIES:
        raise RejoinPaused(REJOIN_PAUSED)
    with transaction(engine) as conn:
        row = conn.execute(
            select(participants).where(
                participants.c.workshop_id == workshop.id,
                participants.c.pseudonym_key == key,
                participants.c.withdrawn_at.is_(None),
            )
        ).first()
    stored = None if row is None else row.rejoin_hash
    if len(rejoin_code) > 4 * REJOIN_LENGTH or not _rejoin_code_matches(rejoin_code, stored):
        raise FeedbackError(WRONG_REJOIN)
    with transaction(engine, write=True) as conn:
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.subject == subject))
        conn.execute(
            update(participants).where(participants.c.id == row.id).values(client_token=client_token)
        )
    return _participant(row)


def _clean_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key in SETTING_KEYS:
        value = settings.get(key)
        if key == "threshold":
            value = _threshold_value(value)
        elif not isinstance(value, str) or len(value) > MAX_KEY:
            value = None
        if value is not None:
            cleaned[key] = value
    return cleaned


@unavailable_as(SAVE_UNAVAILABLE)
def save_settings(engine: Engine, participant_id: int, settings: Mapping[str, Any]) -> None:
    """Keep a participant's line, tool, view and bias, to restore when they come back.

    Only the keys in :data:`SETTING_KEYS` are kept (the line as a finite number, the others as
    short texts); anything else is dropped.
    """
    if not isinstance(settings, Mapping):
        raise FeedbackError(NOT_STORABLE)
    with transaction(engine, write=True) as conn:
        conn.execute(
            update(participants)
            .where(participants.c.id == participant_id, participants.c.withdrawn_at.is_(None))
            .values(settings_json=_encode(_clean_settings(settings)))
        )


@unavailable_as(READ_UNAVAILABLE)
def participant_settings(engine: Engine, participant_id: int) -> dict[str, Any]:
    """The settings kept by :func:`save_settings` (empty if none were kept)."""
    with transaction(engine) as conn:
        stored = conn.scalar(
            select(participants.c.settings_json).where(participants.c.id == participant_id)
        )
    if not stored:
        return {}
    try:
        loaded = json.loads(stored)
    except ValueError:
        return {}
    return _clean_settings(loaded) if isinstance(loaded, Mapping) else {}


@unavailable_as(READ_UNAVAILABLE)
def participant_votes(engine: Engine, participant_id: int) -> dict[int, str]:
    """statement id -> the participant's stored vote, to show their votes when they come back."""
    with transaction(engine) as conn:
        rows = conn.execute(
            select(votes.c.statement_id, votes.c.choice).where(votes.c.participant_id == participant_id)
        ).all()
    return {row.statement_id: row.choice for row in rows}


def _delete_participants(conn, participant_ids) -> None:
    """Delete participants and everything that is theirs (explicitly: no reliance on cascades).

    A statement one of them proposed that the room could vote on (approved) stays, with other
    people's votes, its author no longer named (``proposed_by`` NULL): those votes are the other
    people's answers. A proposal still waiting for the facilitator goes.
    """
    conn.execute(
        update(statements)
        .where(statements.c.proposed_by.in_(participant_ids), statements.c.approved.is_(True))
        .values(proposed_by=None)
    )
    proposed = select(statements.c.id).where(statements.c.proposed_by.in_(participant_ids))
    conn.execute(delete(votes).where(votes.c.statement_id.in_(proposed)))
    conn.execute(delete(votes).where(votes.c.participant_id.in_(participant_ids)))
    conn.execute(
        delete(responses_table).where(responses_table.c.participant_id.in_(participant_ids))
    )
    conn.execute(delete(statements).where(statements.c.proposed_by.in_(participant_ids)))
    gone = conn.execute(
        select(participants.c.workshop_id, participants.c.pseudonym_key).where(
            participants.c.id.in_(participant_ids)
        )
    ).all()
    subjects = [_subject(row.workshop_id, row.pseudonym_key) for row in gone]
    if subjects:
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.subject.in_(subjects)))
    conn.execute(delete(participants).where(participants.c.id.in_(participant_ids)))


@unavailable_as(SAVE_UNAVAILABLE)
def withdraw(engine: Engine, participant_id: int) -> bool:
    """A participant leaves: their answers, votes, waiting proposals and record are deleted.

    A statement they proposed that the room could already vote on stays, without their name,
    with the other people's votes (see :func:`_delete_participants`).

    Returns whether no copy of the deleted rows is left in the database's journal (SQLite: the
    checkpoint completed; always ``True`` on PostgreSQL, see :data:`ERASURE_REMAINS`).
    """
    with transaction(engine, write=True) as conn:
        _delete_participants(conn, [participant_id])
    return _reclaim_space(engine)


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
        conn.execute(delete(statements).where(statements.c.workshop_id == workshop_id))
        conn.execute(delete(responses_table).where(responses_table.c.workshop_id == workshop_id))
        conn.execute(delete(rejoin_attempts).where(rejoin_attempts.c.workshop_id == workshop_id))
        conn.execute(delete(workshops).where(workshops.c.id == workshop_id))
    return _reclaim_space(engine)


# --------------------------------------------------------------------------- answers


@unavailable_as(SAVE_UNAVAILABLE)
def save_response(
    engine: Engine,
    *,
    participant_id: int,
    page: str,
    question_id: str,
    value: Any,
    screen_state: dict,
    client_token: str,
) -> bool:
    """Store one answer with the screen that prompted it, in one transaction.

    Returns ``True`` if the answer was stored now and ``False`` if this ``client_token`` was
    stored before (a double submit, or a retry after an acknowledgement was lost).

    Raises
    ------
    FeedbackError
        If the value is not JSON-serialisable, a text is longer than 2,000 characters, the
        participant has withdrawn, or the workshop is closed (:data:`CLOSED_FOR_ANSWERS`).
    StoreUnavailable
        If the database could not be reached; nothing was stored, retry with the same token.
    """
    _check_token(client_token)
    _check_key(page)
    _check_key(question_id)
    if not isinstance(screen_state, Mapping):
        raise FeedbackError(NOT_STORABLE)
    _check_text_lengths(value)
    value_json = _encode(value)
    state_json = _encode(dict(screen_state))
    if _token_stored(engine, responses_table, client_token):
        return False
    try:
        with transaction(engine, write=True) as conn:
            home = conn.execute(
                select(participants.c.workshop_id, workshops.c.status)
                .join(workshops, workshops.c.id == participants.c.workshop_id)
                .where(participants.c.id == participant_id, participants.c.withdrawn_at.is_(None))
            ).first()
            if home is None:
                raise FeedbackError(NOT_A_PARTICIPANT)
            if home.status != "open":
                raise WorkshopClosed(CLOSED_FOR_ANSWERS)
            workshop_id = home.workshop_id
            conn.execute(
                insert(responses_table).values(
                    participant_id=participant_id,
                    workshop_id=workshop_id,
                    page=page,
                    question_id=question_id,
                    value_json=value_json,
                    screen_state_json=state_json,
                    client_token=client_token,
                    created_at=utcnow(),
                )
            )
    except sa_exc.IntegrityError:
        if _token_stored(engine, responses_table, client_token):
            return False
        if get_participant(engine, participant_id) is None:
            raise FeedbackError(NOT_A_PARTICIPANT) from None
        raise
    return True


@unavailable_as(READ_UNAVAILABLE)
def latest_answers(engine: Engine, participant_id: int) -> dict[tuple[str, str], Any]:
    """(page, question_id) -> the participant's latest answer, to fill in forms again."""
    query = (
        select(responses_table.c.page, responses_table.c.question_id, responses_table.c.value_json)
        .where(responses_table.c.participant_id == participant_id)
        .order_by(responses_table.c.id)
    )
    with transaction(engine) as conn:
        return {
            (row.page, row.question_id): json.loads(row.value_json) for row in conn.execute(query)
        }


RESPONSE_COLUMNS = [
    "response_id",
    "participant_id",
    "pseudonym",
    "role_tag",
    "page",
    "question_id",
    "value",
    "screen_state",
    "created_at",
]


def _response_rows(engine: Engine, workshop_id: int) -> list[dict[str, Any]]:
    query = (
        select(
            responses_table.c.id.label("response_id"),
            responses_table.c.participant_id,
            participants.c.pseudonym,
            participants.c.role_tag,
            responses_table.c.page,
            responses_table.c.question_id,
            responses_table.c.value_json,
            responses_table.c.screen_state_json,
            responses_table.c.created_at,
        )
        .join(participants, participants.c.id == responses_table.c.participant_id)
        .where(responses_table.c.workshop_id == workshop_id)
        .order_by(responses_table.c.id)
    )
    with transaction(engine) as conn:
        rows = conn.execute(query).all()
    return [
        {
            "response_id": row.response_id,
            "participant_id": row.participant_id,
            "pseudonym": row.pseudonym,
            "role_tag": row.role_tag,
            "page": row.page,
            "question_id": row.question_id,
            "value": json.loads(row.value_json),
            "screen_state": json.loads(row.screen_state_json),
            "created_at": row.created_at,
        }
        for row in rows
    ]


def _object_frame(rows: list[dict[str, Any]], columns: list[str], objects: tuple[str, ...]):
    frame = _frame(rows, columns)
    for column in objects:
        frame[column] = pd.Series([row[column] for row in rows], dtype=object, index=frame.index)
    return frame


@unavailable_as(READ_UNAVAILABLE)
def responses(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """Every stored answer of a workshop, oldest first, with values and screen states decoded."""
    rows = _response_rows(engine, workshop_id)
    return _object_frame(rows, RESPONSE_COLUMNS, ("value", "screen_state"))


# --------------------------------------------------------------------------- statements


@unavailable_as(SAVE_UNAVAILABLE)
def add_statement(
    engine: Engine,
    *,
    workshop_id: int,
    text: str,
    source: str,
    proposed_by: int | None = None,
    approved: bool = False,
) -> Statement:
    """Add a statement to vote on (a participant's waits for the facilitator's approval).

    A participant (``proposed_by``) cannot add one once the workshop is closed
    (:data:`CLOSED_FOR_ANSWERS`); the facilitator still can.
    """
    if source not in SOURCES:
        raise FeedbackError(UNKNOWN_SOURCE)
    cleaned = _clean_statement(text)
    with transaction(engine, write=True) as conn:
        status = conn.scalar(select(workshops.c.status).where(workshops.c.id == workshop_id))
        if status is None:
            raise FeedbackError(UNKNOWN_WORKSHOP)
        if proposed_by is not None:
            home = conn.scalar(
                select(participants.c.workshop_id).where(
                    participants.c.id == proposed_by, participants.c.withdrawn_at.is_(None)
                )
            )
            if home != workshop_id:
                raise FeedbackError(NOT_A_PARTICIPANT)
            if status != "open":
                raise WorkshopClosed(CLOSED_FOR_ANSWERS)
        result = conn.execute(
            insert(statements).values(
                workshop_id=workshop_id,
                text=cleaned,
                source=source,
                bank_id=None,
                proposed_by=proposed_by,
                approved=bool(approved),
                created_at=utcnow(),
            )
        )
        statement_id = result.inserted_primary_key[0]
    return Statement(statement_id, workshop_id, cleaned, source, bool(approved), proposed_by)


@unavailable_as(SAVE_UNAVAILABLE)
def approve_statement(engine: Engine, statement_id: int, *, approved: bool = True) -> None:
    with transaction(engine, write=True) as conn:
        result = conn.execute(
            update(statements)
            .where(statements.c.id == statement_id)
            .values(approved=bool(approved))
        )
        if result.rowcount == 0:
            raise FeedbackError(UNKNOWN_STATEMENT)


@unavailable_as(SAVE_UNAVAILABLE)
def reject_statement(engine: Engine, statement_id: int) -> None:
    """Remove a statement (a participant's proposal the facilitator turns down) and its votes."""
    with transaction(engine, write=True) as conn:
        conn.execute(delete(votes).where(votes.c.statement_id == statement_id))
        result = conn.execute(delete(statements).where(statements.c.id == statement_id))
        if result.rowcount == 0:
            raise FeedbackError(UNKNOWN_STATEMENT)


@unavailable_as(READ_UNAVAILABLE)
def list_statements(
    engine: Engine, workshop_id: int, *, approved_only: bool = True
) -> list[Statement]:
    query = select(statements).where(statements.c.workshop_id == workshop_id)
    if approved_only:
        query = query.where(statements.c.approved.is_(True))
    with transaction(engine) as conn:
        return [_statement(row) for row in conn.execute(query.order_by(statements.c.id))]


def _vote_once(engine, participant_id, statement_id, choice, client_token) -> None:
    with transaction(engine, write=True) as conn:
        row = conn.execute(
            select(statements.c.workshop_id, statements.c.approved).where(
                statements.c.id == statement_id
            )
        ).first()
        if row is None:
            raise FeedbackError(UNKNOWN_STATEMENT)
        home = conn.execute(
            select(participants.c.workshop_id, workshops.c.status)
            .join(workshops, workshops.c.id == participants.c.workshop_id)
            .where(participants.c.id == participant_id, participants.c.withdrawn_at.is_(None))
        ).first()
        if home is None:
            raise FeedbackError(NOT_A_PARTICIPANT)
        if home.workshop_id != row.workshop_id:
            raise FeedbackError(STATEMENT_ELSEWHERE)
        if home.status != "open":
            raise WorkshopClosed(CLOSED_FOR_ANSWERS)
        if not row.approved:
            raise FeedbackError(STATEMENT_NOT_OPEN)
        values = {"choice": choice, "client_token": client_token, "created_at": utcnow()}
        result = conn.execute(
            update(votes)
            .where(
                votes.c.statement_id == statement_id,
                votes.c.participant_id == participant_id,
                # A twin of this very vote that committed meanwhile is left alone (then the
                # insert below fails on the unique pair and the twin is recognised).
                votes.c.client_token != client_token,
            )
            .values(**values)
        )
        if result.rowcount == 0:
            conn.execute(
                insert(votes).values(
                    statement_id=statement_id, participant_id=participant_id, **values
                )
            )


@unavailable_as(SAVE_UNAVAILABLE)
def vote(
    engine: Engine,
    *,
    participant_id: int,
    statement_id: int,
    choice: Literal["agree", "disagree", "pass"],
    client_token: str,
) -> bool:
    """Record a vote; a participant's latest vote on a statement replaces the earlier one.

    Returns ``False`` (and changes nothing) if this ``client_token`` is already stored.
    """
    if choice not in CHOICES:
        raise FeedbackError(UNKNOWN_CHOICE)
    _check_token(client_token)
    if _token_stored(engine, votes, client_token):
        return False
    for attempt in range(2):
        try:
            _vote_once(engine, participant_id, statement_id, choice, client_token)
            return True
        except sa_exc.IntegrityError:
            if _token_stored(engine, votes, client_token):
                return False
            if attempt:
                raise
            # Two first votes at once (PostgreSQL): the other one inserted; now update it.
    raise AssertionError("unreachable")


#: Who wrote a statement, as the facilitator and the exports say it.
AUTHORS = {"bank": "the question bank", "facilitator": "the facilitator", "participant": "a participant"}


def author_label(source: str, proposed_by: int | None) -> str:
    """Who wrote a statement, never by name: "a participant", or :data:`AUTHOR_LEFT` once the
    participant who proposed it has left the workshop."""
    if source == "participant" and proposed_by is None:
        return AUTHOR_LEFT
    return AUTHORS.get(source, source)


def classify_statement(agree: int, disagree: int, by_role: Mapping[str, tuple[int, int]]) -> str:
    """Label a statement from its agree/disagree counts, overall and per role tag.

    ``by_role`` maps role tag -> (agree, disagree). Passes count for neither side.

    - "too few votes": fewer than 5 agree + disagree votes;
    - "consensus": overall agree share >= 0.7 and every role tag with at least 2 votes also
      >= 0.7 (or everything <= 0.3);
    - "divisive": two role tags with at least 2 votes each differ by >= 0.5, or the overall
      agree share is between 0.35 and 0.65;
    - "mixed": anything else.
    """
    decided = agree + disagree
    if decided < MIN_VOTES:
        return "too few votes"
    overall = agree / decided
    shares = [a / (a + d) for a, d in by_role.values() if a + d >= MIN_ROLE_VOTES]
    low = 1 - CONSENSUS_SHARE
    if (overall >= CONSENSUS_SHARE and all(s >= CONSENSUS_SHARE for s in shares)) or (
        overall <= low and all(s <= low for s in shares)
    ):
        return "consensus"
    gap = max(shares) - min(shares) if shares else 0.0
    if gap >= DIVISIVE_GAP or DIVISIVE_BAND[0] <= overall <= DIVISIVE_BAND[1]:
        return "divisive"
    return "mixed"


STATEMENT_RESULT_COLUMNS = [
    "statement_id",
    "text",
    "author",
    "agree",
    "disagree",
    "pass",
    "votes",
    "agree_share",
    "by_role",
    "by_role_votes",
    "label",
]


@unavailable_as(READ_UNAVAILABLE)
def statement_results(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """One row per approved statement with counts, agree share (of agree + disagree) overall
    and by role tag (``by_role``; ``by_role_votes`` holds the agree + disagree votes behind each
    share), and a label (see :func:`classify_statement`)."""
    with transaction(engine) as conn:
        listed = conn.execute(
            select(statements.c.id, statements.c.text, statements.c.source, statements.c.proposed_by)
            .where(statements.c.workshop_id == workshop_id, statements.c.approved.is_(True))
            .order_by(statements.c.id)
        ).all()
        cast = conn.execute(
            select(votes.c.statement_id, votes.c.choice, participants.c.role_tag)
            .join(statements, statements.c.id == votes.c.statement_id)
            .join(participants, participants.c.id == votes.c.participant_id)
            .where(statements.c.workshop_id == workshop_id, statements.c.approved.is_(True))
        ).all()
    counts: dict[int, Counter] = defaultdict(Counter)
    per_role: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in cast:
        counts[row.statement_id][row.choice] += 1
        if row.choice != "pass":
            per_role[row.statement_id][row.role_tag][0 if row.choice == "agree" else 1] += 1
    rows = []
    for statement_id, text, source, proposed_by in listed:
        tally = counts[statement_id]
        agree, disagree, passed = tally["agree"], tally["disagree"], tally["pass"]
        roles = {role: (a, d) for role, (a, d) in per_role[statement_id].items() if a + d}
        ordered = sorted(
            roles, key=lambda r: ROLE_TAGS.index(r) if r in ROLE_TAGS else len(ROLE_TAGS)
        )
        rows.append(
            {
                "statement_id": statement_id,
                "text": text,
                "author": author_label(source, proposed_by),
                "agree": agree,
                "disagree": disagree,
                "pass": passed,
                "votes": agree + disagree + passed,
                "agree_share": agree / (agree + disagree) if agree + disagree else math.nan,
                "by_role": {role: roles[role][0] / sum(roles[role]) for role in ordered},
                "by_role_votes": {role: sum(roles[role]) for role in ordered},
                "label": classify_statement(agree, disagree, roles),
            }
        )
    frame = _object_frame(rows, STATEMENT_RESULT_COLUMNS, ("by_role", "by_role_votes"))
    frame["agree_share"] = frame["agree_share"].astype(float)
    return frame


# --------------------------------------------------------------------------- versions


@unavailable_as(READ_UNAVAILABLE)
def statements_version(engine: Engine, workshop_id: int) -> tuple:
    """A cheap fingerprint of the statements open to the room: it changes when one is approved,
    hidden or removed (a page redraws its statements only then)."""
    approved = statements.c.approved.is_(True)
    with transaction(engine) as conn:
        row = conn.execute(
            select(func.count(), func.coalesce(func.sum(statements.c.id), 0), func.max(statements.c.id))
            .where(statements.c.workshop_id == workshop_id, approved)
        ).first()
    return tuple(row)


@unavailable_as(READ_UNAVAILABLE)
def workshop_version(engine: Engine, workshop_id: int) -> tuple:
    """A cheap fingerprint of everything the facilitator's live section shows: it changes when
    anyone joins, leaves, answers, votes (or changes a vote), or a statement is proposed,
    approved or removed, or the workshop opens or closes."""
    def stats(table, where, *extra):
        return select(func.count(), func.coalesce(func.sum(table.c.id), 0), *extra).where(where)

    with transaction(engine) as conn:
        status = conn.scalar(select(workshops.c.status).where(workshops.c.id == workshop_id))
        people = conn.execute(stats(participants, participants.c.workshop_id == workshop_id)).first()
        answers = conn.execute(
            stats(responses_table, responses_table.c.workshop_id == workshop_id)
        ).first()
        said = conn.execute(
            stats(
                statements,
                statements.c.workshop_id == workshop_id,
                func.coalesce(func.sum(case((statements.c.approved.is_(True), statements.c.id), else_=0)), 0),
            )
        ).first()
        cast = conn.execute(
            select(func.count(), func.max(votes.c.created_at), func.coalesce(func.sum(votes.c.id), 0))
            .join(statements, statements.c.id == votes.c.statement_id)
            .where(statements.c.workshop_id == workshop_id)
        ).first()
    return (status, *people, *answers, *said, cast[0], str(cast[1]), cast[2])


# --------------------------------------------------------------------------- live results


def _role_order(role: str) -> int:
    return ROLE_TAGS.index(role) if role in ROLE_TAGS else len(ROLE_TAGS)


#: "Where would you draw the line?": how many of every 1,000 referrals a person would accept
#: being flagged (a whole number, or None for "no line"); the score line it maps to is stored in
#: the answer's screen state under ANSWER_LINE. Answers stored before version 3 asked for the
#: score line itself, under LEGACY_LINE_QUESTION.
LINE_QUESTION = "accepted_per_1000"
LEGACY_LINE_QUESTION = "accepted_threshold"
ANSWER_LINE = "answer_threshold"


def _threshold_value(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@unavailable_as(READ_UNAVAILABLE)
def live_summary(engine: Engine, workshop_id: int) -> dict[str, pd.DataFrame]:
    """What the room has said so far, one voice per person per question (their latest answer).

    Keys: "participants_by_role", "reactions_by_page", "accepted_thresholds" (``role_tag``,
    ``value``: the score line, ``per_1000``: flagged in every 1,000, None for older answers;
    both None for "no line"), "scale_by_role",
    "free_text" (see the API notes in the module for columns).
    """
    with transaction(engine) as conn:
        people = conn.execute(
            select(participants.c.role_tag).where(
                participants.c.workshop_id == workshop_id, participants.c.withdrawn_at.is_(None)
            )
        ).all()
    by_role = Counter(row.role_tag for row in people)
    participants_by_role = _frame(
        [
            {"role_tag": role, "participants": by_role[role]}
            for role in sorted(by_role, key=_role_order)
        ],
        ["role_tag", "participants"],
    )

    latest: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in _response_rows(engine, workshop_id):  # oldest first: later answers win
        latest[(row["participant_id"], row["page"], row["question_id"])] = row
    answers = sorted(latest.values(), key=lambda row: row["response_id"])

    questions = _questions()
    question_order = {qid: i for i, qid in enumerate(questions)}
    reactions: Counter = Counter()
    thresholds, scale, free_text = [], Counter(), []
    for row in answers:
        qid, value = row["question_id"], row["value"]
        question = questions.get(qid)
        kind = question.kind if question is not None else None
        if qid == "reaction":
            reason = None
            if isinstance(value, Mapping):
                value, reason = value.get("reaction"), value.get("reason")
            if value in REACTIONS:
                reactions[(row["page"], value)] += 1
            value = reason
        elif qid == LEGACY_LINE_QUESTION:  # a score line, asked before version 3
            thresholds.append(
                {"role_tag": row["role_tag"], "value": _threshold_value(value), "per_1000": None}
            )
            continue
        elif qid == LINE_QUESTION:  # flagged per 1,000; the score line it maps to is kept beside
            per = _threshold_value(value)
            screen = row["screen_state"] if isinstance(row["screen_state"], Mapping) else {}
            thresholds.append(
                {
                    "role_tag": row["role_tag"],
                    "value": None if per is None else _threshold_value(screen.get(ANSWER_LINE)),
                    "per_1000": None if per is None else int(per),
                }
            )
            continue
        elif kind == "scale5":
            scale[(qid, row["role_tag"], value)] += 1
            continue
        elif kind is not None and kind != "text":
            continue
        if isinstance(value, str) and value.strip():
            free_text.append(
                {
                    "page": row["page"],
                    "question_id": qid,
                    "pseudonym": row["pseudonym"],
                    "role_tag": row["role_tag"],
                    "text": value,
                }
            )

    reactions_by_page = _frame(
        [
            {"page": page, "reaction": reaction, "count": count}
            for (page, reaction), count in sorted(
                reactions.items(), key=lambda item: (item[0][0], REACTIONS.index(item[0][1]))
            )
        ],
        ["page", "reaction", "count"],
    )
    accepted = _object_frame(thresholds, ["role_tag", "value", "per_1000"], ("value", "per_1000"))
    scale_rows = [
        {"question_id": qid, "role_tag": role, "value": value, "count": count}
        for (qid, role, value), count in sorted(
            scale.items(),
            key=lambda item: (
                question_order.get(item[0][0], len(question_order)),
                _role_order(item[0][1]),
                str(item[0][2]),
            ),
        )
    ]
    return {
        "participants_by_role": participants_by_role,
        "reactions_by_page": reactions_by_page,
        "accepted_thresholds": accepted,
        "scale_by_role": _object_frame(
            scale_rows, ["question_id", "role_tag", "value", "count"], ("value",)
        ),
        "free_text": _frame(free_text, ["page", "question_id", "pseudonym", "role_tag", "text"]),
    }
