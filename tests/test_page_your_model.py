"""The 'Your own model' page through app.py: upload, map, check, use, clear, and plain errors.

AppTest drives ``st.file_uploader`` with ``set_value`` (filename, bytes, mime), so the real
upload path is tested, not a stand-in.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from csc_dash import atrs, markup, workshop
from csc_dash import cohort as cohort_mod
from csc_dash.ui import navigation, shell, state
from csc_dash.ui.workshop import decisions as decisions_ui
from csc_dash.ui.workshop.facilitator import workshop_label
from csc_dash.workshop.decisions import Link
from csc_dash.workshop.engagement import engagement_words
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import add_staff, engine, fast_bcrypt, new_app, sign_in  # noqa: F401

PAGE = "app_pages/your_model.py"
ROOT = Path(__file__).resolve().parents[1]
MARKER = "Zebra-7731"  # a group value that must never reach the disk
RISKS = "risks_mitigations_and_impact_assessments"
DECIDED = "tier_2.risks_mitigations_and_impact_assessments.engagement_decisions"


def _csv(n: int = 240, *, seed: int = 5) -> bytes:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.2).astype(int)
    frame = pd.DataFrame(
        {
            "case": [f"c{i}" for i in range(n)],
            "escalated": np.where(y == 1, "yes", "no"),
            "score_new": np.clip(0.2 * y + 0.8 * rng.random(n), 0, 1).round(3),
            "risk band": rng.integers(1, 21, n),
            "age_band": rng.choice(["0-4", "5-9", "10+"], n),
            "<b>team</b>": rng.choice([MARKER, "West *bold*"], n),
        }
    )
    return frame.to_csv(index=False).encode()


def _open(app_test, **session_state):
    at = app_test(**session_state)
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def _upload(at, data: bytes, name: str = "scores.csv"):
    at.file_uploader(key="your_model_file").set_value((name, data, "text/csv")).run()
    assert_no_exception(at)
    return at


def _button(at, label: str):
    matches = [b for b in at.button if b.label == label]
    assert matches, [b.label for b in at.button]
    return matches[0]


def test_page_is_for_analysts_facilitators_admins_and_demo():
    spec = next(s for s in navigation.PAGES if s.path == PAGE)
    assert spec.access == "analysts" and spec.title == "Your own model"
    assert navigation.allowed(spec, roles=frozenset(), demo_mode=True)
    for role in ("analyst", "facilitator", "admin"):
        assert navigation.allowed(spec, roles=frozenset({role}), demo_mode=False)
    assert not navigation.allowed(spec, roles=frozenset(), demo_mode=False)
    assert not navigation.allowed(spec, roles=frozenset({"participant"}), demo_mode=False)


def test_upload_map_check_and_use(app_test):
    at = _open(app_test)
    assert at.title[0].value == "Your own model"
    data = _csv()
    _upload(at, data)
    # The guesses: outcome, both score columns, the text group columns (not the case id).
    assert at.selectbox[0].value == "escalated"
    assert at.multiselect[0].value == ["score_new", "risk band"]
    assert at.multiselect[1].value == ["age_band", "<b>team</b>"]
    assert at.selectbox[1].value == ""  # no date column in this file
    _button(at, "Check this file").click().run()
    assert_no_exception(at)
    expected = cohort_mod.load_scored_csv(data)
    assert [s.value for s in at.success] == ["This file can be used."]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Referrals"] == f"{len(expected):,}"
    assert metrics["Went on to a plan or care"] == f"{int(expected.y.sum()):,}"
    notices = [i.value for i in at.info]
    for notice in expected.notices:
        assert markup.markdown_text(notice) in notices
    assert at.session_state[state.UPLOAD] is None  # not used until the analyst says so

    _button(at, "Use this test set").click().run()
    assert_no_exception(at)
    used = at.session_state[state.UPLOAD]
    assert isinstance(used, cohort_mod.ScoredCohort) and used.source == "upload"
    assert len(used) == len(expected) and int(used.y.sum()) == int(expected.y.sum())
    assert used.models == ("score_new", "risk band")
    assert [used.label(c) for c in used.group_columns] == ["age_band", "<b>team</b>"]
    assert at.session_state[state.MODEL] == "score_new"
    assert "Every page now uses your test set" in page_text(at)

    # Every evidence page now reads the upload.
    at.switch_page("app_pages/welcome.py").run()
    assert_no_exception(at)
    assert shell.UPLOAD_NOTICE in page_text(at)
    assert at.session_state[state.UPLOAD] is used


def test_changing_the_mapping(app_test):
    at = _upload(_open(app_test), _csv())
    at.multiselect[0].set_value(["score_new"])
    at.multiselect[1].set_value([])
    _button(at, "Check this file").click().run()
    assert_no_exception(at)
    _button(at, "Use this test set").click().run()
    used = at.session_state[state.UPLOAD]
    assert used.models == ("score_new",) and used.group_columns == ()


def test_a_date_column_is_guessed_and_used(app_test):
    rows = "outcome;score;referral date\n" + "".join(
        f"{i % 3 == 0:d};0,{i % 10};{1 + i % 28:02d}/0{1 + i % 6}/2024\n" for i in range(60)
    )
    at = _upload(_open(app_test), rows.encode())
    assert at.selectbox[1].value == "referral date"
    _button(at, "Check this file").click().run()
    _button(at, "Use this test set").click().run()
    used = at.session_state[state.UPLOAD]
    assert used.months == cohort_mod.load_scored_csv(rows.encode(), date="referral date").months
    assert cohort_mod.NO_DATE_NOTICE not in used.notices


def test_a_file_that_is_not_text_shows_the_plain_error(app_test):
    at = _upload(_open(app_test), "outcome,score\n1,0.5\n".encode("utf-16"))
    assert [e.value for e in at.error] == [markup.markdown_text(cohort_mod.NOT_TEXT)]
    assert not [b for b in at.button if b.label == "Use this test set"]
    assert at.session_state[state.UPLOAD] is None


def test_a_bad_mapping_shows_the_plain_error(app_test):
    rows = "outcome,score\n" + "".join(f"{i % 2},0.{i % 10}\n" for i in range(40)) + "maybe,0.5\n"
    at = _upload(_open(app_test), rows.encode())
    _button(at, "Check this file").click().run()
    assert_no_exception(at)
    message = cohort_mod.OUTCOME_VALUES.format(name="'outcome'", examples="'maybe'")
    assert [e.value for e in at.error] == [markup.markdown_text(message)]
    assert not [b for b in at.button if b.label == "Use this test set"]


def test_a_new_file_forgets_the_old_check(app_test):
    at = _upload(_open(app_test), _csv())
    _button(at, "Check this file").click().run()
    assert at.success
    _upload(at, b"", name="empty.csv")
    assert [e.value for e in at.error] == [markup.markdown_text(cohort_mod.EMPTY_FILE)]
    assert not at.success


def test_user_strings_never_reach_markdown_unescaped(app_test):
    at = _upload(_open(app_test), _csv())
    _button(at, "Check this file").click().run()
    _button(at, "Use this test set").click().run()
    for kind in ("markdown", "caption", "info", "error", "success", "warning"):
        for element in getattr(at, kind):
            assert "<b>team</b>" not in element.value
            assert "*bold*" not in element.value


def test_going_back_to_the_made_up_council(app_test):
    upload = cohort_mod.load_scored_csv(_csv())
    at = _open(app_test, **{state.UPLOAD: upload, state.MODEL: "score_new"})
    assert "Every page now uses your test set" in page_text(at)
    _button(at, "Go back to the made-up council").click().run()
    assert_no_exception(at)
    assert at.session_state[state.UPLOAD] is None
    assert at.session_state[state.MODEL] == state.DEFAULTS[state.MODEL]
    assert shell.SYNTHETIC_NOTICE in page_text(at)
    assert "Every page now uses your test set" not in page_text(at)


def test_summary_download_is_offered(app_test):
    at = _open(app_test)
    buttons = [el for el in at.get("download_button") if "summary" in el.proto.label]
    assert buttons and buttons[0].proto.label == "Download the summary (HTML)"


def test_the_draft_transparency_record_is_offered_with_what_is_left_to_write(app_test):
    at = _open(app_test)
    labels = [el.proto.label for el in at.get("download_button")]
    assert "Download the draft record (web page)" in labels
    assert "Download the draft record (JSON)" in labels
    text = page_text(at)
    for prompt in atrs.FIELD_PROMPTS.values():
        assert prompt in text
    # A rationale typed in the box is the record's; its prompt leaves the list.
    box = at.text_area(key=state.widget_key(state.ATRS_RATIONALE))
    box.input("*Two* workers can look again <b>each week</b>.").run()
    assert_no_exception(at)
    text = page_text(at)
    assert atrs.FIELD_PROMPTS[atrs.RATIONALE_FIELD] not in text
    assert "*Two*" not in text and "<b>" not in text  # what was typed is not shown as Markdown
    assert at.text_area(key=state.widget_key(state.ATRS_RATIONALE)).value.startswith("*Two*")
    # Kept while they look at another page and come back.
    at.switch_page("app_pages/tradeoffs.py").run()
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    assert at.text_area(key=state.widget_key(state.ATRS_RATIONALE)).value.startswith("*Two*")
    assert atrs.FIELD_PROMPTS[atrs.RATIONALE_FIELD] not in page_text(at)


def test_the_column_list_is_a_real_table_with_names_as_typed(app_test):
    at = _upload(_open(app_test), _csv())
    _button(at, "Check this file").click().run()
    assert_no_exception(at)
    assert not at.dataframe
    table = next(el.value for el in at.table if markup.markdown_text("Used as") in el.value.columns)
    names = list(table[markup.markdown_text("Column")])
    assert markup.markdown_text("<b>team</b>") in names and "<b>team</b>" not in names


def test_the_upload_stays_in_the_session_only(app_test):
    at = _upload(_open(app_test), _csv())
    _button(at, "Check this file").click().run()
    _button(at, "Use this test set").click().run()
    for path in ("app_pages/tradeoffs.py", "app_pages/fairness.py", PAGE):
        if any(spec.path == path for spec in navigation.PAGES):
            at.switch_page(path).run()
            assert_no_exception(at)
    data_dir = Path(os.environ["CSC_DASH_DATA_DIR"])
    for path in data_dir.rglob("*") if data_dir.exists() else []:
        if path.is_file():
            assert MARKER.encode() not in path.read_bytes(), path
    source = (ROOT / PAGE).read_text()
    assert "cache_data" not in source and "cache_resource" not in source


def test_size_setting_reaches_the_uploader(app_test, monkeypatch):
    monkeypatch.setenv("CSC_DASH_MAX_UPLOAD_MB", "3")
    at = _open(app_test)
    assert at.file_uploader(key="your_model_file").proto.max_upload_size_mb == 3


STEPS = [
    "1. Choose a file",
    "2. Which column is which?",
    "3. A one-page summary to share",
    "4. A draft record for the UK transparency standard",
]


def test_the_steps_are_numbered_in_order_before_and_after_a_file(app_test):
    at = _open(app_test)
    assert [h.value for h in at.header] == STEPS
    assert not at.subheader  # h1 then h2: no level skipped
    assert "Choose a file first." in page_text(at)
    _upload(at, _csv())
    assert [h.value for h in at.header] == STEPS
    _upload(at, b"", name="empty.csv")  # a file that cannot be read keeps the numbers too
    assert [h.value for h in at.header] == STEPS


# -- issue 13.7: sign-out clears the analyst's upload ---------------------------------------------


def _analyst(monkeypatch):
    add_staff(monkeypatch, "al", role="analyst")
    at = sign_in(new_app(), "al")
    assert at.session_state["authentication_status"] is True
    at.switch_page(PAGE).run()
    assert_no_exception(at)
    return at


def _use(at, data: bytes):
    _upload(at, data)
    _button(at, "Check this file").click().run()
    _button(at, "Use this test set").click().run()
    assert_no_exception(at)
    assert at.session_state[state.UPLOAD] is not None


def test_sign_out_clears_the_upload_and_every_staff_only_key(monkeypatch, fast_bcrypt):  # noqa: F811
    at = _analyst(monkeypatch)
    _use(at, _csv())
    at.text_area(key=state.widget_key(state.ATRS_RATIONALE)).input("Two workers a week.").run()
    at.switch_page("app_pages/fairness.py").run()  # fills the upload's figure cache
    assert_no_exception(at)
    at.sidebar.button(key="logout_btn").click().run()
    assert_no_exception(at)
    assert at.session_state["authentication_status"] is None
    for key in (state.UPLOAD, state.UPLOAD_CHECK, state.FAIRNESS_CACHE):
        assert at.session_state[key] is None, key
    assert at.session_state[state.MODEL] == state.DEFAULTS[state.MODEL]
    assert at.session_state[state.ATRS_RATIONALE] == ""  # what they typed goes too
    assert "csc_upload_sweeps" not in at.session_state
    # Every public page of that tab is back on the made-up council.
    for page in ("app_pages/welcome.py", "app_pages/tradeoffs.py", "app_pages/fairness.py"):
        at.switch_page(page).run()
        assert_no_exception(at)
        assert shell.UPLOAD_NOTICE not in page_text(at)


def test_a_session_that_may_not_upload_never_keeps_one(monkeypatch, fast_bcrypt):  # noqa: F811
    """However staff access ended (sign-out, account removed), no upload stays in the session."""
    from csc_dash import auth

    at = _analyst(monkeypatch)
    _use(at, _csv())
    auth.add_user("fay", "kite river lamp", role="facilitator")  # still a workshop server after
    auth.remove_user("al")
    at.run()
    assert_no_exception(at)
    assert at.session_state["authentication_status"] is None
    assert at.session_state[state.UPLOAD] is None


def test_the_limits_are_stated_in_plain_words(app_test):
    """Issue 13.3: limits a person can read, before they choose a file."""
    import textstat

    from csc_dash import config

    at = _open(app_test)
    limits = (
        f"Limits: the file can be up to {config.max_upload_mb():,} MB, with up to 200 columns. "
        "Rows times columns can be up to 20 million. That is 1,000,000 referrals with 20 columns."
    )
    assert limits in [c.value for c in at.caption]
    assert "up to 8 group columns, such as age band or ethnicity" in page_text(at).replace("**", "")
    assert textstat.flesch_kincaid_grade(limits) <= 8


# -- issue 17.5: a workshop's decisions in the draft transparency record --------------------------

FAY_TITLE = '<script>alert(1)</script> =HYPERLINK("http://evil.example","x")'
FAY_REASON = "Families asked for it. *Not* a [link](http://evil.example)."


@pytest.fixture
def downloads(monkeypatch):
    """The files the page's download buttons would give, by file name: each button's deferred
    callable, caught as the page registers it (AppTest's runtime drops it after the run)."""
    made = {}
    real = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return real(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)
    return made


def _record_json(downloads) -> dict:
    return json.loads(downloads["transparency-record-draft.json"]())["tier_2"][RISKS]


def _two_rooms(monkeypatch, store_url=None):
    """Fay's room (6 people, a decision linked to what one said) and Bob's (a decision), on
    the store at ``store_url`` (the default SQLite file if None); returns both workshops."""
    if store_url:
        monkeypatch.setenv("DATABASE_URL", store_url)
    add_staff(monkeypatch, "fay")
    add_staff(monkeypatch, "bob")
    store = engine()
    fay = workshop.create_workshop(store, title="Fay's room", created_by="fay")
    bob = workshop.create_workshop(store, title="Bob's room", created_by="bob")
    people = [
        workshop.join_workshop(store, code=fay.code, pseudonym=f"Robin{i}", role_tag="Family member",
                               client_token=workshop.new_client_token())
        for i in range(6)
    ]  # fmt: skip
    said = workshop.add_statement(store, workshop_id=fay.id, text="Robin's own words",
                                  source="participant", proposed_by=people[0].id, approved=True)  # fmt: skip
    for room, title, reason, links in (
        (fay, FAY_TITLE, FAY_REASON, [Link("statement", said.id)]),
        (bob, "Bob's decision", "Because.", []),
    ):
        workshop.record_decision(store, workshop_id=room.id, title=title, status="adopted",
                                 reason=reason, links=links, created_by=room.created_by,
                                 client_token=workshop.new_client_token())  # fmt: skip
    return fay, bob


def _record_box(at):
    return at.selectbox(key=decisions_ui.RECORD_KEY)


@pytest.mark.usefixtures("fast_bcrypt")
def test_an_analyst_puts_any_workshops_decisions_into_the_record(monkeypatch, store_url, downloads):
    fay, bob = _two_rooms(monkeypatch, store_url)
    at = _analyst(monkeypatch)
    box = _record_box(at)
    assert box.label == decisions_ui.RECORD_LABEL and box.value == decisions_ui.NO_WORKSHOP
    assert box.options[0] == decisions_ui.RECORD_NONE
    assert {"Fay's room", "Bob's room"} == {o.split(" · ")[0] for o in box.options[1:]}
    _use(at, _csv())  # a small test set: the record is quick to make
    assert atrs.FIELD_PROMPTS[DECIDED] in page_text(at)

    _record_box(at).set_value(fay.id).run()
    assert_no_exception(at)
    found = workshop.engagement_of(engine(), fay.id)
    assert engagement_words(found) in [c.value for c in at.caption]
    assert atrs.FIELD_PROMPTS[DECIDED] not in page_text(at)
    # The download carries Fay's decision, and only what was written for everyone.
    risks = _record_json(downloads)
    (decided,) = risks["engagement_decisions"]
    assert decided["decision"] == " ".join(FAY_TITLE.split())
    assert decided["why"] == FAY_REASON and decided["what_it_drew_on"] == "1 statement"
    assert risks["engagement_took_part"]["workshop"] == "Fay's room"
    assert risks["engagement_took_part"]["people"] == 6
    page = downloads["transparency-record-draft.html"]()
    assert html.escape(decided["decision"]) in page and "<script>" not in page
    assert html.escape(FAY_REASON) in page
    for text in (json.dumps(risks), page):
        assert "Bob's decision" not in text and "Robin" not in text

    _record_box(at).set_value(decisions_ui.NO_WORKSHOP).run()  # "None": the record goes without
    assert _record_json(downloads)["engagement_decisions"] is None
    assert atrs.FIELD_PROMPTS[DECIDED] in page_text(at)
    # Signing out forgets the choice with the rest of the page.
    _record_box(at).set_value(bob.id).run()
    at.sidebar.button(key="logout_btn").click().run()
    assert decisions_ui.RECORD_KEY not in at.session_state


@pytest.mark.usefixtures("fast_bcrypt")
def test_a_facilitator_chooses_only_from_their_own_workshops(monkeypatch, store_url):
    fay, bob = _two_rooms(monkeypatch, store_url)
    at = sign_in(new_app(), "fay").switch_page(PAGE).run()
    assert_no_exception(at)
    box = _record_box(at)
    assert box.options == [decisions_ui.RECORD_NONE, workshop_label(fay, show_owner=False)]
    add_staff(monkeypatch, "ada", role="admin")
    admin = sign_in(new_app(), "ada").switch_page(PAGE).run()
    assert len(_record_box(admin).options) == 3


@pytest.mark.usefixtures("fast_bcrypt")
def test_the_store_down_still_offers_the_record_without_decisions(monkeypatch, downloads):
    fay, _bob = _two_rooms(monkeypatch)
    at = _analyst(monkeypatch)
    _use(at, _csv())
    _record_box(at).set_value(fay.id).run()

    def down(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.READ_UNAVAILABLE)

    monkeypatch.setattr(decisions_ui, "engagement_of", down)  # chosen, then the store goes
    at.run()
    assert_no_exception(at)
    assert [w.value for w in at.warning] == [decisions_ui.MSG_RECORD_STORE_DOWN]
    assert _record_json(downloads)["engagement_decisions"] is None
    assert atrs.FIELD_PROMPTS[DECIDED] in page_text(at)

    monkeypatch.setattr(decisions_ui, "record_workshops", down)  # no list of workshops at all
    at.run()
    assert_no_exception(at)
    assert [w.value for w in at.warning] == [decisions_ui.MSG_RECORD_STORE_DOWN]
    assert not [s for s in at.selectbox if s.key == decisions_ui.RECORD_KEY]
    labels = [el.proto.label for el in at.get("download_button")]
    assert "Download the draft record (JSON)" in labels
    assert _record_json(downloads)["engagement_took_part"] is None


def test_demo_mode_offers_the_demo_workshops_decisions(app_test, monkeypatch, store_url):
    monkeypatch.setenv("DATABASE_URL", store_url)
    at = _open(app_test)
    assert _record_box(at).options == [decisions_ui.RECORD_NONE]
    assert decisions_ui.RECORD_NO_WORKSHOPS in [c.value for c in at.caption]
    demo = workshop.ensure_demo_workshop(engine())
    workshop.record_decision(engine(), workshop_id=demo.id, title="Ask families first",
                             status="considered", reason="The room asked.", links=[],
                             created_by="demo", client_token=workshop.new_client_token())  # fmt: skip
    at.run()
    _record_box(at).set_value(demo.id).run()
    assert_no_exception(at)
    assert engagement_words(workshop.engagement_of(engine(), demo.id)) in [
        c.value for c in at.caption
    ]
    assert atrs.FIELD_PROMPTS[DECIDED] not in page_text(at)
