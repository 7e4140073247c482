"""Staff accounts: hashing, the users file outside git, the cookie key, demo mode, and no
Streamlit at import."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from csc_dash import auth, config
from tests.conftest import ROOT
from tests.pg import row_counts
from tests.workshop_helpers import GOOD_KEY, fast_bcrypt  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

PASSWORD = "a long enough password"


# -- passwords ------------------------------------------------------------------------------------


def test_hash_is_bcrypt_and_checks():
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$2b$") and PASSWORD not in hashed
    assert auth.check_password(PASSWORD, hashed)
    assert not auth.check_password(PASSWORD + "!", hashed)


def test_streamlit_authenticator_accepts_our_hashes():
    """The peer: the library that checks passwords at sign-in agrees with our hashes."""
    from streamlit_authenticator import Hasher

    hashed = auth.hash_password(PASSWORD)
    assert Hasher.is_hash(hashed)
    assert Hasher.check_pw(PASSWORD, hashed)
    assert not Hasher.check_pw("another password", hashed)


@pytest.mark.parametrize("hashed", ["", "not a hash", "$2b$04$short", None])
def test_malformed_hashes_never_match(hashed):
    assert auth.check_password(PASSWORD, hashed) is False


@pytest.mark.parametrize(
    ("password", "message"),
    [("short", auth.ERR_PASSWORD_SHORT), ("x" * 11, auth.ERR_PASSWORD_SHORT), ("é" * 40, auth.ERR_PASSWORD_LONG)],
)
def test_weak_or_overlong_passwords_are_refused(password, message):
    with pytest.raises(auth.AccountError) as err:
        auth.hash_password(password)
    assert str(err.value) == message


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=auth.MIN_PASSWORD_LENGTH, max_size=24))
def test_any_password_round_trips(password):
    if "\x00" in password:
        return  # bcrypt refuses NUL bytes; no keyboard types one
    hashed = auth.hash_password(password)
    assert auth.check_password(password, hashed)
    assert not auth.check_password(password + "x", hashed)


# -- the users file -------------------------------------------------------------------------------


def test_users_file_defaults_to_the_data_folder(monkeypatch, tmp_path):
    assert auth.users_file() == config.data_dir() / "users.yaml"
    monkeypatch.setenv(auth.USERS_FILE_ENV, str(tmp_path / "elsewhere" / "staff.yaml"))
    assert auth.users_file() == tmp_path / "elsewhere" / "staff.yaml"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_default_users_file_and_secrets_are_ignored_by_git():
    for path in (ROOT / "var" / "users.yaml", ROOT / ".streamlit" / "secrets.toml"):
        result = subprocess.run(
            ["git", "check-ignore", "-q", str(path)], cwd=ROOT, capture_output=True, check=False
        )
        assert result.returncode == 0, f"{path} would be committed"


def test_no_accounts_or_keys_ship_with_the_code():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    assert not [f for f in tracked if f.endswith(("users.yaml", "secrets.toml"))]
    assert not (ROOT / "var" / "users.yaml").exists() or "var/users.yaml" not in tracked


def test_add_writes_the_authenticator_layout_with_a_hash_only():
    user = auth.add_user("Fay", PASSWORD, role="facilitator", email="fay@example.org")
    assert user == auth.UserInfo("fay", "Fay", "fay@example.org", ("facilitator",))
    path = auth.users_file()
    text = path.read_text()
    assert PASSWORD not in text
    data = yaml.safe_load(text)
    entry = data["credentials"]["usernames"]["fay"]
    assert entry["roles"] == ["facilitator"] and auth.check_password(PASSWORD, entry["password"])
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_list_and_remove():
    auth.add_user("bea", PASSWORD, role="admin")
    auth.add_user("al", PASSWORD, role="analyst")
    assert [(u.username, u.roles) for u in auth.list_users()] == [("al", ("analyst",)), ("bea", ("admin",))]
    auth.remove_user("AL")
    assert [u.username for u in auth.list_users()] == ["bea"]
    with pytest.raises(auth.AccountError) as err:
        auth.remove_user("al")
    assert str(err.value) == auth.ERR_NO_USER.format(username="al")


@pytest.mark.parametrize(
    ("username", "role", "email", "message"),
    [
        ("a", "facilitator", None, auth.ERR_USERNAME),
        ("has space", "facilitator", None, auth.ERR_USERNAME),
        ("<script>", "facilitator", None, auth.ERR_USERNAME),
        ("x" * 41, "facilitator", None, auth.ERR_USERNAME),
        ("fay", "king", None, auth.ERR_ROLE.format(role="king")),
        ("fay", "facilitator", "not-an-email", auth.ERR_EMAIL.format(email="not-an-email")),
    ],
)
def test_bad_accounts_are_refused_with_plain_messages(username, role, email, message):
    with pytest.raises(auth.AccountError) as err:
        auth.add_user(username, PASSWORD, role=role, email=email)
    assert str(err.value) == message
    assert not auth.users_file().exists()


def test_a_name_cannot_be_added_twice():
    auth.add_user("fay", PASSWORD, role="facilitator")
    with pytest.raises(auth.AccountError) as err:
        auth.add_user("FAY", PASSWORD, role="admin")
    assert str(err.value) == auth.ERR_EXISTS.format(username="fay")


def test_credentials_are_a_fresh_copy():
    auth.add_user("fay", PASSWORD, role="facilitator")
    first = auth.credentials()
    first["usernames"]["fay"]["failed_login_attempts"] = 3
    assert "failed_login_attempts" not in auth.credentials()["usernames"]["fay"]


# -- cookie key and demo mode ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        (None, auth.COOKIE_KEY_MISSING),
        ("", auth.COOKIE_KEY_MISSING),
        ("too-short-for-a-key", auth.COOKIE_KEY_SHORT),
        ("some_key", auth.COOKIE_KEY_SHORT),
        ("change-me-to-a-long-random-secret-value-please", auth.COOKIE_KEY_EXAMPLE),
        ("your-cookie-key-goes-here-0123456789abcdef", auth.COOKIE_KEY_EXAMPLE),
        ("x" * 64, auth.COOKIE_KEY_EXAMPLE),
        ("abababababababababababababababababab", auth.COOKIE_KEY_EXAMPLE),
        pytest.param(GOOD_KEY, None, id="random-good-key"),
    ],
)
def test_cookie_key_problems(key, problem):
    assert auth.cookie_key_problem(key) == problem


def test_cookie_key_from_environment_then_secrets_file(monkeypatch, tmp_path):
    secrets_file = tmp_path / "secrets.toml"
    assert auth.cookie_key(secrets_path=secrets_file) is None
    secrets_file.write_text(f'cookie_key = "{GOOD_KEY}"\n')
    assert auth.cookie_key(secrets_path=secrets_file) == GOOD_KEY
    monkeypatch.setenv(auth.COOKIE_KEY_ENV, "from-env-" + GOOD_KEY)
    assert auth.cookie_key(secrets_path=secrets_file) == "from-env-" + GOOD_KEY
    secrets_file.write_text("cookie_key = [broken")
    monkeypatch.delenv(auth.COOKIE_KEY_ENV)
    assert auth.cookie_key(secrets_path=secrets_file) is None


def test_demo_mode_without_accounts(tmp_path):
    setup = auth.login_setup(secrets_path=tmp_path / "none.toml")
    assert setup == auth.LoginSetup(demo_mode=True, offered=False)
    assert not auth.accounts_configured()


@pytest.mark.parametrize(
    ("key", "offered", "problem"),
    [
        (None, False, auth.COOKIE_KEY_MISSING),
        ("example-example-example-example-example", False, auth.COOKIE_KEY_EXAMPLE),
        pytest.param(GOOD_KEY, True, None, id="random-good-key"),
    ],
)
def test_login_is_offered_only_with_accounts_and_a_good_key(
    monkeypatch, tmp_path, key, offered, problem
):
    auth.add_user("fay", PASSWORD, role="facilitator")
    if key:
        monkeypatch.setenv(auth.COOKIE_KEY_ENV, key)
    setup = auth.login_setup(secrets_path=tmp_path / "none.toml")
    assert setup == auth.LoginSetup(demo_mode=False, offered=offered, problem=problem)


def test_a_broken_users_file_is_not_demo_mode(monkeypatch, tmp_path):
    auth.users_file().write_text("credentials: [this is: not, valid")
    monkeypatch.setenv(auth.COOKIE_KEY_ENV, GOOD_KEY)
    assert auth.accounts_configured()
    setup = auth.login_setup(secrets_path=tmp_path / "none.toml")
    assert not setup.demo_mode and not setup.offered
    assert setup.problem == auth.ERR_BAD_FILE.format(path=auth.users_file(), reason="ParserError")


def test_importing_auth_and_the_cli_does_not_load_streamlit():
    code = "import sys, csc_dash.auth, csc_dash.__main__; print('streamlit' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- failed sign-ins -------------------------------------------------------------------------------

T0 = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)


def minutes(*offsets: float) -> list[datetime]:
    return [T0 + timedelta(minutes=m) for m in offsets]


@pytest.mark.parametrize(
    ("failures", "now", "until"),
    [
        ([], 0, None),
        ([0, 1, 2, 3], 4, None),  # four is not five
        ([0, 1, 2, 3, 4], 4, 19),  # the fifth locks for 15 minutes from itself
        ([0, 1, 2, 3, 4], 18.9, 19),
        ([0, 1, 2, 3, 4], 19, None),  # and then it is over
        ([0, 4, 8, 12, 15], 16, 30),  # five within exactly 15 minutes
        ([0, 4, 8, 12, 15.1], 16, None),  # spread over more than 15 minutes
        ([0, 4, 8, 12, 15.1, 16], 16, 31),  # ...until a sixth makes a run of five again
        ([4, 0, 3, 1, 2], 5, 19),  # any order
        ([0, 1, 2, 3, 4, 30, 31, 32, 33, 34], 40, 49),  # the later run counts
        ([0, 1, 2, 3, 4.5], 4, 19.5),  # a failure stamped ahead of now (another replica's clock)
    ],
)
def test_lockout_until(failures, now, until):
    expected = None if until is None else T0 + timedelta(minutes=until)
    assert auth.lockout_until(minutes(*failures), T0 + timedelta(minutes=now)) == expected


@settings(max_examples=150, deadline=None)
@given(
    offsets=st.lists(st.floats(min_value=0, max_value=120, allow_nan=False), max_size=20),
    now=st.floats(min_value=0, max_value=150, allow_nan=False),
)
def test_lockout_invariants(offsets, now):
    failures, at = minutes(*offsets), T0 + timedelta(minutes=now)
    until = auth.lockout_until(failures, at)
    recent = [t for t in failures if at - auth.LOCKOUT - auth.FAILURE_WINDOW < t]
    if len(recent) < auth.MAX_FAILED_SIGN_INS:
        assert until is None  # never locked by fewer than five recent failures
    if until is not None:
        assert at < until <= max(failures) + auth.LOCKOUT
    # Another failure never unlocks.
    more = auth.lockout_until([*failures, at], at)
    assert until is None or (more is not None and more >= until)


def test_sign_in_key_matches_the_authenticator():
    assert auth.sign_in_key("  Fay ") == "fay"
    assert len(auth.sign_in_key("x" * 10_000)) == auth.MAX_USERNAME_KEY


def test_too_many_failures_lock_the_user_name_in_the_store(engine):
    when = [T0 + timedelta(minutes=i) for i in range(7)]
    for i in range(auth.MAX_FAILED_SIGN_INS - 1):
        assert auth.sign_in_refusal(engine, "fay", now=when[i]) is None
        assert auth.record_sign_in(engine, "fay", ok=False, now=when[i]) is None
    locked = auth.record_sign_in(engine, " FAY ", ok=False, now=when[4])  # the fifth
    assert locked == auth.MSG_TOO_MANY_SIGN_INS
    assert auth.sign_in_refusal(engine, "fay", now=when[5]) == auth.MSG_TOO_MANY_SIGN_INS
    assert auth.sign_in_refusal(engine, "gus", now=when[5]) is None  # per user name
    assert auth.sign_in_refusal(engine, "Fay", now=when[6]) == auth.MSG_TOO_MANY_SIGN_INS
    end = when[4] + auth.LOCKOUT
    assert auth.sign_in_refusal(engine, "fay", now=end - timedelta(seconds=1)) is not None
    assert auth.sign_in_refusal(engine, "fay", now=end) is None


def test_a_success_clears_the_count_and_old_failures_are_pruned(engine):
    for i in range(4):
        auth.record_sign_in(engine, "fay", ok=False, now=T0 + timedelta(minutes=i))
    auth.record_sign_in(engine, "gus", ok=False, now=T0)
    assert auth.record_sign_in(engine, "fay", ok=True, now=T0 + timedelta(minutes=5)) is None
    assert row_counts(engine)["sign_in_failures"] == 1  # gus's stays
    # One more failure for fay is her first again, not her fifth.
    assert auth.record_sign_in(engine, "fay", ok=False, now=T0 + timedelta(minutes=6)) is None
    # Much later, a new failure prunes everything too old to matter.
    late = T0 + auth.FAILURE_WINDOW + auth.LOCKOUT + timedelta(minutes=7)
    auth.record_sign_in(engine, "ann", ok=False, now=late)
    assert row_counts(engine)["sign_in_failures"] == 1


def test_limiter_on_a_second_engine_of_the_same_store(store_url):
    from csc_dash import store

    first, second = store.make_engine(store_url), store.make_engine(store_url)
    try:
        for i in range(auth.MAX_FAILED_SIGN_INS):
            auth.record_sign_in(first, "fay", ok=False, now=T0 + timedelta(seconds=i))
        assert auth.sign_in_refusal(second, "fay", now=T0 + timedelta(minutes=1)) == (
            auth.MSG_TOO_MANY_SIGN_INS
        )
    finally:
        first.dispose()
        second.dispose()


def test_an_unreachable_store_raises_store_unavailable():
    from csc_dash import store

    engine = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/none",
                           connect_args={"connect_timeout": 2})
    with pytest.raises(store.StoreUnavailable):
        auth.sign_in_refusal(engine, "fay")
    with pytest.raises(store.StoreUnavailable):
        auth.record_sign_in(engine, "fay", ok=False)


def test_the_pause_message_is_plain():
    import textstat

    assert textstat.flesch_kincaid_grade(auth.MSG_TOO_MANY_SIGN_INS) <= 8
    assert "15 minutes" in auth.MSG_TOO_MANY_SIGN_INS
    assert auth.LOCKOUT == timedelta(minutes=15) == auth.FAILURE_WINDOW
