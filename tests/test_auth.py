"""Staff accounts: hashing, the users file outside git, the cookie key, demo mode, and no
Streamlit at import."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_dash import auth, config
from tests.conftest import ROOT
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
