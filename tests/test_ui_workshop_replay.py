"""Replay a saved screen: for every page with "Save my view", a participant saves a view at
settings of their own; the facilitator shows it on the projector and sees exactly that screen
(the page's screen state equals the saved one, and the same figures and words show); leaving the
replay gives the facilitator their own settings back."""

from __future__ import annotations

import json

import pytest
import textstat
from streamlit.testing.v1.element_tree import Block

from csc_dash import council_table, workshop
from csc_dash.fairness import PRESETS
from csc_dash.ui import state
from csc_dash.ui.workshop import replay, save_view, session, voting
from tests.helpers import assert_no_exception
from tests.workshop_helpers import (  # noqa: F401
    add_staff,
    engine,
    fast_bcrypt,
    join,
    new_app,
    sign_in,
)

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

FACILITATOR = "app_pages/facilitator.py"


# The settings a participant moves before saving, per page (none of them the defaults).
SETTINGS = {
    "question": {state.MODEL: "text", state.VIEW: "analyst"},
    "tradeoffs": {
        state.MODEL: "text",
        state.THRESHOLD: 0.31,
        state.COST: 25,
        state.CAPACITY: 65,
        state.COMPARE_AT: 150,
        state.BIAS: "strong",
    },
    "children": {state.THRESHOLD: 0.27, state.CHILD_SEED: 3, state.VIEW: "analyst"},
    "fairness": {
        state.CHARACTERISTIC: ("age_band",),
        state.PRESET: PRESETS[1],
        state.BIAS: "none",
        state.THRESHOLD: 0.35,
    },
    "root_causes": {
        state.ROOT_VIEW: "council",
        state.ROOT_COUNCIL: "E06000009",
        state.ROOT_RATE: list(council_table.RATE_LABELS)[1],
        state.ROOT_REDUCTION: 35,
        state.VIEW: "analyst",
    },
    "ethics": {state.VIEW: "analyst"},
}
#: The facilitator's own settings before the replay (put back when they leave it).
OWN = {
    state.MODEL: "structured",
    state.THRESHOLD: 0.22,
    state.VIEW: "plain",
    state.BIAS: "moderate",
    state.COST: 4,
    state.CHILD_SEED: 0,
    state.ROOT_VIEW: "england",
    state.PRESET: "single",
}


@pytest.mark.parametrize(("name", "text"), sorted(replay.plain_texts().items()))
def test_plain_words(name, text):
    assert textstat.flesch_kincaid_grade(text) <= 8, name


def _body(at) -> dict:
    """What the page shows in its main part, in order: every chart, paragraph and number, up to
    the statements to vote on (a participant's own votes, not part of a screen) and leaving out
    the banner above and "Save my view" / "What they said" below (they differ, on purpose)."""
    shown = []
    for element in at.main:
        if isinstance(element, Block):
            continue
        if element.type == "header" and element.value == voting.STATEMENTS_TITLE:
            break
        if element.type == "subheader" and element.value in (
            save_view.TITLE,
            save_view.REPLAY_TITLE,
        ):
            break
        if element.type == "plotly_chart":
            shown.append(json.loads(element.proto.spec))
        elif element.type in ("markdown", "metric", "header", "subheader", "table"):
            shown.append(
                str(element.value) if element.type != "metric" else (element.label, element.value)
            )
    return shown


def _stored_views(room_id: int) -> list[dict]:
    frame = workshop.responses(engine(), room_id)
    return frame[frame["question_id"] == save_view.QUESTION_REACTION].to_dict("records")


def _save(at, page: str, reaction: str = "not_acceptable", reason: str = "Too many false alarms."):
    at.radio(key=f"sv_{page}_reaction").set_value(reaction)
    at.text_area(key=f"sv_{page}_reason").input(reason)
    return at.button(key=f"FormSubmitter:save_view_{page}-Save my view").click().run()


@pytest.mark.parametrize("page_id", sorted(replay.PAGE_SETTINGS))
def test_the_replayed_screen_is_the_saved_screen(monkeypatch, page_id):
    add_staff(monkeypatch, "fay")
    room = workshop.create_workshop(engine(), title="Room", created_by="fay")
    kite = join(new_app(), "Kite", "Family member", code=room.code)
    for key, value in SETTINGS[page_id].items():
        kite.session_state[key] = value
    path = replay.page_files()[page_id]
    kite.switch_page(path).run()
    if page_id == "children":  # a filter, and a child's story open
        kite.multiselect(key=replay.filter_key("age_band")).set_value(["10-15"]).run()
        kite.selectbox(key=state.widget_key(state.SELECTED_CHILD)).select_index(2).run()
        assert kite.session_state[state.SELECTED_CHILD] is not None
    assert_no_exception(kite)
    seen = _body(kite)
    kite = _save(kite, page_id)
    assert_no_exception(kite)
    (saved,) = _stored_views(room.id)
    assert saved["page"] == page_id
    # The view holds every setting the person moved (the line on a whole step of its tool).
    held = replay.settings_of(page_id, saved["screen_state"])
    moved = {k: v for k, v in SETTINGS[page_id].items() if k != state.THRESHOLD}
    assert {k: held.get(k) for k in moved} == moved
    if page_id == "children":
        assert held[replay.filter_key("age_band")] == ["10-15"]
        assert held[state.SELECTED_CHILD] == kite.session_state[state.SELECTED_CHILD]

    fac = sign_in(new_app(), "fay")
    for key, value in OWN.items():
        fac.session_state[key] = value
    fac.switch_page(FACILITATOR).run()
    assert_no_exception(fac)
    own = {k: fac.session_state[k] for k in OWN}
    fac.button(key=f"replay_{saved['response_id']}").click().run()
    assert_no_exception(fac)

    # The page the view was saved on, with the banner and the person's words.
    assert replay.BANNER in fac.info[0].value
    assert "Kite (Family member)" in fac.info[0].value
    assert save_view.REPLAY_TITLE in [s.value for s in fac.subheader]
    assert "Too many false alarms." in [t.value for t in fac.text][-1]
    # Exactly the saved screen: the state the page reports, and what it shows.
    assert fac.session_state[state.REPLAY_SHOWN] == saved["screen_state"]
    assert _body(fac) == seen

    # Back to the console: the facilitator's own settings, as they were.
    fac.button(key=replay.BACK_KEY).click().run()
    assert_no_exception(fac)
    assert fac.session_state[state.REPLAY] is None
    assert {k: fac.session_state[k] for k in OWN} == own
    assert "Saved views" in [h.value for h in fac.header]


def test_leaving_by_the_menu_puts_the_facilitators_settings_back(monkeypatch):
    add_staff(monkeypatch, "fay")
    room = workshop.create_workshop(engine(), title="Room", created_by="fay")
    kite = join(new_app(), "Kite", "Family member", code=room.code)
    kite.session_state[state.COST] = 77
    kite.switch_page("app_pages/tradeoffs.py").run()
    _save(kite, "tradeoffs", "acceptable", "")
    (saved,) = _stored_views(room.id)

    fac = sign_in(new_app(), "fay")
    fac.session_state[state.COST] = 3
    fac.switch_page(FACILITATOR).run()
    fac.button(key=f"replay_{saved['response_id']}").click().run()
    assert fac.session_state[state.COST] == 77
    assert fac.number_input(key=state.widget_key(state.COST)).value == 77
    fac.switch_page("app_pages/question.py").run()
    assert_no_exception(fac)
    assert fac.session_state[state.COST] == 3
    assert fac.session_state[state.REPLAY] is None
    assert not [i for i in fac.info if replay.BANNER in i.value]


def test_a_name_typed_by_a_person_is_shown_as_text(monkeypatch):
    add_staff(monkeypatch, "fay")
    room = workshop.create_workshop(engine(), title="Room", created_by="fay")
    xss = "<img src=x onerror=alert(1)>**bold**"
    kite = join(new_app(), xss[:30], "Family member", code=room.code)
    kite.switch_page("app_pages/question.py").run()
    _save(kite, "question", "unsure", xss)
    fac = sign_in(new_app(), "fay").switch_page(FACILITATOR).run()
    assert_no_exception(fac)
    (row,) = [m for m in fac.main.markdown if "I am not sure" in m.value]
    assert "<img" not in row.value.replace("\\<img", "") and not row.proto.allow_html
    assert xss in [t.value for t in fac.text]
    (saved,) = _stored_views(room.id)
    fac.button(key=f"replay_{saved['response_id']}").click().run()
    # Escaped for Markdown: shown exactly as typed, never as a picture or bold.
    assert session.plain(xss[:30]) in fac.info[0].value


def test_settings_of_restores_only_what_the_view_holds():
    view = {
        "model": "text",
        "threshold": 0.4,
        "characteristic": ["age_band", "ethnicity"],
        "extra": 1,
    }
    assert replay.settings_of("fairness", view) == {
        state.MODEL: "text",
        state.THRESHOLD: 0.4,
        state.CHARACTERISTIC: ("age_band", "ethnicity"),
    }
    assert replay.settings_of("fairness", {"characteristic": None}) == {}
    assert replay.settings_of("children", {"filters": {"age_band": ["<1"]}, "seed": 2}) == {
        state.CHILD_SEED: 2,
        replay.filter_key("age_band"): ["<1"],
    }
    assert replay.settings_of("root_causes", {"part": "ranking", "view": "plain"}) == {
        state.ROOT_VIEW: "ranking",
        state.VIEW: "plain",
    }


def test_saved_views_keeps_each_persons_latest_view_of_each_page_newest_first():
    def row(rid, pid, page, qid="reaction", screen=None):
        return {
            "response_id": rid,
            "participant_id": pid,
            "page": page,
            "question_id": qid,
            "pseudonym": f"p{pid}",
            "role_tag": "Family member",
            "value": {"reaction": "unsure", "reason": ""},
            "screen_state": {"model": "structured"} if screen is None else screen,
        }

    rows = [
        row(1, 1, "tradeoffs"),
        row(2, 1, "tradeoffs"),  # replaces 1
        row(3, 2, "tradeoffs"),
        row(4, 1, "question"),
        row(5, 1, "your_views", "should_use"),  # not a saved view
        row(6, 2, "welcome"),  # not a page that saves views
    ]
    assert [v["response_id"] for v in replay.saved_views(rows)] == [4, 3, 2]


def test_a_session_without_a_facilitator_never_shows_a_replay(app_test):
    """Signed out on the projector's laptop: no banner, no one's words, and the settings kept
    from before the replay come back."""
    view = {
        "page": "question",
        "pseudonym": "Kite",
        "role_tag": "Family member",
        "value": {"reaction": "unsure", "reason": "Secret words"},
        "screen_state": {},
    }
    at = app_test(
        **{state.REPLAY: view, state.REPLAY_KEPT: {state.MODEL: "structured"}, state.MODEL: "text"}
    )
    at.switch_page("app_pages/question.py").run()
    assert_no_exception(at)
    assert at.session_state[state.REPLAY] is None
    assert at.session_state[state.MODEL] == "structured"
    assert not [i for i in at.info if replay.BANNER in i.value]
    assert "Secret words" not in [t.value for t in at.text]
    assert save_view.REPLAY_TITLE not in [s.value for s in at.subheader]


def _replaying(monkeypatch):
    """Kite saves a view of Trade-offs; the facilitator shows it on the projector."""
    add_staff(monkeypatch, "fay")
    room = workshop.create_workshop(engine(), title="Room", created_by="fay")
    kite = join(new_app(), "Kite", "Family member", code=room.code)
    kite.switch_page("app_pages/tradeoffs.py").run()
    _save(kite, "tradeoffs", "acceptable", "Fine by me.")
    (saved,) = _stored_views(room.id)
    fac = sign_in(new_app(), "fay").switch_page(FACILITATOR).run()
    fac.button(key=f"replay_{saved['response_id']}").click().run()
    assert any(replay.BANNER in i.value and "Kite" in i.value for i in fac.info)
    return fac.switch_page("app_pages/tradeoffs.py"), saved  # the projector stays on that page


def _no_trace_of_kite(fac) -> None:
    assert_no_exception(fac)
    assert fac.session_state[state.REPLAY] is None
    text = " ".join(e.value for e in (*fac.info, *fac.main.markdown, *fac.text, *fac.subheader))
    assert "Kite" not in text and "Fine by me." not in text
    assert replay.SECTION in [h.value for h in fac.header]  # back on the console


def test_a_view_on_the_projector_goes_when_its_person_withdraws(monkeypatch):
    fac, saved = _replaying(monkeypatch)
    assert workshop.withdraw(engine(), saved["participant_id"])
    fac.run()  # the projector's next redraw
    _no_trace_of_kite(fac)
    assert replay.MSG_GONE in [i.value for i in fac.info]


def test_a_view_on_the_projector_ends_when_the_store_cannot_say_its_person_is_there(monkeypatch):
    fac, _saved = _replaying(monkeypatch)

    def down(*_args, **_kwargs):
        raise workshop.StoreUnavailable("down")

    monkeypatch.setattr(replay, "response_exists", down)
    fac.run()
    assert_no_exception(fac)
    assert fac.session_state[state.REPLAY] is None
    assert not [i for i in fac.info if replay.BANNER in i.value]
    assert session.MSG_STORE_DOWN in [w.value for w in fac.warning]
    assert replay.SECTION in [h.value for h in fac.header]  # back on the console


def test_a_view_on_the_projector_stays_while_its_person_is_there(monkeypatch):
    fac, _saved = _replaying(monkeypatch)
    fac.run()
    assert_no_exception(fac)
    assert fac.session_state[state.REPLAY] is not None
    assert any(replay.BANNER in i.value and "Kite" in i.value for i in fac.info)
    assert any("Fine by me." in t.value for t in fac.text)
