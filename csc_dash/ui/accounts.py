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

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from csc_dash import auth, sign_ins
from csc_dash.ui import state, upload_gate, workshop
from csc_dash.ui.workshop import plain
from csc_dash.workshop import list_workshops, store
from csc_dash.workshop.store import StoreUnavailable


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
    credentials = auth.credentials()
    authenticator = stauth.Authenticate(
        credentials,
        cookie_name=auth.COOKIE_NAME,
        cookie_key=key,
        cookie_expiry_days=auth.COOKIE_EXPIRY_DAYS,
        auto_hash=False,
        login_sleep_time=0,
    )
    check_cookies_strictly(authenticator, key, credentials["usernames"])
    return authenticator


def _signed_out_at(name: str):
    """When ``name`` last signed out; on a store fault, "now" (every token refused: fail closed)."""
    try:
        return sign_ins.last_sign_out(workshop.engine(), name)
    except StoreUnavailable:
        log.warning("sign-outs cannot be read: the store is unreachable; cookies refused")
        return store.utcnow()


def check_cookies_strictly(authenticator, key: str, usernames) -> None:
    """Replace the authenticator's cookie reader with :func:`csc_dash.sign_ins.verify_token`.

    A cookie that is not sound (another algorithm, a bad signature, a removed user, garbage, or
    made before its user signed out) counts as no cookie, and is deleted from the browser.
    The cookie is written by a browser-side component (extra-streamlit-components), so it
    cannot be HttpOnly; it is SameSite=Strict, and Secure when the page is served over HTTPS.
    """
    controller = authenticator.cookie_controller  # AttributeError if the library changed
    model = controller.cookie_model

    def get_cookie():
        if st.session_state.get("logout"):
            return False
        raw = st.context.cookies.get(auth.COOKIE_NAME)
        if raw is None:
            return None
        claims = sign_ins.verify_token(
            raw, key, usernames, now=store.utcnow(), signed_out_at=_signed_out_at
        )
        if claims is None and not signed_in():
            try:
                controller.delete_cookie()
            except Exception:  # noqa: BLE001 - deleting is a courtesy; the cookie is ignored anyway
                log.info("a bad sign-in cookie could not be deleted")
        return claims

    controller.get_cookie = get_cookie
    manager = model.cookie_manager
    plain_set = manager.set

    def set_secure(cookie, val, *args, **kwargs):
        kwargs.setdefault("secure", _served_over_https())
        kwargs.setdefault("same_site", "strict")
        return plain_set(cookie, val, *args, **kwargs)

    manager.set = set_secure


def _served_over_https() -> bool:
    try:
        url = str(getattr(st.context, "url", "") or "")
        proto = (st.context.headers.get("X-Forwarded-Proto") or "").lower()
    except Exception:  # noqa: BLE001 - outside a browser session (tests)
        return False
    return url.startswith("https://") or proto == "https"

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
MSG_TOO_MANY = sign_ins.MSG_TOO_MANY_SIGN_INS  # a template: {wait} is filled in (sign_ins.pause_message)
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


def staff_only(refused: str) -> tuple[frozenset[str], str]:
    """For a staff page: the signed-in facilitator's or admin's roles and user name, or stop the
    page with ``refused`` (the page list already leaves the page out for anyone else; this is
    the page's own check)."""
    roles, user = current_roles(), username()
    if not roles & {"facilitator", "admin"} or not user:
        st.error(refused)
        st.stop()
    return roles, user


def pick_staff_workshop(roles: frozenset[str], user: str, *, none_yet: str):
    """The workshop a staff page works on, picked from the user's own (every workshop for an
    admin); stops the page with a plain message when the store is down or there is none yet."""
    admin = "admin" in roles
    try:
        mine = list_workshops(workshop.engine(), created_by=None if admin else user)
    except StoreUnavailable:
        st.warning(workshop.session.MSG_STORE_DOWN)
        st.stop()
    if not mine:
        st.info(none_yet)
        st.stop()
    return workshop.facilitator.workshop_picker(mine, show_owner=admin)


def _forget_login() -> None:
    for key in ("authentication_status", "username", "name", "email", "roles"):
        st.session_state[key] = None
    forget_staff_work()


#: Session keys that hold what only staff (analysts, facilitators, admins) may have.
STAFF_ONLY_KEYS = (
    state.UPLOAD,
    state.UPLOAD_CHECK,
    state.FAIRNESS_CACHE,
    state.WORKSHOP_PICK,
    state.ATRS_RATIONALE,
    state.DECISION_TOKEN,
)
#: Widget keys of the Your own model page, the loaders' per-session sweeps of an upload, and the
#: staff forms of You said, we did and Council readiness (the next person to sign in on this
#: browser starts from their own answers, never from what the last one typed).
STAFF_ONLY_WIDGET_PREFIXES = (
    "your_model_",
    "csc_upload_sweeps",
    "record_decision_",
    "change_decision_",
    "rd_",
    "csc_readiness_filled",
)


def forget_staff_work() -> None:
    """Drop everything staff-only from this session: the upload and its checks, its figures,
    its threshold and model choice, the Facilitator's open workshop, and the file itself from
    the server's memory. Called at sign-out and whenever a session may no longer upload."""
    had_upload = state.get(state.UPLOAD) is not None
    for key in STAFF_ONLY_KEYS:
        state.put(key, state.DEFAULTS.get(key))
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(STAFF_ONLY_WIDGET_PREFIXES):
            with contextlib.suppress(Exception):  # a widget key of this run cannot be deleted
                del st.session_state[key]
    if had_upload:
        state.put(state.MODEL, state.DEFAULTS[state.MODEL])
        state.put(state.THRESHOLD, None)
    upload_gate.forget_files()


def _on_sign_out(details: dict) -> None:
    """The authenticator's logout callback: revoke this user's tokens and drop staff work."""
    name = (details or {}).get("username")
    if name:
        try:
            sign_ins.record_sign_out(workshop.engine(), name)
        except StoreUnavailable:
            log.warning("a sign-out could not be recorded: the store is unreachable")
    forget_staff_work()
    upload_gate.permit(False)


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
        upload_gate.permit(True)  # one person on their own computer
        return Session(roles=frozenset(), demo_mode=True, login_offered=False)
    if not setup.offered:
        if signed_in():
            _forget_login()
        _may_upload(frozenset())
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
            authenticator.logout(
                "Sign out", location="sidebar", key="logout_btn", callback=_on_sign_out
            )
    _may_upload(current_roles())
    return Session(
        roles=current_roles(),
        demo_mode=False,
        login_offered=True,
        username=username(),
        name=st.session_state.get("name") if signed_in() else None,
    )


#: Roles that may upload on a workshop server: those that can open "Your own model".
UPLOAD_ROLES = frozenset({"analyst", "facilitator", "admin"})


def _may_upload(roles: frozenset[str]) -> None:
    allowed = bool(roles & UPLOAD_ROLES)
    if not allowed and (state.get(state.UPLOAD) is not None or state.get(state.UPLOAD_CHECK)):
        forget_staff_work()  # signed out, removed or never signed in: no staff work stays
    upload_gate.permit(allowed)


#: The sign-in page's name in the menu, before and after signing in (the same page and address).
SIGN_IN_TITLE = "Staff sign-in"
ACCOUNT_TITLE = "Your staff account"


def sign_in_page(*, signed_in: bool = False) -> st.Page:
    """The "Staff sign-in" page for the navigation list ("Your staff account" once signed in)."""
    root = Path(__file__).resolve().parents[2]
    title, icon = (ACCOUNT_TITLE, "badge") if signed_in else (SIGN_IN_TITLE, "login")
    return st.Page(str(root / SIGN_IN_PAGE), title=title, icon=f":material/{icon}:")


def limit_sign_ins(authenticator) -> None:
    """Put the sign-in limiter in front of ``authenticator``'s password check.

    Each attempt is recorded in the store before its password is checked
    (:func:`csc_dash.sign_ins.begin_sign_in`); a paused user name is refused without a check; a user
    name with no account costs one bcrypt check all the same, so timing does not tell which
    names exist. If the store cannot be reached or is busy, no one is signed in (fail closed).
    Why an attempt was refused is kept in ``state.SIGN_IN_REFUSAL`` until the next attempt.
    """
    controller = authenticator.authentication_controller  # AttributeError if the library changed
    check = controller.login
    known = set(auth.credentials()["usernames"])

    def limited(username=None, password=None, *args, **kwargs):
        if not username:  # a sign-in from the cookie (token), or an empty form
            return check(username, password, *args, **kwargs)
        state.put(state.SIGN_IN_REFUSAL, None)
        try:
            engine = workshop.engine()
            refusal = sign_ins.begin_sign_in(engine, username)
        except StoreUnavailable:
            refusal = MSG_CANNOT_CHECK
        if refusal is not None:
            state.put(state.SIGN_IN_REFUSAL, refusal)
            return None
        if sign_ins.sign_in_key(username) not in known:
            sign_ins.spend_a_password_check(password)
        ok = check(username, password, *args, **kwargs)
        try:
            paused = sign_ins.finish_sign_in(engine, username, ok=bool(ok))
        except StoreUnavailable:
            log.warning("a sign-in's outcome could not be recorded: the store is unreachable")
            paused = None
        state.put(state.SIGN_IN_REFUSAL, paused)
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
