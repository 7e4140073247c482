"""Staff accounts: the people who may sign in as facilitator, analyst or admin.

Participants never have accounts; they join a workshop with a code. Staff accounts live in a YAML
file outside git (``CSC_DASH_USERS_FILE``, default ``<data dir>/users.yaml``) with bcrypt-hashed
passwords, in the layout streamlit-authenticator reads::

    credentials:
      usernames:
        alice:
          name: Alice
          email: alice@example.org
          password: $2b$12$...
          roles: [facilitator]

No account ships with the code. With no accounts the app runs in *local demo mode*. Signing in
needs a cookie key (``CSC_DASH_COOKIE_KEY`` or ``cookie_key`` in ``.streamlit/secrets.toml``) of
at least 32 characters that is not an example value.

This module holds the accounts, hashes and cookie-key rules, and never imports Streamlit or
the store; failed sign-ins, sign-outs and the strict cookie check are in
:mod:`csc_dash.sign_ins`. The streamlit-authenticator object itself is made in
:mod:`csc_dash.ui.accounts` (:func:`csc_dash.ui.accounts.make_authenticator`) from
:func:`credentials` and :func:`cookie_key`.
"""

from __future__ import annotations

import copy
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import bcrypt
import yaml

from csc_dash import config

__all__ = [
    "COOKIE_KEY_ENV",
    "MIN_COOKIE_KEY_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "password_problem",
    "ROLES",
    "USERS_FILE_ENV",
    "AccountError",
    "LoginSetup",
    "UserInfo",
    "accounts_configured",
    "add_user",
    "check_password",
    "cookie_key",
    "cookie_key_problem",
    "credentials",
    "hash_password",
    "list_users",
    "load_users",
    "login_setup",
    "remove_user",
    "users_file",
]

Role = Literal["facilitator", "analyst", "admin"]
ROLES: tuple[str, ...] = ("facilitator", "analyst", "admin")

USERS_FILE_ENV = "CSC_DASH_USERS_FILE"
COOKIE_KEY_ENV = "CSC_DASH_COOKIE_KEY"
SECRETS_FILE = config.ROOT / ".streamlit" / "secrets.toml"
MIN_COOKIE_KEY_LENGTH = 32
MIN_PASSWORD_LENGTH = 12
MIN_DISTINCT_PASSWORD_CHARACTERS = 5
MAX_PASSWORD_BYTES = 72  # bcrypt ignores (newer versions refuse) anything longer
COOKIE_NAME = "csc_dash_staff"
COOKIE_EXPIRY_DAYS = 1.0  # workshop laptops are shared: a sign-in should not last for weeks

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Words found in placeholder keys copied from documentation or tutorials.
EXAMPLE_KEY_MARKERS = (
    "example",
    "change",
    "replace",
    "your",
    "some_key",
    "somekey",
    "secret_key",
    "placeholder",
    "dummy",
)
MIN_DISTINCT_KEY_CHARACTERS = 10

#: Words that make a password easy to guess when only digits or symbols are added to them
#: (compared after 0->o, 1->i, 3->e, 4->a, 5->s, 7->t, @->a, $->s and dropping non-letters).
COMMON_PASSWORD_WORDS = frozenset(
    """password passwords passwort letmein welcome welcomeback admin administrator root
    iloveyou sunshine princess football baseball monkey dragon master shadow superman batman
    trustno changeme secret letmeinnow login qwerty abc abcdef abcdefgh abcdefghijkl
    facilitator analyst workshop cscdash streamlit default guest test tester testing user
    username hello helloworld freedom whatever starwars pokemon computer internet summer
    winter spring autumn january february march april may june july august september
    october november december monday tuesday wednesday thursday friday saturday sunday
    children family families council socialcare""".split()  # noqa: SIM905 - a word list
)
#: Runs of neighbouring keys or letters; a password whose letters sit inside one is refused.
KEY_RUNS = (
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "abcdefghijklmnopqrstuvwxyz",
    "zyxwvutsrqponmlkjihgfedcba",
    "qazwsxedcrfvtgbyhnujmikolp",
)

# Messages, kept here and asserted exactly in the tests.
ERR_USERNAME = (
    "A user name needs 2 to 40 characters. Use small letters, digits, dots, dashes or "
    "underscores, and start with a letter or a digit."
)
ERR_ROLE = "Unknown role {role!r}. Choose one of: facilitator, analyst, admin."
ERR_EMAIL = "That does not look like an email address: {email!r}."
ERR_PASSWORD_SHORT = f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
ERR_PASSWORD_LONG = f"The password must be at most {MAX_PASSWORD_BYTES} bytes long."
ERR_PASSWORD_SPACES = "The password must not start or end with a space. Spaces inside it are fine."  # noqa: S105
ERR_PASSWORD_WEAK = (
    "That password is too easy to guess. Do not use a common word, a name or a run of keys "  # noqa: S105
    "with a few digits. Three or four unrelated words make a good password."
)
ERR_EXISTS = "There is already a user called {username!r}. Remove it first to replace it."
ERR_NO_USER = "There is no user called {username!r}."
ERR_BAD_FILE = "The users file {path} cannot be read: {reason}. Fix or remove it."
COOKIE_KEY_MISSING = (
    "Staff sign-in is switched off: no cookie key is set. Set CSC_DASH_COOKIE_KEY (or cookie_key "
    "in .streamlit/secrets.toml) to a random text of at least 32 characters, for example the "
    'output of: python -c "import secrets; print(secrets.token_urlsafe(32))"'
)
COOKIE_KEY_SHORT = (
    "Staff sign-in is switched off: the cookie key is shorter than 32 characters. Make a longer "
    'one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
)
COOKIE_KEY_EXAMPLE = (
    "Staff sign-in is switched off: the cookie key looks like an example, not a secret. Make a "
    'random one with: python -c "import secrets; print(secrets.token_urlsafe(32))"'
)

#: What an operator types to leave local demo mode (shown on the Welcome page).
SETUP_COMMANDS = (
    "python -m csc_dash users add NAME --role facilitator\n"
    'export CSC_DASH_COOKIE_KEY="$(python -c \'import secrets; print(secrets.token_urlsafe(32))\')"\n'
    "make run"
)


class AccountError(ValueError):
    """A plain message about staff accounts that the operator can act on."""


@dataclass(frozen=True)
class UserInfo:
    """A staff account without its password hash."""

    username: str
    name: str
    email: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class LoginSetup:
    """What the app may offer this run.

    ``demo_mode``: no accounts configured; ``offered``: the login form may be shown;
    ``problem``: a plain message for the operator when accounts exist but sign-in is off.
    """

    demo_mode: bool
    offered: bool
    problem: str | None = None


# -- files -------------------------------------------------------------------------------------


def users_file() -> Path:
    """Where the staff accounts live: ``CSC_DASH_USERS_FILE`` or ``<data dir>/users.yaml``."""
    path = os.environ.get(USERS_FILE_ENV)
    return Path(path).expanduser() if path else config.data_dir() / "users.yaml"


def _path(path: str | os.PathLike | None) -> Path:
    return Path(path) if path is not None else users_file()


#: The last parse of each users file, keyed by its path, with the file's identity when read
#: (device, inode, size, modification time in ns): a script run reads the file many times.
_parsed: dict[Path, tuple[tuple[int, int, int, int], Any]] = {}


def _read_users_file(path: Path) -> Any:
    """The users file parsed, from :data:`_parsed` while the file is unchanged on disk.

    Every save replaces the file (a new inode), and an edit changes its size or time, so a
    changed file is always read again.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    identity = (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    cached = _parsed.get(path)
    if cached is not None and cached[0] == identity:
        return copy.deepcopy(cached[1])
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    _parsed[path] = (identity, data)
    return copy.deepcopy(data)


def load_users(path: str | os.PathLike | None = None) -> dict[str, dict[str, Any]]:
    """Every account as ``username -> {name, email, password, roles}``; empty if no file."""
    path = _path(path)
    try:
        data = _read_users_file(path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AccountError(ERR_BAD_FILE.format(path=path, reason=type(exc).__name__)) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AccountError(ERR_BAD_FILE.format(path=path, reason="not a mapping"))
    users = (data.get("credentials") or {}).get("usernames") or {}
    if not isinstance(users, dict):
        raise AccountError(ERR_BAD_FILE.format(path=path, reason="usernames is not a mapping"))
    return {str(name).lower(): dict(entry or {}) for name, entry in users.items()}


def _save_users(users: dict[str, dict[str, Any]], path: Path) -> None:
    """Write atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"credentials": {"usernames": users}}, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".users-", suffix=".yaml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- passwords ---------------------------------------------------------------------------------


def hash_password(password: str, *, username: str = "") -> str:
    """A bcrypt hash (the format streamlit-authenticator checks) of a password fit for use."""
    _check_password(password, username=username)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    """Whether ``password`` matches the bcrypt ``hashed``; False for anything malformed."""
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except (AttributeError, ValueError, TypeError, UnicodeEncodeError):
        return False


def password_problem(password: str, *, username: str = "") -> str | None:
    """``None`` if ``password`` may be used, else the plain message saying why not.

    Refused: shorter than :data:`MIN_PASSWORD_LENGTH` characters or longer than bcrypt reads;
    spaces at the start or end (a sign-in form or a copy and paste can lose them, leaving a
    password that no longer works); fewer than :data:`MIN_DISTINCT_PASSWORD_CHARACTERS`
    different characters; and passwords made of a common word, a run of keys or the user name
    with only digits and symbols around them (``password1234``, ``qwerty123456``).
    """
    if password != password.strip():
        return ERR_PASSWORD_SPACES
    if len(password) < MIN_PASSWORD_LENGTH:
        return ERR_PASSWORD_SHORT
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        return ERR_PASSWORD_LONG
    if len(set(password.lower())) < MIN_DISTINCT_PASSWORD_CHARACTERS:
        return ERR_PASSWORD_WEAK
    lowered = password.lower()
    plain = re.sub(r"[^a-z]+", "", lowered)
    if not plain:
        return ERR_PASSWORD_WEAK  # digits and symbols only
    # The letters as typed, and with digits inside the word read as letters (p4ssw0rd).
    core = re.sub(r"^[^a-z]+|[^a-z]+$", "", lowered)
    name = re.sub(r"[^a-z]+", "", username.lower())
    for letters in {plain, re.sub(r"[^a-z]+", "", _unleet(core))}:
        if letters in COMMON_PASSWORD_WORDS or _only_name(letters, name):
            return ERR_PASSWORD_WEAK
        if any(letters in run for run in KEY_RUNS) or _repeats(letters):
            return ERR_PASSWORD_WEAK
    return None


def _only_name(letters: str, name: str) -> bool:
    """Whether ``letters`` is the user name, once or said again and again ("fayfayfay")."""
    return (
        bool(name)
        and len(letters) % len(name) == 0
        and letters == name * (len(letters) // len(name))
    )


def _unleet(text: str) -> str:
    return text.translate(str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}))


def _repeats(letters: str) -> bool:
    """Whether ``letters`` is one short piece said again and again ("abcabcabcabc")."""
    return any(
        len(letters) % size == 0 and letters == letters[:size] * (len(letters) // size)
        for size in range(1, min(4, len(letters)) + 1)
        if len(letters) > size
    )


def _check_password(password: str, *, username: str = "") -> None:
    problem = password_problem(password, username=username)
    if problem is not None:
        raise AccountError(problem)


# -- accounts ----------------------------------------------------------------------------------


def add_user(
    username: str,
    password: str,
    *,
    role: str,
    email: str | None = None,
    name: str | None = None,
    path: str | os.PathLike | None = None,
) -> UserInfo:
    """Add a staff account with a hashed password. Raises :class:`AccountError`."""
    typed = username.strip()
    username = typed.lower()
    if not USERNAME_PATTERN.fullmatch(username):
        raise AccountError(ERR_USERNAME)
    if role not in ROLES:
        raise AccountError(ERR_ROLE.format(role=role))
    email = (email or "").strip()
    if email and not EMAIL_PATTERN.fullmatch(email):
        raise AccountError(ERR_EMAIL.format(email=email))
    path = _path(path)
    users = load_users(path)
    if username in users:
        raise AccountError(ERR_EXISTS.format(username=username))
    users[username] = {
        "name": (name or typed).strip() or typed,
        "email": email,
        "password": hash_password(password, username=username),
        "roles": [role],
    }
    _save_users(users, path)
    return _info(username, users[username])


def remove_user(username: str, *, path: str | os.PathLike | None = None) -> None:
    """Remove a staff account. Raises :class:`AccountError` if there is none by that name."""
    username = username.strip().lower()
    path = _path(path)
    users = load_users(path)
    if username not in users:
        raise AccountError(ERR_NO_USER.format(username=username))
    del users[username]
    _save_users(users, path)


def _info(username: str, entry: dict[str, Any]) -> UserInfo:
    roles = entry.get("roles") or []
    if isinstance(roles, str):
        roles = [roles]
    return UserInfo(
        username=username,
        name=str(entry.get("name") or username),
        email=str(entry.get("email") or ""),
        roles=tuple(str(r) for r in roles),
    )


def list_users(*, path: str | os.PathLike | None = None) -> list[UserInfo]:
    """Every account, sorted by user name, without password hashes."""
    users = load_users(path)
    return [_info(name, users[name]) for name in sorted(users)]


def accounts_configured(*, path: str | os.PathLike | None = None) -> bool:
    """Whether at least one staff account exists (otherwise the app runs in local demo mode)."""
    try:
        return bool(load_users(path))
    except AccountError:
        # A broken file is not "no accounts": never fall back to demo mode silently.
        return True


def credentials(*, path: str | os.PathLike | None = None) -> dict[str, Any]:
    """A fresh copy of the accounts in streamlit-authenticator's ``credentials`` layout.

    A copy, because the library writes login attempts into the dict it is given.
    """
    users = copy.deepcopy(load_users(path))
    for entry in users.values():
        roles = entry.get("roles") or []
        entry["roles"] = [roles] if isinstance(roles, str) else list(roles)
        entry.setdefault("email", "")
    return {"usernames": users}


# -- cookie key --------------------------------------------------------------------------------


def cookie_key(*, secrets_path: str | os.PathLike | None = None) -> str | None:
    """The key that signs the sign-in cookie: environment first, then ``secrets.toml``."""
    key = os.environ.get(COOKIE_KEY_ENV)
    if key:
        return key.strip()
    path = Path(secrets_path) if secrets_path is not None else SECRETS_FILE
    try:
        secrets = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    value = secrets.get("cookie_key")
    return value.strip() if isinstance(value, str) and value.strip() else None


def cookie_key_problem(key: str | None) -> str | None:
    """``None`` if ``key`` is fit to sign cookies, else the plain message for the operator."""
    if not key:
        return COOKIE_KEY_MISSING
    if len(key) < MIN_COOKIE_KEY_LENGTH:
        return COOKIE_KEY_SHORT
    lowered = key.lower()
    if any(marker in lowered for marker in EXAMPLE_KEY_MARKERS):
        return COOKIE_KEY_EXAMPLE
    if len(set(key)) < MIN_DISTINCT_KEY_CHARACTERS:
        return COOKIE_KEY_EXAMPLE
    return None


def login_setup(
    *, path: str | os.PathLike | None = None, secrets_path: str | os.PathLike | None = None
) -> LoginSetup:
    """Demo mode, or whether the login form may be offered (and why not)."""
    if not accounts_configured(path=path):
        return LoginSetup(demo_mode=True, offered=False)
    problem = cookie_key_problem(cookie_key(secrets_path=secrets_path))
    if problem is None:
        try:
            load_users(path)
        except AccountError as exc:
            problem = str(exc)
    return LoginSetup(demo_mode=False, offered=problem is None, problem=problem)


