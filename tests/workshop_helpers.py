"""Helpers for the workshop journeys: staff accounts, signing in, joining, reading the store."""

from __future__ import annotations

import secrets

import bcrypt
import pytest

from tests.conftest import APP

PASSWORD = "correct horse battery staple"
GOOD_KEY = "k" + secrets.token_urlsafe(40)


@pytest.fixture
def fast_bcrypt(monkeypatch):
    """bcrypt at its lowest cost, so hashing in tests takes milliseconds, not a quarter second."""
    real = bcrypt.gensalt
    monkeypatch.setattr(bcrypt, "gensalt", lambda rounds=4, prefix=b"2b": real(4, prefix))


def add_staff(monkeypatch, name: str = "fay", role: str = "facilitator") -> str:
    """A staff account (with the module's PASSWORD) and a good cookie key in the environment."""
    from csc_dash import auth

    monkeypatch.setenv(auth.COOKIE_KEY_ENV, GOOD_KEY)
    auth.add_user(name, PASSWORD, role=role)
    return name


def new_app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(APP, default_timeout=60).run()


def sign_in(at, username: str, password: str = PASSWORD):
    """Sign in through the real login form on the Staff sign-in page, then run once more
    (in a browser the cookie component triggers that run)."""
    from csc_dash.ui import accounts

    at.switch_page("app_pages/sign_in.py").run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button(key=f"FormSubmitter:{accounts.LOGIN_FORM_KEY}-{accounts.LOGIN_FIELDS['Login']}").click().run()
    return at.run()


def join(at, pseudonym: str, role: str = "Family member", *, code: str | None = None, agree: bool = True):
    """Join through the Welcome page's form (demo workshop when ``code`` is None)."""
    at.switch_page("app_pages/welcome.py").run()
    if code is not None:
        at.text_input(key="join_code").input(code)
    at.text_input(key="join_pseudonym").input(pseudonym)
    at.selectbox(key="join_role").select(role)
    if agree:
        at.checkbox(key="join_agree").check()
    label = "Join the workshop" if code is not None else "Join the demo workshop"
    return at.button(key=f"FormSubmitter:join_form-{label}").click().run()


def engine():
    from csc_dash import config
    from csc_dash.workshop import store

    return store.make_engine(config.database_url())


def save_view_on(at, page_file: str, page_id: str, reaction: str, reason: str = ""):
    """Open an evidence page and save a view with its form."""
    at.switch_page(page_file).run()
    at.radio(key=f"sv_{page_id}_reaction").set_value(reaction)
    if reason:
        at.text_area(key=f"sv_{page_id}_reason").input(reason)
    return at.button(key=f"FormSubmitter:save_view_{page_id}-Save my view").click().run()


def texts(at) -> str:
    """Every text-like element on the page, for plain-text assertions."""
    from tests.helpers import page_text

    return page_text(at) + "\n" + "\n".join(str(t.value) for t in at.text)


def come_back(at, pseudonym: str, rejoin_code: str, *, code: str | None = None):
    """Come back through Welcome's "Come back with your code" form (demo workshop when ``code``
    is None)."""
    at.switch_page("app_pages/welcome.py").run()
    if code is not None:
        at.text_input(key="rejoin_workshop").input(code)
    at.text_input(key="rejoin_pseudonym").input(pseudonym)
    at.text_input(key="rejoin_secret").input(rejoin_code)
    return at.button(key="FormSubmitter:rejoin_form-Come back").click().run()
