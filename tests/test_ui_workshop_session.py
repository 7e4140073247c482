"""The session (csc_dash.ui.workshop.session): one person ends on a shared device and the next
starts, with nothing of the first reachable; settings come back with the person."""

from __future__ import annotations

import pytest

from csc_dash import workshop
from csc_dash.ui import state
from csc_dash.ui.workshop import session
from tests.workshop_helpers import engine, fast_bcrypt, join, new_app  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_bcrypt")


def test_the_next_person_on_a_device_starts_afresh_and_the_first_keeps_everything():
    at = join(new_app(), "Blue Kite")
    first = at.session_state[state.PARTICIPANT]
    first_code = at.session_state[state.REJOIN_CODE]
    statement = workshop.list_statements(engine(), first["workshop_id"])[0]
    at.switch_page("app_pages/your_views.py").run()
    at.button_group(key=f"vote_{statement.id}").set_value("disagree").run()
    at.session_state[state.VIEW] = "analyst"
    at.run()  # the kept settings are written on the next run
    at.text_area(key="propose_text").input("Typed by the first person, not sent")
    at.switch_page("app_pages/welcome.py").run()
    at.button(key="leave_device").click().run()

    # Every form the first person filled is empty again (the join form is drawn afresh) ...
    left = {
        k: at.session_state[k]
        for k in at.session_state
        if isinstance(k, str) and k.startswith(session.PERSONAL_KEY_PREFIXES)
    }
    assert left and all(value in (None, "", False) for value in left.values()), left
    # ... and the first person's view is theirs, not the next person's.
    assert at.session_state[state.VIEW] == state.DEFAULTS[state.VIEW]

    at = join(at, "Green Owl")
    second = at.session_state[state.PARTICIPANT]
    assert second["participant_id"] != first["participant_id"]
    assert at.session_state[state.REJOIN_CODE] not in (None, first_code)
    at.switch_page("app_pages/your_views.py").run()
    assert at.button_group(key=f"vote_{statement.id}").value is None  # not the first person's vote
    assert at.text_area(key="propose_text").value == ""

    # The first person's vote and view are kept in the store, for when they come back.
    assert workshop.participant_votes(engine(), first["participant_id"]) == {
        statement.id: "disagree"
    }
    assert workshop.participant_settings(engine(), first["participant_id"])["view"] == "analyst"


def test_a_person_who_comes_back_gets_their_settings_again():
    at = join(new_app(), "Blue Kite")
    at.session_state[state.BIAS] = "none"
    at.run()
    person = at.session_state[state.PARTICIPANT]
    token = at.query_params[session.REJOIN_PARAM]
    again = new_app()
    again.query_params[session.REJOIN_PARAM] = token
    again.run()
    assert again.session_state[state.PARTICIPANT]["participant_id"] == person["participant_id"]
    assert again.session_state[state.BIAS] == "none"


def test_a_store_that_cannot_be_read_on_coming_back_never_loses_the_kept_line(monkeypatch):
    """A reload while the store was busy: the kept settings could not be read, and the next
    write put the defaults over the person's line. Now nothing is written until they are read."""
    at = join(new_app(), "Blue Kite")
    at.session_state[state.BIAS] = "none"
    at.session_state[state.THRESHOLD] = 0.0693
    at.run()
    person = at.session_state[state.PARTICIPANT]
    kept = workshop.participant_settings(engine(), person["participant_id"])
    assert (kept["bias"], kept["threshold"]) == ("none", 0.0693)
    token = at.query_params[session.REJOIN_PARAM]

    real = session.participant_settings

    def busy(*args, **kwargs):
        raise workshop.StoreUnavailable(workshop.READ_UNAVAILABLE)

    monkeypatch.setattr(session, "participant_settings", busy)
    again = new_app()
    again.query_params[session.REJOIN_PARAM] = token
    again.run()
    again.run()
    assert again.session_state[state.PARTICIPANT]["participant_id"] == person["participant_id"]
    assert workshop.participant_settings(engine(), person["participant_id"]) == kept

    monkeypatch.setattr(session, "participant_settings", real)
    again.run()  # read back at last, and the page reads the person's own line
    assert again.session_state[state.BIAS] == "none"
    assert again.session_state[state.THRESHOLD] == 0.0693
    assert workshop.participant_settings(engine(), person["participant_id"]) == kept


def test_the_first_page_after_a_crash_folds_in_what_an_erase_left_in_sqlites_log(monkeypatch):
    """Issue 13.8 re-attacked on a running server: an erase stayed "busy" (a reader held its
    snapshot), the server was killed, restarted, and a page was shown; the erased text was still
    in the files, because the store was first opened only when someone joined or signed in. The
    first run opens a local SQLite store, which folds the log in."""
    import shutil
    import sqlite3
    from pathlib import Path

    from csc_dash import config
    from csc_dash.workshop import erasure, store
    from tests.workshop_helpers import add_staff

    add_staff(monkeypatch)  # a workshop server: no one joins or signs in below
    path = Path(config.database_url().removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    live = path.parent / "live" / path.name
    live.parent.mkdir()
    eng = store.make_engine(f"sqlite:///{live}")
    room = workshop.create_workshop(eng, title="Held", created_by="fay")
    workshop.join_workshop(
        eng, code=room.code, pseudonym="Quokka-name-plugh", role_tag="Other",
        client_token=workshop.new_join_token(),
    )  # fmt: skip
    reader = sqlite3.connect(live, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM participants").fetchone()  # holds a snapshot
    monkeypatch.setattr(erasure, "CHECKPOINT_TRIES", 1)
    assert workshop.erase_workshop(eng, room.id) is False
    for part in live.parent.glob(live.name + "*"):  # the files as kill -9 leaves them
        shutil.copy(part, path.parent / part.name)
    erasure.stop_background_retry(eng)
    reader.close()
    eng.dispose()

    def erased_text_left() -> bool:
        return any(b"Quokka-name-plugh" in p.read_bytes() for p in path.parent.glob(path.name + "*"))

    assert erased_text_left()
    at = new_app()  # the first page after the restart: Welcome, no one joined
    assert not at.exception
    assert not erased_text_left()
