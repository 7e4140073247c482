"""Leaving a device: the code to come back, "Not you? Leave this device", and "Next person" on
a shared device (issue 17.4).

Leaving forgets the person on this device only: nothing is deleted from the store (withdrawing,
in :mod:`csc_dash.ui.workshop.joining`, does that). Who is joined is kept by
:mod:`csc_dash.ui.workshop.session`.
"""

from __future__ import annotations

import streamlit as st

from csc_dash.ui import state
from csc_dash.ui.workshop.session import (
    MSG_STORE_DOWN,
    end_participant,
    engine,
    notify,
    participant,
    plain,
)
from csc_dash.workshop import (
    DEMO_CODE,
    FeedbackError,
    StoreUnavailable,
    format_rejoin_code,
    new_rejoin_code,
    revoke_join_token,
    set_rejoin_code,
)

LEAVE_LABEL = "Not you? Leave this device"
LEAVE_NOTE = (
    "Finished, or this is not you? Press this and the app forgets you on this device. Your "
    "answers stay saved in the workshop. To delete your answers, use the box below."
)
LEAVE_NOTE_SHORT = "The app forgets you here. Your answers stay saved."
MSG_LEFT = (
    "Done. This device no longer knows who you are. Your answers are still saved in the workshop."
)
MSG_LEAVE_NOT_DONE = (
    "We could not reach the place where answers are kept, so this device still knows you. "
    "Please try again in a moment."
)
REJOIN_CODE_NOTE = (
    "Your code to come back is **{code}**. Please write it down. With it and your made-up "
    "name you can come back to your answers on any device."
)
REJOIN_CODE_SHORT = ":material/key: Code to come back: **{code}**"
REJOIN_CODE_UNKNOWN = (
    "Your code to come back was shown when you joined. Lost it? Get a new one here. The old "
    "one then stops working."
)
MSG_NEW_CODE = "Here is your new code to come back. Please write it down."


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    return {
        "rejoin_code": REJOIN_CODE_NOTE.format(code="K7QM-3DXA").replace("**", ""),
        "rejoin_unknown": REJOIN_CODE_UNKNOWN,
        "new_code": MSG_NEW_CODE,
        "leave_not_done": MSG_LEAVE_NOT_DONE,
        "leave": LEAVE_NOTE,
        "leave_short": LEAVE_NOTE_SHORT,
        "left": MSG_LEFT,
        **next_person_texts(),
    }


# -- the code to come back ------------------------------------------------------------------------------


def rejoin_code_note(*, short: bool = False) -> None:
    """The person's code to come back (if this session knows it), or a button for a new one."""
    code = state.get(state.REJOIN_CODE)
    if code:
        shown = format_rejoin_code(code)
        if short:
            st.caption(REJOIN_CODE_SHORT.format(code=shown))
        else:
            st.info(REJOIN_CODE_NOTE.format(code=shown), icon=":material/key:")
        return
    if not short:
        st.caption(REJOIN_CODE_UNKNOWN)
    st.button(
        "Get a new code to come back",
        key="new_rejoin_code_sidebar" if short else "new_rejoin_code",
        icon=":material/key:",
        on_click=_new_rejoin_code,
    )


def _new_rejoin_code() -> None:
    person = participant()
    if person is None:
        return
    code = new_rejoin_code()
    try:
        set_rejoin_code(engine(), person["participant_id"], code)
    except StoreUnavailable:
        notify("left", "warning", MSG_STORE_DOWN)
        return
    except FeedbackError as exc:
        notify("left", "error", str(exc))
        return
    state.put(state.REJOIN_CODE, code)
    notify("left", "success", MSG_NEW_CODE)


# -- leaving a shared device -------------------------------------------------------------------------------


def leave_this_device() -> None:
    """``on_click`` of "Not you? Leave this device": forget the person in this browser only.

    Unlike withdrawing, nothing is deleted from the store: their answers stay in the workshop.
    The join token this browser held is revoked in the store first, so the ``?p=`` link left in
    the browser's history leads nowhere; the person keeps their code to come back. Then the
    session ends them (:func:`session.end_participant`), so the next person starts afresh.
    """
    if _end_here():
        notify("left", "success", MSG_LEFT)


def _end_here() -> bool:
    """Revoke the join token this browser holds, then end the person in this session; ``False``
    (with a plain warning, nothing half-done) if the store cannot be reached."""
    person = participant()
    token = state.get(state.PARTICIPANT_TOKEN)
    if person is not None and token:
        try:
            revoke_join_token(engine(), person["participant_id"], token)
        except StoreUnavailable:
            notify("left", "warning", MSG_LEAVE_NOT_DONE)
            return False
    end_participant()
    return True


def leave_button(*, key: str, short: bool = False) -> None:
    """The "Not you? Leave this device" button, with a sentence on how it differs from withdrawing."""
    st.button(LEAVE_LABEL, key=key, icon=":material/logout:", on_click=leave_this_device)
    st.caption(LEAVE_NOTE_SHORT if short else LEAVE_NOTE)


# -- pass the tablet: the next person on a shared device (issue 17.4) ---------------------------------

NEXT_PERSON_LABEL = "Next person"
NEXT_PERSON_NOTE = "Done, and someone else is waiting for this device? Press this to hand it on."
NEXT_PERSON_ASK = (
    "Hand this device to the next person? Your answers stay saved in the workshop. To come "
    "back to them later, on any device, you need your made-up name, **{name}**, and your code "
    "to come back. Please write them down first."
)
NEXT_PERSON_YES = "Yes, next person"
NEXT_PERSON_NO = "Not yet"
MSG_NEXT_PERSON = (
    "Hello, next person. The last person's answers are saved, and this device has forgotten "
    "them. Please read the notes, make up a new name for today and join below."
)


def next_person_texts() -> dict[str, str]:
    """The plain blocks of "Next person", for the reading-level test."""
    return {
        "next_person_note": NEXT_PERSON_NOTE,
        "next_person_ask": NEXT_PERSON_ASK.format(name="Blue Kite").replace("**", ""),
        "next_person": MSG_NEXT_PERSON,
    }


def next_person_panel(*, where: str, code_shown: bool = False) -> None:
    """The "Next person" button for a joined person (``where`` names the page, for the keys), then
    a plain confirmation with their name and code to come back (unless ``code_shown`` just above
    it). On "Yes" the device forgets them (:func:`hand_on`) and the next person lands on
    Welcome's join form of the same workshop."""
    person = participant()
    if person is None:
        return
    if not state.get(state.NEXT_PERSON_ASK):
        st.button(
            NEXT_PERSON_LABEL,
            key=f"next_person_{where}",
            icon=":material/group:",
            on_click=state.put,
            args=(state.NEXT_PERSON_ASK, True),
        )
        st.caption(NEXT_PERSON_NOTE)
        return
    with st.container(border=True, key=f"next_person_ask_{where}"):
        st.markdown(NEXT_PERSON_ASK.format(name=plain(person["pseudonym"])))
        if not code_shown:
            rejoin_code_note()
        with st.container(horizontal=True):
            go = st.button(
                NEXT_PERSON_YES,
                key=f"next_person_yes_{where}",
                type="primary",
                icon=":material/group:",
            )
            st.button(
                NEXT_PERSON_NO,
                key=f"next_person_no_{where}",
                on_click=state.put,
                args=(state.NEXT_PERSON_ASK, False),
            )
    if go:
        if hand_on():
            st.switch_page("app_pages/welcome.py")
        st.rerun()


def hand_on() -> bool:
    """End this person on this device (:func:`_end_here`: their link revoked, nothing of theirs
    left in the session; their answers stay in the store) and set up the join form for the next
    person: the same workshop's code filled in, consent to give again, a new name to make up."""
    person = participant()
    if person is None:
        return False
    if not _end_here():
        return False
    if person["code"] != DEMO_CODE:
        st.session_state["join_code"] = person["code"]
    notify("next_person", "info", MSG_NEXT_PERSON)
    return True
