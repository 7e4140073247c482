"""``python -m csc_dash users ...``: driven as a real process, with ``--password-stdin``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from csc_dash import __main__ as cli
from csc_dash import auth, sign_ins
from csc_dash.workshop import store
from tests.conftest import ROOT
from tests.workshop_helpers import fast_bcrypt  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

PASSWORD = "a password nobody guesses"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "csc_dash", *args],
        input=stdin,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_add_list_remove_round_trip():
    added = run("users", "add", "Fay", "--role", "facilitator", "--email", "fay@example.org",
                "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == cli.EXIT_OK, added.stderr
    assert added.stdout.startswith(f"Added fay (facilitator) to {auth.users_file()}.")
    assert auth.COOKIE_KEY_MISSING in added.stdout  # the operator learns what else is needed

    listed = run("users", "list")
    assert listed.returncode == cli.EXIT_OK
    assert listed.stdout == "fay\tfacilitator\tFay <fay@example.org>\n"

    removed = run("users", "remove", "fay")
    assert (removed.returncode, removed.stdout) == (cli.EXIT_OK, f"Removed fay from {auth.users_file()}.\n")
    assert run("users", "list").stdout == cli.MSG_NO_USERS + "\n"
    for output in (added, listed, removed):
        assert PASSWORD not in output.stdout + output.stderr
    assert PASSWORD not in auth.users_file().read_text()


@pytest.mark.parametrize(
    ("args", "stdin", "code", "message"),
    [
        (("users", "add", "fay", "--role", "facilitator", "--password-stdin"), "short\n", cli.EXIT_REFUSED, auth.ERR_PASSWORD_SHORT),
        (("users", "add", "fay", "--role", "facilitator", "--password-stdin"), "", cli.EXIT_REFUSED, cli.MSG_NO_PASSWORD),
        (("users", "add", "no way", "--role", "facilitator", "--password-stdin"), PASSWORD + "\n", cli.EXIT_REFUSED, auth.ERR_USERNAME),
        (("users", "add", "fay", "--role", "facilitator", "--email", "nope", "--password-stdin"), PASSWORD + "\n", cli.EXIT_REFUSED, auth.ERR_EMAIL.format(email="nope")),
        (("users", "remove", "zed"), "", cli.EXIT_REFUSED, auth.ERR_NO_USER.format(username="zed")),
    ],
)
def test_refusals_are_plain_and_change_nothing(args, stdin, code, message):
    result = run(*args, stdin=stdin)
    assert result.returncode == code
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr
    assert not auth.users_file().exists()


@pytest.mark.parametrize(
    "args",
    [(), ("users",), ("users", "add", "fay"), ("users", "add", "fay", "--role", "king"), ("groups", "list")],
)
def test_wrong_usage_exits_2_with_usage_text(args):
    result = run(*args)
    assert result.returncode == cli.EXIT_USAGE
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def test_adding_the_same_name_twice_is_refused():
    assert run("users", "add", "fay", "--role", "admin", "--password-stdin", stdin=PASSWORD).returncode == 0
    again = run("users", "add", "FAY", "--role", "analyst", "--password-stdin", stdin=PASSWORD)
    assert again.returncode == cli.EXIT_REFUSED
    assert again.stderr.strip() == auth.ERR_EXISTS.format(username="fay")
    assert [u.roles for u in auth.list_users()] == [("admin",)]


def test_interactive_password_is_asked_twice_without_echo(monkeypatch, capsys):
    """Without --password-stdin the password is read with getpass (never echoed), twice."""
    prompts = []

    def fake_getpass(prompt):
        prompts.append(prompt)
        return PASSWORD

    monkeypatch.setattr(cli.getpass, "getpass", fake_getpass)
    monkeypatch.setattr("builtins.input", lambda *_: pytest.fail("input() would echo the password"))
    assert cli.main(["users", "add", "fay", "--role", "facilitator"]) == cli.EXIT_OK
    assert prompts == ["Password: ", "Type the password again: "]
    assert auth.check_password(PASSWORD, auth.load_users()["fay"]["password"])
    assert PASSWORD not in capsys.readouterr().out


def test_interactive_passwords_that_differ_change_nothing(monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "?"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt: next(answers))
    assert cli.main(["users", "add", "fay", "--role", "facilitator"]) == cli.EXIT_REFUSED
    assert capsys.readouterr().err.strip() == cli.MSG_MISMATCH
    assert not auth.users_file().exists()


def test_ctrl_c_cancels_plainly(monkeypatch, capsys):
    def interrupted(prompt):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.getpass, "getpass", interrupted)
    assert cli.main(["users", "add", "fay", "--role", "facilitator"]) == cli.EXIT_REFUSED
    assert cli.MSG_CANCELLED in capsys.readouterr().err


def test_unlock_forgets_failed_sign_ins():
    """Issue 13.5: a facilitator kept locked out had no unlock command."""
    from datetime import timedelta

    engine = store.make_engine()
    try:
        now = store.utcnow()
        for i in range(7):
            sign_ins.begin_sign_in(engine, "fay", now=now - timedelta(hours=1) + timedelta(minutes=5 * i))
        assert sign_ins.begin_sign_in(engine, "fay", now=now - timedelta(minutes=30)) is not None  # paused
        done = run("users", "unlock", "Fay")
        assert (done.returncode, done.stdout) == (
            cli.EXIT_OK, cli.MSG_UNLOCKED.format(name="fay", count=7) + "\n"
        )
        assert cli.MSG_UNLOCKED == "Sign-in for {name} is open again ({count} failed attempts forgotten)."
        assert sign_ins.begin_sign_in(engine, "fay", now=now - timedelta(minutes=30)) is None  # open at once
    finally:
        engine.dispose()


def test_unlock_with_the_store_down_says_so(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    done = run("users", "unlock", "fay")
    assert done.returncode == cli.EXIT_REFUSED
    assert done.stderr.endswith("\n" + store.STORE_UNREACHABLE + "\n")  # after the store's log line
    assert "Traceback" not in done.stderr
