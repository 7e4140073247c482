"""Joining: the join form, coming back (by the ``?p=`` link or by code), who this browser is, and
withdrawing (which deletes the person's answers). Leaving a device and handing it to the next
person are in :mod:`csc_dash.ui.workshop.leaving`.

Who is joined is kept by :mod:`csc_dash.ui.workshop.session`; this module draws the forms and
calls the store.
"""

from __future__ import annotations

import streamlit as st

from csc_dash.ui import state
from csc_dash.ui.workshop.consent import CONSENT_AGREE, DEMO_NOTE, PSEUDONYM_HELP, consent_screen
from csc_dash.ui.workshop.leaving import leave_button, next_person_panel, rejoin_code_note
from csc_dash.ui.workshop.session import (
    MSG_STORE_DOWN,
    REJOIN_PARAM,
    demo_mode,
    drop_notice,
    engine,
    forget_participant,
    notify,
    participant,
    plain,
    set_participant,
    show_notice,
    sync_settings,
)
from csc_dash.workshop import (
    CODE_LENGTH,
    DEMO_CODE,
    MAX_PSEUDONYM,
    REJOIN_LENGTH,
    ROLE_TAGS,
    FeedbackError,
    StoreUnavailable,
    ensure_demo_workshop,
    find_participant_by_token,
    get_workshop,
    join_workshop,
    new_join_token,
    new_rejoin_code,
    normalise_code,
    rejoin,
    withdraw,
)

#: Room in the code boxes for the spaces and dashes people type between the letters.
CODE_BOX_CHARS = 2 * CODE_LENGTH
REJOIN_BOX_CHARS = 2 * REJOIN_LENGTH + 4

WITHDRAW_CONFIRM = (
    "This deletes every answer and vote you saved today and takes you out of the workshop. "
    "It cannot be undone. A statement you wrote that the room could vote on stays, without "
    "your name, with other people's votes on it."
)
MSG_WITHDRAWN = "Done. Your answers and votes are deleted and you have left the workshop."
MSG_REJOINED = "Welcome back, {name}. You are still in {title}."
MSG_JOINED = "Welcome, {name}. You have joined {title}."
MSG_LINK_DEAD = (
    "This link no longer brings anyone back. It may have been used to leave this device. To "
    "come back to your answers, use your code on the Welcome page."
)
MSG_CODE_MISSING = "Please type the workshop code your facilitator gave you."
MSG_NO_AGREE = "Please read the notes above and tick the box if you are happy to take part."
REJOIN_TITLE = "Come back with your code"
REJOIN_HELP = (
    "Lost your page, or on another device? Type the workshop code, the name you made up, and "
    "the code to come back that you wrote down."
)
MSG_REJOIN_EMPTY = "Please type your made-up name and your code to come back."
MSG_JOIN_FIRST = (
    "To save your view, join your workshop on the Welcome page with the code your facilitator "
    "gives you."
)
MSG_JOIN_DEMO = "To save your view, join the local demo workshop first. It takes a minute."
MSG_ALONE = "You are exploring on your own, so nothing is recorded."


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "withdraw": WITHDRAW_CONFIRM,
        "withdrawn": MSG_WITHDRAWN,
        "link_dead": MSG_LINK_DEAD,
        "rejoined": MSG_REJOINED.format(name="Blue Kite", title="the workshop"),
        "joined": MSG_JOINED.format(name="Blue Kite", title="the workshop"),
        "rejoin_help": REJOIN_HELP,
        "join_first": MSG_JOIN_FIRST,
        "join_demo": MSG_JOIN_DEMO,
        "alone": MSG_ALONE,
    }


# -- every run: the rejoin link and who this browser is ------------------------------------------------


def keep_rejoin_link() -> None:
    """Once per run, from app.py before the page: keep the rejoin link in the address bar of a
    joined person, or, in a new session opened from such a link, rejoin them; keep their settings;
    then say in the side bar who this browser is (:func:`sidebar_identity`).

    A link that no longer leads anywhere (the person withdrew or was erased) is removed.
    """
    _follow_rejoin_link()
    sync_settings()
    sidebar_identity()


def _follow_rejoin_link() -> None:
    linked = st.query_params.get(REJOIN_PARAM)
    if participant() is not None:
        token = state.get(state.PARTICIPANT_TOKEN)
        if token and linked != token:
            st.query_params[REJOIN_PARAM] = token  # page changes may drop it
        return
    if not linked:
        return
    try:
        eng = engine()
        person = find_participant_by_token(eng, linked)
        room = None if person is None else get_workshop(eng, person.workshop_id)
    except StoreUnavailable:
        return  # keep the link and try again on the next run
    if person is None or room is None:
        del st.query_params[REJOIN_PARAM]
        st.toast(MSG_LINK_DEAD, icon=":material/info:")
        return
    set_participant(person, room, token=linked)
    st.toast(
        MSG_REJOINED.format(name=plain(person.pseudonym), title=plain(room.title)),
        icon=":material/how_to_reg:",
    )


def sidebar_identity() -> None:
    """In the side bar of a joined person: who this browser is in the workshop, and the button
    to leave a shared laptop (after leaving: a toast saying it is done)."""
    person = participant()
    show_notice("left", toast=True)  # they may have left (or tried to) from any page
    if person is None:
        return
    with st.sidebar:
        st.caption(
            f":material/how_to_reg: In **{plain(person['title'])}** as "
            f"**{plain(person['pseudonym'])}**"
        )
        rejoin_code_note(short=True)
        leave_button(key="leave_device_sidebar", short=True)


# -- joining ---------------------------------------------------------------------------------------------------


def _start(person, room, *, token: str, rejoin_code: str, message: str) -> None:
    """Start the person who joined or came back in this session, and greet them by name."""
    set_participant(person, room, token=token, rejoin_code=rejoin_code)
    notify(
        "joined", "success", message.format(name=plain(person.pseudonym), title=plain(room.title))
    )


def _join(demo: bool) -> None:
    """``on_click`` of the join form: join with the session's join token."""
    drop_notice("join")
    if not st.session_state.get("join_agree"):
        notify("join", "warning", MSG_NO_AGREE)
        return
    code = DEMO_CODE if demo else str(st.session_state.get("join_code") or "")
    if not demo and not code.strip():
        notify("join", "warning", MSG_CODE_MISSING)
        return
    token = state.get(state.JOIN_TOKEN) or new_join_token()
    state.put(state.JOIN_TOKEN, token)
    rejoin_code = state.get(state.JOIN_REJOIN_CODE) or new_rejoin_code()
    state.put(state.JOIN_REJOIN_CODE, rejoin_code)
    try:
        eng = engine()
        if demo:
            ensure_demo_workshop(eng)
        person = join_workshop(
            eng,
            code=code,
            pseudonym=str(st.session_state.get("join_pseudonym") or ""),
            role_tag=str(st.session_state.get("join_role") or ""),
            client_token=token,
            rejoin_code=rejoin_code,
        )
        workshop = get_workshop(eng, person.workshop_id)
    except FeedbackError as exc:
        notify("join", "error", str(exc))
        return
    except StoreUnavailable:
        notify("join", "warning", MSG_STORE_DOWN)
        return
    state.put(state.JOIN_TOKEN, None)
    state.put(state.JOIN_REJOIN_CODE, None)
    _start(person, workshop, token=token, rejoin_code=rejoin_code, message=MSG_JOINED)


def join_panel(*, demo: bool) -> None:
    """Consent in plain words, then code (not in demo mode), a made-up name and a role tag."""
    consent_screen()
    with st.form("join_form", border=True):
        st.markdown("**Join the local demo workshop**" if demo else "**Join a workshop**")
        if demo:
            st.caption(DEMO_NOTE)
        else:
            st.text_input(
                "Workshop code",
                key="join_code",
                max_chars=CODE_BOX_CHARS,
                placeholder="for example K7QM3D",
                help="Your facilitator shows it on the screen. Capitals or small letters both work.",
            )
        st.text_input(
            "A made-up name for today",
            key="join_pseudonym",
            max_chars=MAX_PSEUDONYM,
            help=PSEUDONYM_HELP,
        )
        st.caption(PSEUDONYM_HELP)
        st.selectbox(
            "Which group are you in?",
            ROLE_TAGS,
            index=None,
            placeholder="Choose one (or 'Prefer not to say')",
            key="join_role",
        )
        st.checkbox(CONSENT_AGREE, key="join_agree")
        st.form_submit_button(
            "Join the demo workshop" if demo else "Join the workshop",
            type="primary",
            on_click=_join,
            args=(demo,),
        )
    show_notice("join")


def join_prompt() -> None:
    """What a person who has not joined sees instead of an answer form."""
    show_notice("gone")
    if state.get(state.EXPLORE_ALONE):
        st.caption(MSG_ALONE)
    if demo_mode():
        st.markdown(MSG_JOIN_DEMO)
        st.page_link(
            "app_pages/welcome.py",
            label="Join the local demo workshop",
            icon=":material/group_add:",
        )
    else:
        st.markdown(MSG_JOIN_FIRST)
        st.page_link("app_pages/welcome.py", label="Join a workshop", icon=":material/group_add:")


# -- coming back with the code ------------------------------------------------------------------------------


def _rejoin(demo: bool) -> None:
    """``on_click`` of "Come back with your code"."""
    drop_notice("rejoin")
    code = DEMO_CODE if demo else str(st.session_state.get("rejoin_workshop") or "")
    name = str(st.session_state.get("rejoin_pseudonym") or "")
    secret = normalise_code(str(st.session_state.get("rejoin_secret") or ""))
    if not demo and not code.strip():
        notify("rejoin", "warning", MSG_CODE_MISSING)
        return
    if not name.strip() or not secret:
        notify("rejoin", "warning", MSG_REJOIN_EMPTY)
        return
    token = new_join_token()
    try:
        eng = engine()
        person = rejoin(eng, code=code, pseudonym=name, rejoin_code=secret, client_token=token)
        room = get_workshop(eng, person.workshop_id)
    except FeedbackError as exc:
        notify("rejoin", "error", str(exc))
        return
    except StoreUnavailable:
        notify("rejoin", "warning", MSG_STORE_DOWN)
        return
    st.session_state["rejoin_secret"] = ""
    _start(person, room, token=token, rejoin_code=secret, message=MSG_REJOINED)


def rejoin_panel(*, demo: bool) -> None:
    """Come back as oneself: workshop code (not in demo mode), made-up name, code to come back."""
    with st.form("rejoin_form", border=True):
        st.markdown(f"**{REJOIN_TITLE}**")
        st.caption(REJOIN_HELP)
        if not demo:
            st.text_input(
                "Workshop code",
                key="rejoin_workshop",
                max_chars=CODE_BOX_CHARS,
                placeholder="for example K7QM3D",
            )
        st.text_input("Your made-up name", key="rejoin_pseudonym", max_chars=MAX_PSEUDONYM)
        st.text_input(
            "Your code to come back",
            key="rejoin_secret",
            max_chars=REJOIN_BOX_CHARS,
            placeholder="for example K7QM-3DXA",
            autocomplete="off",
        )
        st.form_submit_button("Come back", type="primary", on_click=_rejoin, args=(demo,))
    show_notice("rejoin")


# -- withdrawing ---------------------------------------------------------------------------------------------


def _withdraw() -> None:
    person = participant()
    if person is None:
        return
    try:
        withdraw(engine(), person["participant_id"])
    except StoreUnavailable:
        notify("withdraw", "warning", MSG_STORE_DOWN)
        return
    forget_participant()
    st.session_state["withdraw_confirm"] = False
    notify("withdraw", "success", MSG_WITHDRAWN)


def withdraw_panel() -> None:
    """Who you are in the workshop, your code to come back, leaving this device, and the withdraw
    button behind a confirmation."""
    person = participant()
    st.success(
        f"You have joined **{plain(person['title'])}** as **{plain(person['pseudonym'])}** "
        f"({plain(person['role_tag'])}). Each page has a box at the bottom to save your view.",
        icon=":material/how_to_reg:",
    )
    rejoin_code_note()
    next_person_panel(where="welcome", code_shown=True)
    leave_button(key="leave_device")
    with st.expander("Leave the workshop and delete my answers"):
        st.markdown(WITHDRAW_CONFIRM)
        st.checkbox("Yes, I want to delete all my answers", key="withdraw_confirm")
        st.button(
            "Delete my answers and leave",
            key="withdraw_btn",
            disabled=not st.session_state.get("withdraw_confirm"),
            on_click=_withdraw,
        )
