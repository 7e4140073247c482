"""The workshop's rules: limits, codes and tokens, text cleaning, and the messages people see.

Every limit lives here once (the store's column sizes read it, and so must the forms'
``max_chars``), and every message a participant or facilitator can act on is a constant here,
asserted exactly in the tests. Nothing in this module touches the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import secrets
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "CHOICES",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEMO_CODE",
    "MAX_FREE_TEXT",
    "MAX_PSEUDONYM",
    "MAX_STATEMENT",
    "MAX_TITLE",
    "REACTIONS",
    "ROLE_TAGS",
    "FeedbackError",
    "RejoinPaused",
    "WorkshopClosed",
    "format_rejoin_code",
    "new_client_token",
    "new_join_token",
    "new_rejoin_code",
    "normalise_code",
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
# You said, we did: a decision's stored statuses and what it may link to (words in decisions.py).
DECISION_STATUSES = ("considered", "in_progress", "adopted", "not_adopted")
DECISION_LINK_KINDS = ("statement", "view", "answer")

MAX_PSEUDONYM = 40
MAX_ROLE_TAG = 40
MAX_TITLE = 200
MAX_CREATOR = 100  # a staff user name
MAX_FREE_TEXT = 2000
MAX_STATEMENT = 280
MAX_KEY = 100  # page and question ids
MAX_TOKEN = 64
MAX_CODE = 16  # a join code as stored
#: A join token is a bearer secret (it is in the participant's address bar so a reload keeps
#: them in the workshop): only tokens at least this long are ever looked up.
MIN_JOIN_TOKEN = 32
JOIN_TOKEN_BYTES = 32  # 256 random bits, 43 URL-safe characters

# Rejoin codes: short enough to write down, checked slowly, guesses limited per name.
REJOIN_LENGTH = 8
REJOIN_WINDOW = timedelta(minutes=15)
REJOIN_MAX_TRIES = 5  # per workshop and name, within REJOIN_WINDOW
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
#: The settings of a person kept for them (see participants.save_settings).
SETTING_KEYS = ("threshold", "model", "view", "bias")
#: How a statement's author is named once they have left the workshop.
AUTHOR_LEFT = "a participant who has left"

# Messages a participant or facilitator can act on (asserted exactly in the tests).
STORE_UNREACHABLE = "We cannot reach the workshop store just now. Please try again in a moment."
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
        "The answers are deleted from the database file and its journal at once, or, if the "
        "file is busy just then, soon after it is free. Backups of the file made before today "
        "still hold them until those backups are deleted."
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


# --------------------------------------------------------------------------- codes and tokens


def new_client_token() -> str:
    """A fresh token for one answer on screen (uuid4 hex); reuse it for every retry of that answer."""
    return uuid.uuid4().hex


def new_join_token() -> str:
    """A fresh join token: long and random, because it lets its holder act as the participant."""
    return secrets.token_urlsafe(JOIN_TOKEN_BYTES)


def new_rejoin_code() -> str:
    """A fresh rejoin code: 8 characters a person can write down (no 0/O, 1/I/L ...)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(REJOIN_LENGTH))


def new_workshop_code() -> str:
    """A fresh 6-character join code from :data:`CODE_ALPHABET`."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_rejoin_code(code: str) -> str:
    """A rejoin code as shown, in two halves: "K7QM-3DXA"."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_code(code: str) -> str:
    """A join code as typed ("dem-o ", "abc 123") in the form it is stored ("DEMO", "ABC123")."""
    return _CODE_NOISE.sub("", str(code)).upper()


def hash_rejoin_code(code: str, *, salt: bytes | None = None) -> str:
    """A salted, slow hash of a rejoin code (scrypt): the only form in which it is stored."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = hashlib.scrypt(normalise_code(code).encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


#: Checked against when no participant matches, so a wrong name costs the same as a wrong code.
_DUMMY_HASH = "scrypt$" + "00" * 16 + "$" + "00" * 32


def rejoin_code_matches(code: str, stored: str | None) -> bool:
    """Whether ``code`` is the one hashed in ``stored``; the same work when ``stored`` is None."""
    try:
        _kind, salt_hex, digest_hex = (stored or _DUMMY_HASH).split("$")
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    candidate = hash_rejoin_code(code, salt=salt).split("$")[2]
    return stored is not None and hmac.compare_digest(candidate, digest_hex)


def check_token(token: str) -> str:
    """The client token, or :class:`FeedbackError` if it cannot be one."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        raise FeedbackError(BAD_TOKEN)
    return token


# --------------------------------------------------------------------------- text


def clean_spaces(text: str) -> str:
    """Runs of white space as one space, trimmed."""
    return _SPACES.sub(" ", str(text)).strip()


def clean_pseudonym(pseudonym: str) -> tuple[str, str]:
    """The pseudonym as shown and its case-folded key, or :class:`FeedbackError`."""
    text = clean_spaces(unicodedata.normalize("NFKC", str(pseudonym)))
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


def clean_statement(text: str) -> str:
    """A statement as stored: control and direction characters dropped, spaces tidied."""
    cleaned = "".join(
        " " if ch.isspace() else ch
        for ch in str(text)
        if ch.isspace() or not (unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI)
    )
    return _within(clean_spaces(cleaned), MAX_STATEMENT, empty=EMPTY_STATEMENT, long=LONG_STATEMENT)


def clean_title(title: str) -> str:
    """A workshop title as stored, or :class:`FeedbackError`."""
    return _within(clean_spaces(title), MAX_TITLE, empty=EMPTY_TITLE, long=LONG_TITLE)


def _within(text: str, limit: int, *, empty: str, long: str) -> str:
    """``text`` if it is neither empty nor longer than ``limit``, else :class:`FeedbackError`."""
    if not text:
        raise FeedbackError(empty)
    if len(text) > limit:
        raise FeedbackError(long)
    return text


def check_key(value: str) -> str:
    """A page or question id, or :class:`FeedbackError`."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_KEY:
        raise FeedbackError(BAD_KEY)
    return value


def check_text_lengths(value: Any) -> None:
    """:class:`FeedbackError` (:data:`LONG_TEXT`) if any text inside ``value`` is too long."""
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


def _json_default(value: Any) -> Any:
    # numpy and pandas scalars (np.int64, np.bool_, Timestamp) reach us from widgets and frames.
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)


def encode(value: Any) -> str:
    """``value`` as compact JSON for the store, or :class:`FeedbackError` (:data:`NOT_STORABLE`)."""
    try:
        return json.dumps(
            value, default=_json_default, allow_nan=False, ensure_ascii=False, separators=(",", ":")
        )
    except (TypeError, ValueError, RecursionError) as error:
        raise FeedbackError(NOT_STORABLE) from error


def finite_number(value: Any) -> float | None:
    """A finite number as a float (a line, a count per 1,000), else ``None`` (yes/no is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def clean_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of :data:`SETTING_KEYS` only: the line as a finite number, the others as short
    texts; anything else is dropped."""
    cleaned: dict[str, Any] = {}
    for key in SETTING_KEYS:
        value = settings.get(key)
        if key == "threshold":
            value = finite_number(value)
        elif not isinstance(value, str) or len(value) > MAX_KEY:
            value = None
        if value is not None:
            cleaned[key] = value
    return cleaned
