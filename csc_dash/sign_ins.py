"""Staff sign-ins: the limiter on failed sign-ins, sign-outs, and the strict cookie check.

Failed sign-ins are limited per user name (:func:`begin_sign_in`, :func:`finish_sign_in`): each
attempt is recorded before its password is checked; after :data:`MAX_FAILED_SIGN_INS` failures
each further failure doubles the wait before the next attempt (:func:`backoff`, 30 seconds up to
15 minutes), and ``python -m csc_dash users unlock NAME`` clears it (:func:`unlock`). The
attempts are kept in the workshop store (table ``sign_in_failures``), so the limit holds across
browser sessions and app replicas; streamlit-authenticator's own counter starts again with
every run. A sign-out is recorded per user name, and :func:`verify_token` refuses a cookie made
before it. The accounts themselves are :mod:`csc_dash.auth`'s; this module never imports
Streamlit.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import weakref
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

import bcrypt
from sqlalchemy import Column, MetaData, String, Table, delete, insert, select, text
from sqlalchemy import exc as sa_exc

from csc_dash.auth import COOKIE_EXPIRY_DAYS, MAX_PASSWORD_BYTES
from csc_dash.workshop import store
from csc_dash.workshop.store import UTCDateTime, sign_in_failures

__all__ = [
    "BACKOFF_MAX",
    "BACKOFF_START",
    "FAILURE_MEMORY",
    "MAX_FAILED_SIGN_INS",
    "MAX_USERNAME_KEY",
    "MSG_TOO_MANY_SIGN_INS",
    "backoff",
    "begin_sign_in",
    "finish_sign_in",
    "last_sign_out",
    "next_attempt_at",
    "pause_message",
    "record_sign_out",
    "sign_in_key",
    "spend_a_password_check",
    "unlock",
    "verify_token",
    "wait_words",
]

#: Failed sign-ins: this many attempts are free; after that each failure doubles the wait.
MAX_FAILED_SIGN_INS = 5
BACKOFF_START = timedelta(seconds=30)
BACKOFF_MAX = timedelta(minutes=15)
#: Failures older than this are forgotten (and pruned from the store).
FAILURE_MEMORY = timedelta(hours=24)
MAX_USERNAME_KEY = 100  # the width of sign_in_failures.username
MAX_TOKEN_CHARS = 4096
MSG_TOO_MANY_SIGN_INS = (
    "Too many wrong passwords for this user name. Sign-in for it is paused for {wait}. "
    "Please wait, then try again."
)


# -- failed sign-ins ----------------------------------------------------------------------------
#
# Every attempt is recorded *before* its password is checked, in the same transaction that reads
# the user name's earlier failures (a per-user-name lock on PostgreSQL, the write lock on SQLite):
# two sessions can never both pass the check on the same count. The row counts as a failure
# until the password proves right (:func:`finish_sign_in` then clears the user name's rows).
# If the store cannot be reached, no one signs in (fail closed).


def sign_in_key(username: str) -> str:
    """The user name as the limiter counts it: the form the authenticator checks, bounded."""
    return str(username).strip().lower()[:MAX_USERNAME_KEY]


def backoff(failures: int) -> timedelta:
    """How long after the last of ``failures`` failed sign-ins the next attempt must wait.

    The first :data:`MAX_FAILED_SIGN_INS` attempts are free; each failure after that doubles the
    wait, from :data:`BACKOFF_START` up to :data:`BACKOFF_MAX`. There is no hard lock: a person
    who waits can always try again, and ``python -m csc_dash users unlock NAME`` clears it.
    """
    if failures < MAX_FAILED_SIGN_INS:
        return timedelta(0)
    steps = min(failures - MAX_FAILED_SIGN_INS, 20)
    return min(BACKOFF_START * (2**steps), BACKOFF_MAX)


def next_attempt_at(failures: Iterable[datetime]) -> datetime | None:
    """When the next attempt may be made after these failures (``None``: at once). Pure."""
    times = list(failures)
    wait = backoff(len(times))
    if not times or not wait:
        return None
    return max(times) + wait


def wait_words(wait: timedelta) -> str:
    """A wait in plain words, rounded up: "30 seconds", "1 minute", "15 minutes"."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def pause_message(until: datetime, now: datetime) -> str:
    """:data:`MSG_TOO_MANY_SIGN_INS` with the wait from ``now`` to ``until`` in words."""
    return MSG_TOO_MANY_SIGN_INS.format(wait=wait_words(until - now))


def _lock_user_name(conn, key: str) -> None:
    """Serialise attempts on one user name for the rest of this transaction."""
    if conn.dialect.name == "postgresql":
        number = int.from_bytes(
            hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True
        )
        conn.execute(text("SELECT pg_advisory_xact_lock(:n)"), {"n": number})
    # SQLite: the write transaction began with BEGIN IMMEDIATE, which already excludes writers.


def _failures(conn, key: str, now: datetime) -> list[datetime]:

    return list(
        conn.execute(
            select(sign_in_failures.c.failed_at).where(
                sign_in_failures.c.username == key,
                sign_in_failures.c.failed_at > now - FAILURE_MEMORY,
            )
        ).scalars()
    )


def _store_errors():

    return (sa_exc.DBAPIError, sa_exc.TimeoutError)


def begin_sign_in(engine, username: str, *, now: datetime | None = None) -> str | None:
    """Record an attempt for ``username`` before its password is checked, or refuse it.

    Returns a pause message (the password must not be checked) or ``None`` (check it, then call
    :func:`finish_sign_in`). Refused attempts are not recorded, so they never lengthen the wait.
    Raises :class:`csc_dash.workshop.StoreUnavailable` if the store cannot be reached or is busy:
    the caller must then refuse the sign-in.
    """

    now = now or store.utcnow()
    key = sign_in_key(username)
    try:
        with store.transaction(engine, write=True) as conn:
            _lock_user_name(conn, key)
            failures = _failures(conn, key, now)
            until = next_attempt_at(failures)
            if until is not None and until > now:
                return pause_message(until, now)
            conn.execute(
                delete(sign_in_failures).where(sign_in_failures.c.failed_at <= now - FAILURE_MEMORY)
            )
            conn.execute(insert(sign_in_failures).values(username=key, failed_at=now))
    except _store_errors() as error:
        raise store.StoreUnavailable(store.STORE_UNREACHABLE) from error
    return None


def finish_sign_in(engine, username: str, *, ok: bool, now: datetime | None = None) -> str | None:
    """After the password check: a success clears the user name's failures.

    A failure is already recorded (by :func:`begin_sign_in`); returns the pause message if the
    next attempt must now wait, else ``None``. Raises ``StoreUnavailable`` like
    :func:`begin_sign_in`.
    """

    now = now or store.utcnow()
    key = sign_in_key(username)
    try:
        with store.transaction(engine, write=True) as conn:
            if ok:
                conn.execute(delete(sign_in_failures).where(sign_in_failures.c.username == key))
                return None
            failures = _failures(conn, key, now)
    except _store_errors() as error:
        raise store.StoreUnavailable(store.STORE_UNREACHABLE) from error
    until = next_attempt_at(failures)
    return pause_message(until, now) if until is not None and until > now else None


def unlock(engine, username: str) -> int:
    """Forget every failed sign-in of ``username`` (the operator's ``users unlock``).

    Returns how many were forgotten. Raises ``StoreUnavailable`` if the store cannot be reached.
    """

    try:
        with store.transaction(engine, write=True) as conn:
            result = conn.execute(
                delete(sign_in_failures).where(sign_in_failures.c.username == sign_in_key(username))
            )
    except _store_errors() as error:
        raise store.StoreUnavailable(store.STORE_UNREACHABLE) from error
    return int(result.rowcount or 0)


# -- equal work for unknown user names -----------------------------------------------------------

_DUMMY_HASH: bytes | None = None


def spend_a_password_check(password: str) -> bool:
    """Check ``password`` against a throw-away hash of the same cost as real ones; always False.

    Called for a user name that has no account, so a wrong name takes as long as a wrong
    password and the timing does not tell which names exist.
    """
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = bcrypt.hashpw(secrets.token_bytes(16), bcrypt.gensalt())
    with contextlib.suppress(ValueError, TypeError):
        bcrypt.checkpw(str(password or "").encode("utf-8")[:MAX_PASSWORD_BYTES], _DUMMY_HASH)
    return False


# -- the sign-in cookie -----------------------------------------------------------------------------
#
# streamlit-authenticator keeps a signed JWT ({"username", "exp_date"}) in a cookie and trusts it
# on every run. Its own check lets some bad tokens raise (alg "none" or HS512, a removed user, a
# missing exp_date). :func:`verify_token` is the strict check the app uses instead. A sign-out
# records the time per user name (table ``staff_sign_outs``), and a token made before the last
# sign-out of its user name is refused: signing out on one computer ends every earlier sign-in of
# that user name, wherever its cookie was copied to.

_sign_outs_metadata = MetaData()
staff_sign_outs = Table(
    "staff_sign_outs",
    _sign_outs_metadata,
    Column("username", String(100), primary_key=True),
    Column("signed_out_at", UTCDateTime(), nullable=False),
)
_READY_ENGINES: weakref.WeakSet = weakref.WeakSet()


def _ensure_sign_outs(engine) -> None:
    """Create ``staff_sign_outs`` if missing (a table of its own: no workshop data, no migration)."""
    if engine in _READY_ENGINES:
        return

    with store.transaction(engine, write=True) as conn:
        staff_sign_outs.create(conn, checkfirst=True)
    _READY_ENGINES.add(engine)


def record_sign_out(engine, username: str, *, now: datetime | None = None) -> None:
    """Revoke every sign-in token of ``username`` made up to ``now``.

    Raises :class:`csc_dash.workshop.StoreUnavailable` if the store cannot be reached.
    """

    now = now or store.utcnow()
    key = sign_in_key(username)
    try:
        _ensure_sign_outs(engine)
        with store.transaction(engine, write=True) as conn:
            conn.execute(delete(staff_sign_outs).where(staff_sign_outs.c.username == key))
            conn.execute(insert(staff_sign_outs).values(username=key, signed_out_at=now))
    except _store_errors() as error:
        raise store.StoreUnavailable(store.STORE_UNREACHABLE) from error


def last_sign_out(engine, username: str) -> datetime | None:
    """When ``username`` last signed out, or ``None``. Raises ``StoreUnavailable``."""

    try:
        _ensure_sign_outs(engine)
        with store.transaction(engine) as conn:
            return conn.execute(
                select(staff_sign_outs.c.signed_out_at).where(
                    staff_sign_outs.c.username == sign_in_key(username)
                )
            ).scalar()
    except _store_errors() as error:
        raise store.StoreUnavailable(store.STORE_UNREACHABLE) from error


def verify_token(
    token: object,
    key: str,
    usernames: Iterable[str],
    *,
    now: datetime,
    signed_out_at: Callable[[str], datetime | None] = lambda _name: None,
) -> dict[str, Any] | None:
    """The claims of a sign-in cookie if it is sound, else ``None``; never raises.

    Sound: a text JWT signed with ``key`` by HS256 (no other algorithm), whose ``username`` is
    an account in ``usernames``, whose ``exp_date`` (seconds since 1970) is after ``now``, and
    that was made after its user name last signed out (``signed_out_at``). The token's making
    time is ``exp_date`` less :data:`COOKIE_EXPIRY_DAYS`, as the authenticator sets it.
    """
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        return None
    try:
        import jwt

        claims = jwt.decode(token, key, algorithms=["HS256"])
    except Exception:  # noqa: BLE001 - any fault in a cookie means "not signed in"
        return None
    if not isinstance(claims, dict):
        return None
    name, expires = claims.get("username"), claims.get("exp_date")
    if not isinstance(name, str) or name not in set(usernames):
        return None
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        return None
    if not expires > now.timestamp():
        return None
    made = expires - COOKIE_EXPIRY_DAYS * 86_400
    out = signed_out_at(name)
    if out is not None and made <= out.timestamp():
        return None
    return {"username": name, "exp_date": float(expires)}
