"""Workshops on screen: the shared store engine, the participant of this browser session, the
consent screen, joining and withdrawing, and the widgets of the "Your views" questions.

The engine is cached once per database URL (``st.cache_resource``: one pool shared by every
session, never mutated). Everything about a person lives in ``st.session_state`` under the keys
named in :mod:`csc_dash.ui.state`.
"""

from __future__ import annotations

import html
import re
from typing import Any

import streamlit as st

from csc_dash import auth, config
from csc_dash.ui import state

# -- words (plain blocks are tested to Flesch–Kincaid grade 8 or below) --------------------------

CONSENT_TITLE = "Before you join: what happens to your answers"
CONSENT_BLOCKS: tuple[tuple[str, str], ...] = (
    (
        "What we record",
        "We keep the name you make up for today, the group you say you belong to, and the "
        "answers you choose to save. With each answer we keep what the screen showed at the "
        "time, such as which tool and which line you picked. We do not ask for your real name, "
        "your email or where you live.",
    ),
    (
        "Who sees it",
        "The people running this workshop see the answers of the whole room. They may use them "
        "in a report, with your made-up name taken out. Other people in the room do not see "
        "your answers.",
    ),
    (
        "How long we keep it",
        "The people running the workshop keep the answers until their report is done. Then they "
        "delete the whole workshop. They should tell you the date.",
    ),
    (
        "How to stop",
        "You can skip any question. You can leave at any time. On the Welcome page there is a "
        "button that deletes all your answers at once. You do not have to give a reason. If "
        "you wrote a statement that the room could vote on, it stays, but without your name, "
        "so that other people's votes on it still count.",
    ),
)
CONSENT_AGREE = "I have read this. I am happy to take part."
EXPLORE_ALONE_NOTE = (
    "You are exploring on your own. Nothing you do here is recorded. You can still join a "
    "workshop later on this page."
)
PSEUDONYM_HELP = (
    "Make up a name for today, like 'Blue Kite'. Please do not use your real name."
)
DEMO_NOTE = (
    "This copy of the app runs on its own, with no staff accounts. Your answers go to a local "
    "demo workshop on this computer."
)
WITHDRAW_CONFIRM = (
    "This deletes every answer and vote you saved today and takes you out of the workshop. "
    "It cannot be undone. A statement you wrote that the room could vote on stays, without "
    "your name, with other people's votes on it."
)
MSG_WITHDRAWN = "Done. Your answers and votes are deleted and you have left the workshop."
MSG_STORE_DOWN = (
    "We could not reach the place where answers are kept, so this is not done yet. "
    "Nothing is lost: try again in a moment."
)
MSG_GONE = (
    "You are no longer in this workshop: your answers were deleted. You can join again on the "
    "Welcome page."
)
MSG_REJOINED = "Welcome back, {name}. You are still in {title}."
MSG_LINK_DEAD = (
    "This link no longer brings anyone back. It may have been used to leave this laptop. To "
    "come back to your answers, use your code on the Welcome page."
)
MSG_CODE_MISSING = "Please type the workshop code your facilitator gave you."
LEAVE_LABEL = "Not you? Leave this laptop"
LEAVE_NOTE = (
    "Sharing this laptop? Press this before you hand it on. The app forgets you on this laptop, "
    "but all your answers stay in the workshop. To delete your answers, use the box below."
)
LEAVE_NOTE_SHORT = "The app forgets you here. Your answers stay saved."
MSG_LEFT = (
    "Done. This laptop no longer knows who you are. Your answers are still saved in the workshop."
)
MSG_NO_AGREE = "Please read the notes above and tick the box if you are happy to take part."
MSG_LEAVE_NOT_DONE = (
    "We could not reach the place where answers are kept, so this laptop still knows you. "
    "Please try again in a moment."
)
REJOIN_TITLE = "Come back with your code"
REJOIN_HELP = (
    "Lost your page, or on another device? Type the workshop code, the name you made up, and "
    "the code to come back that you wrote down."
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
MSG_REJOIN_EMPTY = "Please type your made-up name and your code to come back."

#: Join codes only ever hold these characters (``feedback.CODE_ALPHABET`` plus the demo code).
_SAFE_CODE = re.compile(r"^[A-Z0-9]{1,12}$")


def plain_texts() -> dict[str, str]:
    """Every plain block of this module, for the reading-level test."""
    from csc_dash import feedback

    texts = {f"consent_{title}": body for title, body in CONSENT_BLOCKS}
    texts.update(
        explore_alone=EXPLORE_ALONE_NOTE,
        demo=DEMO_NOTE,
        withdraw=WITHDRAW_CONFIRM,
        withdrawn=MSG_WITHDRAWN,
        store_down=MSG_STORE_DOWN,
        gone=MSG_GONE,
        link_dead=MSG_LINK_DEAD,
        rejoined=MSG_REJOINED.format(name="Blue Kite", title="the workshop"),
        rejoin_help=REJOIN_HELP,
        rejoin_code=REJOIN_CODE_NOTE.format(code="K7QM-3DXA").replace("**", ""),
        rejoin_unknown=REJOIN_CODE_UNKNOWN,
        new_code=MSG_NEW_CODE,
        leave_not_done=MSG_LEAVE_NOT_DONE,
        statements_intro=STATEMENTS_INTRO,
        statements_join=STATEMENTS_JOIN,
        proposed=MSG_PROPOSED,
        closed=feedback.CLOSED_FOR_ANSWERS,
        rejected=MSG_REJECTED,
        leave=LEAVE_NOTE,
        leave_short=LEAVE_NOTE_SHORT,
        left=MSG_LEFT,
        saved_mark=MSG_SAVED_MARK,
    )
    return texts


# -- engine and the person of this session ------------------------------------------------------


@st.cache_resource(max_entries=4, show_spinner=False)
def _engine(url: str):
    from csc_dash import store

    return store.make_engine(url)


def engine():
    """The store's engine for the configured ``DATABASE_URL`` (one per URL, shared)."""
    return _engine(config.database_url())


def demo_mode() -> bool:
    """No staff accounts exist: answers go to the local demo workshop."""
    return not auth.accounts_configured()


def session_dict(key: str) -> dict:
    """A per-session dict under ``key``, made on first use (never a shared default)."""
    value = st.session_state.get(key)
    if value is None:
        value = {}
        st.session_state[key] = value
    return value


def participant() -> dict[str, Any] | None:
    """The participant of this browser session, or ``None`` if they have not joined."""
    return state.get(state.PARTICIPANT)


def set_participant(
    person, workshop, *, token: str | None = None, rejoin_code: str | None = None
) -> None:
    """Remember who joined; ``token`` (their join token) also goes into the address bar.

    The person's kept settings (line, tool, view, bias) are restored; ``rejoin_code`` is their
    code to come back, if this session knows it (after joining, or after coming back with it).
    """
    state.put(
        state.PARTICIPANT,
        {
            "workshop_id": workshop.id,
            "participant_id": person.id,
            "pseudonym": person.pseudonym,
            "role_tag": person.role_tag,
            "code": workshop.code,
            "title": workshop.title,
        },
    )
    state.put(state.EXPLORE_ALONE, False)
    state.put(state.PARTICIPANT_TOKEN, token)
    state.put(state.REJOIN_CODE, rejoin_code)
    restore_settings(person.id)
    if token:
        st.query_params[REJOIN_PARAM] = token


def forget_participant() -> None:
    """Drop everything this session holds about the person (after withdrawing or erasure),
    including the rejoin link in the address bar."""
    state.put(state.PARTICIPANT, None)
    for key in (
        state.SAVE_TOKENS,
        state.PENDING,
        state.LAST_SAVED,
        state.PARTICIPANT_TOKEN,
        state.REJOIN_CODE,
        state.SETTINGS_SYNCED,
        state.STATEMENTS_VERSION,
    ):
        state.put(key, None)
    if REJOIN_PARAM in st.query_params:
        del st.query_params[REJOIN_PARAM]


#: Session keys of widgets that hold what a person typed or chose (answers, views, votes,
#: statements, the join form): dropped when they leave a shared laptop.
_PERSONAL_KEY_PREFIXES = ("qa_", "sv_", "vote_", "propose_", "join_", "withdraw_", "rejoin_")


def leave_this_device() -> None:
    """``on_click`` of "Not you? Leave this laptop": forget the person in this browser only.

    Unlike withdrawing, nothing is deleted from the store: their answers stay in the workshop.
    The session forgets who they are, the rejoin link in the address bar, answers waiting for a
    retry, and what they typed into forms, so the next person on a shared laptop starts afresh.
    The join token this browser held is revoked in the store first, so the ``?p=`` link left in
    the browser's history leads nowhere; the person keeps their code to come back.
    """
    from csc_dash import feedback

    person = participant()
    token = state.get(state.PARTICIPANT_TOKEN)
    if person is not None and token:
        try:
            feedback.revoke_join_token(engine(), person["participant_id"], token)
        except feedback.StoreUnavailable:
            state.put(state.NOTICES, {"left": ("warning", MSG_LEAVE_NOT_DONE)})
            return
    forget_participant()
    state.put(state.JOIN_TOKEN, None)
    state.put(state.EXPLORE_ALONE, False)
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(_PERSONAL_KEY_PREFIXES):
            del st.session_state[key]
    state.put(state.NOTICES, {"left": ("success", MSG_LEFT)})


def leave_button(*, key: str, short: bool = False) -> None:
    """The "Not you? Leave this laptop" button, with a sentence on how it differs from withdrawing."""
    st.button(LEAVE_LABEL, key=key, icon=":material/logout:", on_click=leave_this_device)
    st.caption(LEAVE_NOTE_SHORT if short else LEAVE_NOTE)


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


def rejoin_code_note(*, short: bool = False) -> None:
    """The person's code to come back (if this session knows it), or a button for a new one."""
    from csc_dash import feedback

    code = state.get(state.REJOIN_CODE)
    if code:
        shown = feedback.format_rejoin_code(code)
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
    from csc_dash import feedback

    person = participant()
    if person is None:
        return
    code = feedback.new_rejoin_code()
    try:
        feedback.set_rejoin_code(engine(), person["participant_id"], code)
    except feedback.StoreUnavailable:
        session_dict(state.NOTICES)["left"] = ("warning", MSG_STORE_DOWN)
        return
    except feedback.FeedbackError as exc:
        session_dict(state.NOTICES)["left"] = ("error", str(exc))
        return
    state.put(state.REJOIN_CODE, code)
    session_dict(state.NOTICES)["left"] = ("success", MSG_NEW_CODE)


# -- the person's settings, kept in the store -------------------------------------------------------

#: Setting name in the store -> session key.
SETTING_KEYS = {"threshold": state.THRESHOLD, "model": state.MODEL, "view": state.VIEW, "bias": state.BIAS}


def current_settings() -> dict[str, Any]:
    """This session's line, tool, view and bias, as they are kept in the store."""
    from csc_dash import feedback

    return feedback._clean_settings({name: state.get(key) for name, key in SETTING_KEYS.items()})


def restore_settings(participant_id: int) -> None:
    """Put back the person's kept settings (after a reload, a restart or coming back)."""
    from csc_dash import feedback

    try:
        kept = feedback.participant_settings(engine(), participant_id)
    except feedback.StoreUnavailable:
        return
    for name, key in SETTING_KEYS.items():
        if name in kept:
            state.put(key, kept[name])
    state.put(state.SETTINGS_SYNCED, current_settings())


def sync_settings() -> None:
    """Write the joined person's settings to the store if they changed since last written."""
    from csc_dash import feedback

    person = participant()
    if person is None:
        return
    now = current_settings()
    if now == state.get(state.SETTINGS_SYNCED):
        return
    try:
        feedback.save_settings(engine(), person["participant_id"], now)
    except (feedback.StoreUnavailable, feedback.FeedbackError):
        return  # tried again on the next run
    state.put(state.SETTINGS_SYNCED, now)


#: The address-bar parameter that holds a joined participant's join token. A reload starts a new
#: Streamlit session; this is how the person comes back as themselves. The token is a secret:
#: anyone with the whole address can act as that participant, so it is never shown or logged.
REJOIN_PARAM = "p"


def keep_rejoin_link() -> None:
    """Once per run, from app.py before the page: keep the rejoin link in the address bar of a
    joined person, or, in a new session opened from such a link, rejoin them; then say in the
    side bar who this browser is (:func:`sidebar_identity`).

    A link that no longer leads anywhere (the person withdrew or was erased) is removed.
    """
    _keep_rejoin_link()
    sync_settings()
    sidebar_identity()


def _keep_rejoin_link() -> None:
    from csc_dash import feedback

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
        person = feedback.find_participant_by_token(eng, linked)
        room = None if person is None else feedback.get_workshop(eng, person.workshop_id)
    except feedback.StoreUnavailable:
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


def joined() -> bool:
    """Whether this session's person has joined a workshop (and was not erased since)."""
    return participant() is not None and still_joined()


def still_joined() -> bool:
    """Whether the joined participant still exists; forgets them if a facilitator erased them."""
    from csc_dash import feedback

    person = participant()
    if person is None:
        return False
    try:
        found = feedback.get_participant(engine(), person["participant_id"])
    except feedback.StoreUnavailable:
        return True  # cannot tell now; a save will say so plainly
    if found is None:
        forget_participant()
        return False
    return True


# -- consent, joining and withdrawing ------------------------------------------------------------


def consent_screen() -> None:
    st.subheader(CONSENT_TITLE)
    for title, body in CONSENT_BLOCKS:
        st.markdown(f"**{title}.** {body}")


def _join(demo: bool) -> None:
    """``on_click`` of the join form: join with the session's join token."""
    from csc_dash import feedback

    notice = session_dict(state.NOTICES)
    notice.pop("join", None)
    if not st.session_state.get("join_agree"):
        notice["join"] = ("warning", MSG_NO_AGREE)
        return
    code = feedback.DEMO_CODE if demo else str(st.session_state.get("join_code") or "")
    if not demo and not code.strip():
        notice["join"] = ("warning", MSG_CODE_MISSING)
        return
    token = state.get(state.JOIN_TOKEN) or feedback.new_join_token()
    state.put(state.JOIN_TOKEN, token)
    rejoin_code = state.get(state.JOIN_REJOIN_CODE) or feedback.new_rejoin_code()
    state.put(state.JOIN_REJOIN_CODE, rejoin_code)
    try:
        eng = engine()
        if demo:
            feedback.ensure_demo_workshop(eng)
        person = feedback.join_workshop(
            eng,
            code=code,
            pseudonym=str(st.session_state.get("join_pseudonym") or ""),
            role_tag=str(st.session_state.get("join_role") or ""),
            client_token=token,
            rejoin_code=rejoin_code,
        )
        workshop = feedback.get_workshop(eng, person.workshop_id)
    except feedback.FeedbackError as exc:
        notice["join"] = ("error", str(exc))
        return
    except feedback.StoreUnavailable:
        notice["join"] = ("warning", MSG_STORE_DOWN)
        return
    state.put(state.JOIN_TOKEN, None)
    state.put(state.JOIN_REJOIN_CODE, None)
    set_participant(person, workshop, token=token, rejoin_code=rejoin_code)
    notice["joined"] = (
        "success",
        f"Welcome, {plain(person.pseudonym)}. You have joined {plain(workshop.title)}.",
    )


def join_panel(*, demo: bool) -> None:
    """Consent in plain words, then code (not in demo mode), a made-up name and a role tag."""
    from csc_dash import feedback

    consent_screen()
    with st.form("join_form", border=True):
        st.markdown("**Join the local demo workshop**" if demo else "**Join a workshop**")
        if demo:
            st.caption(DEMO_NOTE)
        else:
            st.text_input(
                "Workshop code",
                key="join_code",
                max_chars=12,
                placeholder="for example K7QM3D",
                help="Your facilitator shows it on the screen. Capitals or small letters both work.",
            )
        st.text_input("A made-up name for today", key="join_pseudonym", max_chars=40, help=PSEUDONYM_HELP)
        st.caption(PSEUDONYM_HELP)
        st.selectbox(
            "Which group are you in?",
            feedback.ROLE_TAGS,
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


def _rejoin(demo: bool) -> None:
    """``on_click`` of "Come back with your code"."""
    from csc_dash import feedback

    notice = session_dict(state.NOTICES)
    notice.pop("rejoin", None)
    code = feedback.DEMO_CODE if demo else str(st.session_state.get("rejoin_workshop") or "")
    name = str(st.session_state.get("rejoin_pseudonym") or "")
    secret = feedback.normalise_code(str(st.session_state.get("rejoin_secret") or ""))
    if not demo and not code.strip():
        notice["rejoin"] = ("warning", MSG_CODE_MISSING)
        return
    if not name.strip() or not secret:
        notice["rejoin"] = ("warning", MSG_REJOIN_EMPTY)
        return
    token = feedback.new_join_token()
    try:
        eng = engine()
        person = feedback.rejoin(
            eng, code=code, pseudonym=name, rejoin_code=secret, client_token=token
        )
        room = feedback.get_workshop(eng, person.workshop_id)
    except feedback.FeedbackError as exc:
        notice["rejoin"] = ("error", str(exc))
        return
    except feedback.StoreUnavailable:
        notice["rejoin"] = ("warning", MSG_STORE_DOWN)
        return
    st.session_state["rejoin_secret"] = ""
    set_participant(person, room, token=token, rejoin_code=secret)
    notice["joined"] = (
        "success",
        MSG_REJOINED.format(name=plain(person.pseudonym), title=plain(room.title)),
    )


def rejoin_panel(*, demo: bool) -> None:
    """Come back as oneself: workshop code (not in demo mode), made-up name, code to come back."""
    with st.form("rejoin_form", border=True):
        st.markdown(f"**{REJOIN_TITLE}**")
        st.caption(REJOIN_HELP)
        if not demo:
            st.text_input("Workshop code", key="rejoin_workshop", max_chars=12, placeholder="for example K7QM3D")
        st.text_input("Your made-up name", key="rejoin_pseudonym", max_chars=40)
        st.text_input(
            "Your code to come back",
            key="rejoin_secret",
            max_chars=20,
            placeholder="for example K7QM-3DXA",
            autocomplete="off",
        )
        st.form_submit_button("Come back", type="primary", on_click=_rejoin, args=(demo,))
    show_notice("rejoin")


TOAST_ICONS = {"success": ":material/check_circle:", "info": ":material/info:"}


def show_notice(name: str, *, toast: bool = False) -> None:
    """Show (once) a message a callback left for this run; as a toast if ``toast`` (for parts
    of a page that redraw themselves)."""
    notice = session_dict(state.NOTICES).pop(name, None)
    if notice is None:
        return
    kind, text = notice
    if toast:
        st.toast(text, icon=TOAST_ICONS.get(kind, ":material/warning:"), duration="long")
        return
    getattr(st, kind)(text)


def _withdraw() -> None:
    from csc_dash import feedback

    person = participant()
    notice = session_dict(state.NOTICES)
    if person is None:
        return
    try:
        feedback.withdraw(engine(), person["participant_id"])
    except feedback.StoreUnavailable:
        notice["withdraw"] = ("warning", MSG_STORE_DOWN)
        return
    forget_participant()
    st.session_state["withdraw_confirm"] = False
    session_dict(state.NOTICES)["withdraw"] = ("success", MSG_WITHDRAWN)


def withdraw_panel() -> None:
    """Who you are in the workshop, and the withdraw button behind a confirmation."""
    person = participant()
    st.success(
        f"You have joined **{plain(person['title'])}** as **{plain(person['pseudonym'])}** "
        f"({plain(person['role_tag'])}). Each page has a box at the bottom to save your view.",
        icon=":material/how_to_reg:",
    )
    rejoin_code_note()
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


def join_code_svg(code: str) -> str:
    """The join code as an SVG picture that scales to the width of its column."""
    width = 70 * len(code) + 20
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 120" role="img">'
        f'<text x="10" y="98" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" '
        f'font-size="104" font-weight="700" fill="#1a1a1a" textLength="{width - 20}" '
        f'lengthAdjust="spacingAndGlyphs">{html.escape(code)}</text></svg>'
    )


def join_code_banner(code: str) -> None:
    """The join code, large enough to read from the back of a room.

    Drawn as a picture (no HTML in the page) with the code, letter by letter, as its alt text and
    caption. The code is made by the app from a fixed alphabet, never typed by a person.
    """
    spaced = " ".join(code)
    if not _SAFE_CODE.fullmatch(code):
        st.header(plain(code), anchor=False)  # never a second page title (h1)
        return
    st.image(join_code_svg(code), width="stretch", alt=f"Join code {spaced}")
    st.caption(f"Join code, letter by letter: {spaced}")


# -- showing what people typed ---------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&:$=\"'])")


def plain(text: str) -> str:
    """Text a person typed, made safe to put inside markdown: every markup character escaped.

    Streamlit never renders raw HTML without ``unsafe_allow_html``; escaping also stops links,
    images (which would fetch from other sites) and emphasis. The one escaper for Markdown is
    :func:`csc_dash.markup.markdown_text`; this name stays for the pages that call it.
    """
    from csc_dash.markup import markdown_text

    return markdown_text(text)


# -- "Your views" questions ----------------------------------------------------------------------

YOUR_VIEWS = "your_views"
MSG_NO_ANSWER = "Please give an answer first, or skip this question."
MSG_LOCKED = "Join a workshop on the Welcome page to save your answers."
MSG_SAVED_MARK = "Your answer is saved"
RANK_LABEL = "Your order, most important first"
RANK_NOTE = "You do not have to give every check a place."
#: The places a check can take in a ranking, shown beside every check (no drop-down to open).
RANK_PLACES = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th")
MSG_RANK_SAME_PLACE = "Two checks have the same place. Give each check its own place, then save."
_SAME_PLACE = object()
_MISSING = object()


def line_in_force() -> dict[str, Any]:
    """The tool and the line this person's pages read now (never blank): the score line
    (``threshold``, the canonical value) and how many of every 1,000 referrals it flags."""
    from csc_dash import tradeoffs
    from csc_dash.ui import loaders

    cohort = loaders.current_cohort()
    model = loaders.current_model(cohort)
    table = loaders.sweep(cohort, model)
    line = loaders.current_threshold(cohort, model)
    row = tradeoffs.threshold_row(table, line)
    total = float(row["tp"] + row["fp"] + row["fn"] + row["tn"])
    return {
        "model": model,
        "threshold": float(line),
        "flagged_per_1000": tradeoffs.per_1000(float(row["flagged"]), total),
    }


def line_for_per_1000(per_1000: int) -> float:
    """The score line that flags (at most) ``per_1000`` of every 1,000 referrals with the tool
    in force (kept with a "Where would you draw the line?" answer, for analysts)."""
    from csc_dash import line
    from csc_dash.ui import loaders

    cohort = loaders.current_cohort()
    table = loaders.sweep(cohort, loaders.current_model(cohort))
    return line.threshold_for_per_1000(table, int(per_1000))


def screen_state(**extra: Any) -> dict[str, Any]:
    """What the person last looked at, stored with each answer on 'Your views'."""
    return {
        **line_in_force(),
        "bias": state.get(state.BIAS),
        "view": state.get(state.VIEW),
        **extra,
    }


def _read_answer(question) -> Any:
    """The answer in the widgets of ``question``, or ``_MISSING`` if none was given."""
    from csc_dash.content.questions import PRIORITY_LEVELS

    key = f"qa_{question.id}"
    value = st.session_state.get(key)
    if question.kind == "scale5":
        return int(value) if value is not None else _MISSING
    if question.kind == "choice":
        return value if value is not None else _MISSING
    if question.kind == "rank":
        places = {
            option: st.session_state.get(f"{key}_{i}")
            for i, option in enumerate(question.options)
            if st.session_state.get(f"{key}_{i}") in RANK_PLACES
        }
        if not places:
            return _MISSING
        if len(set(places.values())) < len(places):
            return _SAME_PLACE
        return sorted(places, key=lambda option: RANK_PLACES.index(places[option]))
    if question.kind == "priority":
        levels = {}
        for i, option in enumerate(question.options):
            level = st.session_state.get(f"{key}_{i}")
            if level in PRIORITY_LEVELS:
                levels[option] = level
        return levels or _MISSING
    if question.kind == "number":
        if st.session_state.get(f"{key}_none"):
            return None
        return int(value) if value is not None else _MISSING
    text = str(value or "").strip()
    return text if text else _MISSING


def _on_answer(question_id: str, screen: dict[str, Any]) -> None:
    from csc_dash.content.questions import by_id
    from csc_dash.ui import save_view

    question = by_id(question_id)
    value = _read_answer(question)
    if value is _MISSING:
        session_dict(state.NOTICES)[f"{YOUR_VIEWS}:{question_id}"] = ("warning", MSG_NO_ANSWER)
        return
    if value is _SAME_PLACE:
        session_dict(state.NOTICES)[f"{YOUR_VIEWS}:{question_id}"] = ("warning", MSG_RANK_SAME_PLACE)
        return
    screen = {**screen, "question_id": question_id}
    if question.kind == "number":
        from csc_dash import feedback

        # The box's number is stored exactly; the score line it maps to goes beside it.
        screen[feedback.ANSWER_LINE] = None if value is None else line_for_per_1000(value)
    save_view.submit(YOUR_VIEWS, question_id, value, screen)


def _index(options, previous) -> int | None:
    return list(options).index(previous) if previous in options else None


def question_form(
    question, previous: Any, screen: dict[str, Any], *, enabled: bool, answered: bool = False
) -> None:
    """One question as its own small form with a Save button; skipping is not saving.

    ``previous`` is the person's saved answer (``answered`` says whether there is one: a saved
    "no threshold" is ``None`` too). A saved answer fills the form and is marked "Your answer is
    saved" (words and a tick), unless a newer answer to it is waiting or was refused.
    """
    from csc_dash.content.questions import FREE_TEXT_REMINDER, PRIORITY_LEVELS
    from csc_dash.ui import save_view

    if save_view.retry_panel(YOUR_VIEWS, question.id):
        return
    if enabled:
        save_view.form_token(YOUR_VIEWS, question.id)
    key = f"qa_{question.id}"
    saved = enabled and answered and (YOUR_VIEWS, question.id) not in session_dict(state.PENDING)
    if question.kind == "number":
        _number_question(question, previous, screen, enabled=enabled, answered=answered, saved=saved)
        return
    with st.form(f"q_{question.id}", border=True):
        st.markdown(f"**{question.prompt}**")
        if question.help and question.kind != "text":
            st.caption(question.help)
        if question.kind == "scale5":
            st.radio(
                question.prompt,
                [1, 2, 3, 4, 5],
                format_func=lambda i: question.options[i - 1],
                index=_index([1, 2, 3, 4, 5], previous),
                horizontal=True,
                key=key,
                label_visibility="collapsed",
            )
        elif question.kind == "choice":
            st.radio(
                question.prompt,
                question.options,
                index=_index(question.options, previous),
                key=key,
                label_visibility="collapsed",
            )
        elif question.kind == "rank":
            # Every check with its places in view (a drop-down hid them, and chosen chips were
            # cut off on a phone); rows of fixed height, so "Save" stays where it was.
            order = [o for o in (previous or []) if o in question.options]
            places = RANK_PLACES[: len(question.options)]
            st.caption(f"{RANK_LABEL}. {RANK_NOTE}")
            for i, option in enumerate(question.options):
                st.radio(
                    option,
                    places,
                    index=order.index(option) if option in order else None,
                    horizontal=True,
                    key=f"{key}_{i}",
                )
        elif question.kind == "priority":
            previous = previous if isinstance(previous, dict) else {}
            for i, option in enumerate(question.options):
                st.radio(
                    option,
                    PRIORITY_LEVELS,
                    index=_index(PRIORITY_LEVELS, previous.get(option)),
                    horizontal=True,
                    key=f"{key}_{i}",
                )
        else:
            st.text_area(
                question.prompt,
                value=previous if isinstance(previous, str) else "",
                max_chars=2000,
                height=90,
                key=key,
                label_visibility="collapsed",
                help=FREE_TEXT_REMINDER,
            )
            st.caption(FREE_TEXT_REMINDER)
        row = st.container(horizontal=True, vertical_alignment="center")
        with row:
            st.form_submit_button(
                "Save this answer",
                disabled=not enabled,
                on_click=_on_answer,
                args=(question.id, screen),
            )
            if saved:
                st.badge(MSG_SAVED_MARK, icon=":material/check_circle:", color="green")
    save_view.messages(YOUR_VIEWS, question.id)


NUMBER_LABEL = "How many in every 1,000 referrals (a whole number from 0 to 1,000)"
NO_LINE_LABEL = "No line: I would not accept any line"
LINE_NOW = "The line you are using now flags {n} in every 1,000 referrals."
LINE_AS_SCORE = "For analysts: {n} in every 1,000 is a score line of {score:.3f} with this tool."


def _on_no_line(question_id: str) -> None:
    """"No line" ticked: the box empties (no number is shown, none is stored); unticked: the
    box shows the line in force again."""
    key = f"qa_{question_id}"
    if st.session_state.get(f"{key}_none"):
        st.session_state[key] = None
    else:
        st.session_state[key] = line_in_force()["flagged_per_1000"]


def _number_question(question, previous, screen, *, enabled: bool, answered: bool, saved: bool) -> None:
    """"Where would you draw the line?" in plain words: how many of every 1,000 referrals would
    be flagged, as a whole number. Not a form, so ticking "No line" empties the box at once."""
    from csc_dash.ui import save_view, shell

    key, none_key = f"qa_{question.id}", f"qa_{question.id}_none"
    now = line_in_force()
    if key not in st.session_state and none_key not in st.session_state:
        no_line = answered and previous is None
        st.session_state[none_key] = no_line
        if no_line:
            st.session_state[key] = None
        elif isinstance(previous, (int, float)) and not isinstance(previous, bool):
            st.session_state[key] = int(previous)
        else:
            st.session_state[key] = now["flagged_per_1000"]
    with st.container(border=True):
        st.markdown(f"**{question.prompt}**")
        if question.help:
            st.caption(question.help)
        st.checkbox(
            NO_LINE_LABEL,
            key=none_key,
            on_change=_on_no_line,
            args=(question.id,),
            disabled=not enabled,
        )
        value = st.number_input(
            NUMBER_LABEL,
            min_value=0,
            max_value=1000,
            step=1,
            format="%d",
            value=None,
            key=key,
            placeholder="No line" if st.session_state.get(none_key) else "A whole number",
            disabled=not enabled or bool(st.session_state.get(none_key)),
        )
        st.caption(LINE_NOW.format(n=now["flagged_per_1000"]))
        if shell.analyst_view() and value is not None:
            st.caption(LINE_AS_SCORE.format(n=int(value), score=line_for_per_1000(int(value))))
        row = st.container(horizontal=True, vertical_alignment="center")
        with row:
            st.button(
                "Save this answer",
                key=f"save_{question.id}",
                disabled=not enabled,
                on_click=_on_answer,
                args=(question.id, screen),
            )
            if saved:
                st.badge(MSG_SAVED_MARK, icon=":material/check_circle:", color="green")
    save_view.messages(YOUR_VIEWS, question.id)


def latest_answers() -> dict[tuple[str, str], Any]:
    """The joined participant's saved answers (to fill the forms again); empty if unreachable."""
    from csc_dash import feedback

    person = participant()
    if person is None:
        return {}
    try:
        return feedback.latest_answers(engine(), person["participant_id"])
    except feedback.StoreUnavailable:
        return {}


# -- statements ------------------------------------------------------------------------------------

VOTE_LABELS = {"agree": "Agree", "disagree": "Disagree", "pass": "Pass"}
STATEMENTS_TITLE = "Statements"
STATEMENTS_INTRO = (
    "Do you agree with each statement? Choose **Pass** if you are not sure or would rather not "
    "say. You can change your vote."
)
STATEMENTS_LOCKED = "When you join a workshop, you can say if you agree with statements here."
STATEMENTS_JOIN = (
    "Join a workshop on the Welcome page. Then you can say if you agree with statements about "
    "these ideas, and write one of your own."
)
MSG_PROPOSED = "Thank you. The facilitator reads each statement before the room can vote on it."
MSG_PROPOSED_AGAIN = "You have already sent this statement."


def _on_vote(statement_id: int) -> None:
    from csc_dash import feedback

    person = participant()
    choice = st.session_state.get(f"vote_{statement_id}")
    if person is None or choice is None:
        return
    pending = session_dict(state.PENDING)
    entry = pending.get(("statement", statement_id))
    token = entry["token"] if entry and entry["value"] == choice else feedback.new_client_token()
    pending[("statement", statement_id)] = {"token": token, "value": choice, "retry": True}
    _send_vote(statement_id)


def _send_vote(statement_id: int) -> None:
    from csc_dash import feedback

    person = participant()
    pending = session_dict(state.PENDING)
    entry = pending.get(("statement", statement_id))
    if person is None or entry is None:
        return
    notices = session_dict(state.NOTICES)
    try:
        feedback.vote(
            engine(),
            participant_id=person["participant_id"],
            statement_id=statement_id,
            choice=entry["value"],
            client_token=entry["token"],
        )
    except feedback.StoreUnavailable:
        notices[f"vote:{statement_id}"] = ("warning", MSG_STORE_DOWN)
        return
    except feedback.WorkshopClosed as exc:
        notices[f"vote:{statement_id}"] = ("warning", str(exc))  # kept, with Retry
        return
    except feedback.FeedbackError as exc:
        pending.pop(("statement", statement_id), None)
        notices[f"vote:{statement_id}"] = ("error", str(exc))
        return
    pending.pop(("statement", statement_id), None)
    session_dict(state.LAST_SAVED)[("statement", statement_id)] = {"value": entry["value"]}


AUTHOR_LEFT_NOTE = "Written by a participant who has left. Their name is not kept."


def statement_card(statement, stored: str | None = None) -> None:
    """A statement with Agree / Disagree / Pass, showing the person's vote (``stored``: their
    vote in the store, so it shows after a reload too); a failed vote stays with a Retry button."""
    with st.container(border=True):
        st.markdown(plain(statement.text))
        if statement.author_left:
            st.caption(AUTHOR_LEFT_NOTE)
        voted = session_dict(state.LAST_SAVED).get(("statement", statement.id), {}).get("value")
        voted = voted if voted is not None else stored
        key = f"vote_{statement.id}"
        if key not in st.session_state and voted is not None:
            st.session_state[key] = voted
        st.segmented_control(
            "Your vote",
            list(VOTE_LABELS),
            format_func=VOTE_LABELS.get,
            key=key,
            on_change=_on_vote,
            args=(statement.id,),
            label_visibility="collapsed",
        )
        show_notice(f"vote:{statement.id}")
        if ("statement", statement.id) in session_dict(state.PENDING):
            st.button("Retry", key=f"retry_vote_{statement.id}", on_click=_send_vote, args=(statement.id,))


def _on_propose() -> None:
    from csc_dash import feedback

    person = participant()
    text = str(st.session_state.get("propose_text") or "").strip()
    notices = session_dict(state.NOTICES)
    if person is None:
        return
    if not text:
        notices["propose"] = ("warning", "Please write a statement first.")
        return
    last = session_dict(state.LAST_SAVED).get(("propose", "statement"))
    if last and last.get("signature") == text:
        notices["propose"] = ("info", MSG_PROPOSED_AGAIN)
        return
    try:
        feedback.add_statement(
            engine(),
            workshop_id=person["workshop_id"],
            text=text,
            source="participant",
            proposed_by=person["participant_id"],
            approved=False,
        )
    except feedback.StoreUnavailable:
        notices["propose"] = ("warning", MSG_STORE_DOWN)
        return
    except feedback.FeedbackError as exc:
        notices["propose"] = ("error", str(exc))
        return
    session_dict(state.LAST_SAVED)[("propose", "statement")] = {"signature": text}
    notices["propose"] = ("success", MSG_PROPOSED)


def propose_form() -> None:
    from csc_dash.content.questions import FREE_TEXT_REMINDER

    with st.form("propose_form", border=True):
        st.markdown("**Propose a statement for the room**")
        st.text_area(
            "Your statement",
            key="propose_text",
            max_chars=280,
            height=80,
            placeholder="For example: Families should be told when a tool is used.",
        )
        st.caption(FREE_TEXT_REMINDER)
        st.form_submit_button("Send to the facilitator", on_click=_on_propose)
    show_notice("propose")


def statements_section(*, not_joined: str = STATEMENTS_LOCKED, link: bool = False) -> None:
    """The workshop's open statements with Agree / Disagree / Pass, and the box to propose one;
    for someone who has not joined, ``not_joined`` (and a link to Welcome if ``link``)."""
    from csc_dash import feedback

    st.header(STATEMENTS_TITLE, anchor=False)
    if not joined():
        st.markdown(not_joined)
        if link:
            st.page_link("app_pages/welcome.py", label="Go to Welcome to join", icon=":material/group_add:")
        return
    st.markdown(STATEMENTS_INTRO)
    workshop_id = participant()["workshop_id"]
    try:
        eng = engine()
        state.put(state.STATEMENTS_VERSION, feedback.statements_version(eng, workshop_id))
        statements = feedback.list_statements(eng, workshop_id)
        mine = feedback.participant_votes(eng, participant()["participant_id"])
    except feedback.StoreUnavailable:
        statements, mine = [], {}
        st.warning(MSG_STORE_DOWN)
    for statement in statements:
        statement_card(statement, mine.get(statement.id))
    propose_form()
    watch_for_changes("statements", workshop_id)


#: How often an open page asks whether its statements, or the facilitator's live results, changed.
WATCH_SECONDS = {"statements": 3, "live": 3}
_VERSIONS = {"statements": state.STATEMENTS_VERSION, "live": state.LIVE_VERSION}


def _version(kind: str, workshop_id: int):
    from csc_dash import feedback

    if kind == "live":
        return feedback.workshop_version(engine(), workshop_id)
    return feedback.statements_version(engine(), workshop_id)


def mark_drawn(kind: str, workshop_id: int) -> None:
    """Remember the fingerprint of the data a section is about to draw (before reading it, so a
    change in between makes one more redraw, never a missed one)."""
    from csc_dash import feedback

    try:
        state.put(_VERSIONS[kind], _version(kind, workshop_id))
    except feedback.StoreUnavailable:
        state.put(_VERSIONS[kind], None)


@st.fragment(run_every=min(WATCH_SECONDS.values()))
def watch_for_changes(kind: str, workshop_id: int) -> None:
    """Every few seconds, a cheap look at a fingerprint of the workshop's data; only when it
    changed is the page drawn again (``st.rerun``). Otherwise nothing on screen is touched:
    this fragment draws no element, so a projector shows no flicker."""
    from csc_dash import feedback

    try:
        now = _version(kind, workshop_id)
    except feedback.StoreUnavailable:
        return  # the page already says so; look again next time
    if now != state.get(_VERSIONS[kind]):
        state.put(_VERSIONS[kind], now)
        st.rerun()


# -- facilitator ----------------------------------------------------------------------------------

LIVE_SECONDS = 3
LIVE_NOTE = (
    "These update by themselves within a few seconds of anyone answering. Nothing moves while "
    "nothing changes."
)


def erasure_note() -> str:
    """What the database keeps for a while after an erase, for this store's kind of database."""
    from csc_dash import feedback

    return feedback.ERASURE_REMAINS.get(engine().dialect.name, feedback.ERASURE_REMAINS["postgresql"])

MSG_ERASED_PARTICIPANT = (
    "Done. That person's answers and votes are deleted. A statement of theirs that the room "
    "could vote on stays, without their name."
)
MSG_ERASE_NOT_FOLDED = (
    "Deleted. The database was busy, so a copy may stay in its journal file for a while: until "
    "the next delete, or until the app restarts."
)
MSG_ERASED_WORKSHOP = "Done. The workshop and everything in it are deleted."
MSG_REJECTED = "Done. That statement is removed. No one will see it."


def page_titles() -> dict[str, str]:
    """Page id (the file name without ``.py``) -> the title people see in the menu."""
    from pathlib import PurePosixPath

    from csc_dash.ui import navigation

    return {PurePosixPath(spec.path).stem: spec.title for spec in navigation.PAGES}


def workshop_label(item, *, show_owner: bool) -> str:
    status = "open" if item.status == "open" else "closed"
    owner = f" · by {item.created_by}" if show_owner else ""
    return f"{item.title} · {item.code} · {status}{owner}"


def guarded(action, *args, success: str | None = None, notice: str = "facilitator", **kwargs) -> None:
    """Run a store action from a button callback; plain messages instead of tracebacks."""
    from csc_dash import feedback

    notices = session_dict(state.NOTICES)
    try:
        result = action(engine(), *args, **kwargs)
    except feedback.StoreUnavailable:
        notices[notice] = ("warning", MSG_STORE_DOWN)
        return
    except feedback.FeedbackError as exc:
        notices[notice] = ("error", str(exc))
        return
    if result is False and action in (feedback.erase_participant, feedback.erase_workshop):
        notices[notice] = ("warning", MSG_ERASE_NOT_FOLDED)
        return
    if success:
        notices[notice] = ("success", success)


LABEL_WORDS = {
    "consensus": "Most people, in every group, are on the same side",
    "divisive": "People are split",
    "mixed": "Mixed views",
    "too few votes": "Too few votes to tell",
}


STATEMENT_COLUMNS = {
    "text": "Statement",
    "author": "Written by",
    "agree": "Agree",
    "disagree": "Disagree",
    "pass": "Pass",
    "label": "How the room voted",
    "by_role": "Agreement by group",
}


def statement_table(results, *, for_markdown: bool = False):
    """Statement results for display: plain labels and agreement by group as text.

    With ``for_markdown`` (for ``st.table``, whose cells read Markdown) every text cell is
    escaped to show exactly as typed, and the columns carry the titles people see.
    """

    def by_group(shares) -> str:
        if not isinstance(shares, dict) or not shares:
            return ""
        return "; ".join(f"{role}: {share:.0%} agree" for role, share in shares.items())

    table = results[list(STATEMENT_COLUMNS)].copy()
    table["label"] = table["label"].map(lambda v: LABEL_WORDS.get(v, v))
    table["by_role"] = table["by_role"].map(by_group)
    if for_markdown:
        for column in ("text", "author", "label", "by_role"):
            table[column] = table[column].map(plain)
        table = table.rename(columns=STATEMENT_COLUMNS)
    return table


FREE_TEXT_COLUMNS = {
    "pseudonym": "Made-up name",
    "role_tag": "Group",
    "page": "Page",
    "question_id": "Question",
    "text": "What they wrote",
}
REACTION_REASON = "Why they saved this view of the screen"


def question_label(question_id: str) -> str:
    """The question people saw, instead of its stored id."""
    if question_id == "reaction":
        return REACTION_REASON
    from csc_dash.content import questions

    try:
        return questions.by_id(question_id).prompt
    except KeyError:
        return question_id


def free_text_table(frame):
    """What people wrote, for ``st.table`` (cells read Markdown): page titles and question
    prompts instead of ids, every cell escaped so it shows exactly as typed, shown in full."""
    titles = page_titles()
    table = frame[list(FREE_TEXT_COLUMNS)].copy()
    table["page"] = table["page"].map(lambda p: titles.get(p, p))
    table["question_id"] = table["question_id"].map(question_label)
    for column in FREE_TEXT_COLUMNS:
        table[column] = table[column].map(lambda v: plain(str(v)))
    return table.rename(columns=FREE_TEXT_COLUMNS)
