"""Staff sign-in on screen: the glue between app.py, the pages and :mod:`csc_dash.auth`.

app.py calls :func:`gate` once per run, before it builds the page list: it checks the sign-in
cookie, draws "signed in as ... / Sign out" in the sidebar and returns the roles and whether the
app runs in local demo mode. The login form itself is on the "Staff sign-in" page
(:func:`login_form`), which app.py lists only when accounts exist and the cookie key is good.

streamlit-authenticator owns the session keys ``authentication_status``, ``username``, ``name``,
``email``, ``roles`` and ``logout``; this module only reads them. Its own count of failed
attempts starts again with every run, so :func:`login_form` puts :mod:`csc_dash.auth`'s limiter
(kept in the workshop store) in front of its password check.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from csc_dash import auth
from csc_dash.store import StoreUnavailable
from csc_dash.ui import state, workshop
from csc_dash.ui.workshop import plain


def make_authenticator():
    """A ``streamlit_authenticator.Authenticate`` for this run: the one place the app makes one.

    Only call when :func:`csc_dash.auth.login_setup` says the login may be offered. Build one
    per script run: it draws the cookie component.
    """
    import streamlit_authenticator as stauth

    key = auth.cookie_key()
    problem = auth.cookie_key_problem(key)
    if problem is not None:
        raise auth.AccountError(problem)
    return stauth.Authenticate(
        auth.credentials(),
        cookie_name=auth.COOKIE_NAME,
        cookie_key=key,
        cookie_expiry_days=auth.COOKIE_EXPIRY_DAYS,
        auto_hash=False,
        login_sleep_time=0,
    )

log = logging.getLogger(__name__)

SIGN_IN_PAGE = "app_pages/sign_in.py"
LOGIN_FORM_KEY = "staff_login"
LOGIN_FIELDS = {
    "Form name": "Staff sign-in",
    "Username": "User name",
    "Password": "Password",
    "Login": "Sign in",
}
MSG_BAD_LOGIN = "That user name and password do not match. Please try again."
MSG_SIGNED_IN = "You are signed in."
MSG_TOO_MANY = auth.MSG_TOO_MANY_SIGN_INS
MSG_CANNOT_CHECK = (
    "We cannot check sign-ins just now, so no one can sign in. Please try again in a moment."
)


@dataclass(frozen=True)
class Session:
    """Who is using the app in this run."""

    roles: frozenset[str]
    demo_mode: bool
    login_offered: bool
    username: str | None = None
    name: str | None = None


def signed_in() -> bool:
    return st.session_state.get("authentication_status") is True


def current_roles() -> frozenset[str]:
    if not signed_in():
        return frozenset()
    roles = st.session_state.get("roles") or []
    if isinstance(roles, str):
        roles = [roles]
    return frozenset(r for r in roles if r in auth.ROLES)


def username() -> str | None:
    return st.session_state.get("username") if signed_in() else None


def _forget_login() -> None:
    for key in ("authentication_status", "username", "name", "email", "roles"):
        st.session_state[key] = None


def gate() -> Session:
    """Check the sign-in for this run and draw the sidebar's account line.

    Returns the roles (empty unless signed in), demo mode, and whether the login is offered.
    """
    state.put(state.AUTHENTICATOR, None)
    try:
        setup = auth.login_setup()
    except auth.AccountError as exc:  # pragma: no cover - login_setup turns these into problems
        setup = auth.LoginSetup(demo_mode=False, offered=False, problem=str(exc))
    if setup.demo_mode:
        return Session(roles=frozenset(), demo_mode=True, login_offered=False)
    if not setup.offered:
        if signed_in():
            _forget_login()
        with st.sidebar:
            st.warning(setup.problem, icon=":material/lock:")
        return Session(roles=frozenset(), demo_mode=False, login_offered=False)

    authenticator = make_authenticator()
    state.put(state.AUTHENTICATOR, authenticator)
    authenticator.login(location="unrendered")  # signs in from a valid cookie, draws nothing
    if signed_in() and st.session_state.get("username") not in auth.credentials()["usernames"]:
        _forget_login()  # the account was removed while this session was signed in
    if signed_in():
        with st.sidebar:
            st.caption(
                f":material/badge: Signed in as **{plain(str(st.session_state.get('name')))}** "
                f"({', '.join(sorted(current_roles())) or 'no role'})"
            )
            authenticator.logout("Sign out", location="sidebar", key="logout_btn")
    return Session(
        roles=current_roles(),
        demo_mode=False,
        login_offered=True,
        username=username(),
        name=st.session_state.get("name") if signed_in() else None,
    )


def sign_in_page() -> st.Page:
    """The "Staff sign-in" page for the navigation list."""
    root = Path(__file__).resolve().parents[2]
    return st.Page(str(root / SIGN_IN_PAGE), title="Staff sign-in", icon=":material/login:")


def limit_sign_ins(authenticator) -> None:
    """Put the failed sign-in limiter in front of ``authenticator``'s password check.

    A locked user name is refused before its password is looked at; every checked password is
    recorded (a failure counts, a success clears the count). If the store cannot be reached no
    one is signed in (the limit cannot be checked). Why an attempt was refused is kept in
    ``state.SIGN_IN_REFUSAL`` until the next attempt.
    """
    controller = authenticator.authentication_controller  # AttributeError if the library changed
    check = controller.login

    def limited(username=None, password=None, *args, **kwargs):
        if not username:  # a sign-in from the cookie (token), or an empty form
            return check(username, password, *args, **kwargs)
        state.put(state.SIGN_IN_REFUSAL, None)
        try:
            engine = workshop.engine()
            refusal = auth.sign_in_refusal(engine, username)
        except StoreUnavailable:
            refusal = MSG_CANNOT_CHECK
        if refusal is not None:
            state.put(state.SIGN_IN_REFUSAL, refusal)
            return None
        ok = check(username, password, *args, **kwargs)
        try:
            locked = auth.record_sign_in(engine, username, ok=bool(ok))
        except StoreUnavailable:
            log.warning("a sign-in attempt could not be recorded: the store is unreachable")
            locked = None
        state.put(state.SIGN_IN_REFUSAL, locked)
        return ok

    controller.login = limited


def login_form() -> bool:
    """Draw the login form (unless signed in); True if the person is signed in after it."""
    authenticator = state.get(state.AUTHENTICATOR)
    if authenticator is None:
        return False
    was_signed_in = signed_in()
    if not was_signed_in:
        limit_sign_ins(authenticator)
        authenticator.login(location="main", key=LOGIN_FORM_KEY, fields=LOGIN_FIELDS)
        refusal = state.get(state.SIGN_IN_REFUSAL)
        if refusal is not None and not signed_in():
            st.error(refusal)
        elif st.session_state.get("authentication_status") is False:
            st.error(MSG_BAD_LOGIN)
    return signed_in()
