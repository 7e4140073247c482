"""csc_dash.workshop.sheets: CSV safe against formula injection, JSON round trips."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_dash import workshop as fb
from csc_dash.workshop import decision_store
from csc_dash.workshop.decisions import Link
from csc_dash.workshop.readiness_answers import latest_readiness, readiness_rows, save_readiness
from tests.store_helpers import FORMULAS, XSS, answer, dangerous, join

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, hostile


# --------------------------------------------------------------------------- safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        ("", ""),
        ("hello", "hello"),
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\nx", "'\nx"),
        (" =1", "' =1"),
        ("\uff1d1", "'\uff1d1"),
        ("a=1", "a=1"),
        ("'=1", "'=1"),
        (3, "3"),
        (-2, "-2"),
        (-0.5, "-0.5"),
        (np.int64(-7), "-7"),
        (np.float64(0.25), "0.25"),
        (float("nan"), ""),
        (True, "true"),
        (False, "false"),
        ({"reaction": "=x"}, '{"reaction":"=x"}'),
        (["-1", 2], '["-1",2]'),
        (datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "2026-01-02T03:04:00+00:00"),
    ],
)
def test_safe_cell(value, cell):
    assert fb.safe_cell(value) == cell


@given(st.text())
def test_safe_cell_neutralises_any_text(text):
    cell = fb.safe_cell(text)
    assert cell in (text, "'" + text)
    assert not dangerous(cell)
    if not dangerous(text):
        assert cell == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False)))
def test_safe_cell_writes_numbers_as_numbers(number):
    # Whole numbers are written exactly (a float would round above 2**53).
    parse = int if isinstance(number, int) else float
    assert parse(fb.safe_cell(number)) == number


# --------------------------------------------------------------------------- CSV


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_responses_csv_neutralises_every_formula(engine, hostile):
    workshop, people = hostile
    frame = fb.responses(engine, workshop.id)
    rows = parse_csv(fb.responses_csv(frame))
    header, body = rows[0], rows[1:]
    assert header == list(frame.columns)
    assert len(body) == len(frame) == 4 * len(people)
    for row in body:
        assert len(row) == len(header)
        for cell in row:
            assert not dangerous(cell), cell
    by_column = {name: [row[i] for row in body] for i, name in enumerate(header)}
    texts = [
        row[header.index("value")]
        for row in body
        if row[header.index("question_id")] == "should_reasons"
    ]
    for payload in FORMULAS:
        assert "'" + payload in texts
    for payload in XSS:
        assert payload in texts  # markup is harmless in a spreadsheet and kept as typed
    reasons = [
        json.loads(v)
        for v, q in zip(by_column["value"], by_column["question_id"], strict=True)
        if q == "reaction"
    ]
    assert {r["reason"] for r in reasons} == set(FORMULAS + XSS)
    assert all(json.loads(s)["threshold"] == 0.3 for s in by_column["screen_state"])
    assert all(datetime.fromisoformat(t).tzinfo is not None for t in by_column["created_at"])


def test_responses_csv_of_an_empty_frame_has_the_header():
    frame = pd.DataFrame(columns=fb.RESPONSE_COLUMNS)
    assert parse_csv(fb.responses_csv(frame)) == [fb.RESPONSE_COLUMNS]


def test_responses_csv_keeps_accents_and_newlines():
    frame = pd.DataFrame({"text": ["Zoë said:\n“no”", "-"], "n": [1, -1]})
    assert parse_csv(fb.responses_csv(frame)) == [
        ["text", "n"],
        ["Zoë said:\n“no”", "1"],
        ["'-", "-1"],
    ]


# --------------------------------------------------------------------------- JSON


def test_workshop_json_holds_everything(engine, hostile):
    workshop, people = hostile
    data = json.loads(fb.workshop_json(engine, workshop.id))
    assert data["workshop"]["code"] == workshop.code
    assert data["workshop"]["title"] == workshop.title
    assert [p["pseudonym"] for p in data["participants"]] == [p.pseudonym for p in people]
    assert set(data["participants"][0]) == {"id", "pseudonym", "role_tag", "consented_at"}
    frame = fb.responses(engine, workshop.id)
    assert [r["value"] for r in data["responses"]] == frame["value"].tolist()
    assert [r["screen_state"] for r in data["responses"]] == frame["screen_state"].tolist()
    assert len(data["statements"]) == len(fb.list_statements(engine, workshop.id))
    assert len(data["votes"]) == len(people)
    assert "client_token" not in json.dumps(data)


def test_workshop_json_holds_the_rooms_lines_and_the_readiness_answers(engine, workshop):
    """Issue 17.3 and 17.6: the blocks the facilitator sees, in the export, as strict JSON."""
    people = [join(engine, workshop, f"P{i}", "Family member") for i in range(3)]
    for person, line in zip(people, (40, 50, None), strict=True):
        answer(engine, person, fb.LINE_QUESTION, line, page="your_views")
        answer(engine, person, "false_alarms_per_child", 5, page="your_views")
    statement = fb.list_statements(engine, workshop.id)[0]
    fb.vote(engine, participant_id=people[0].id, statement_id=statement.id, choice="agree",
            client_token=fb.new_client_token())  # fmt: skip
    save_readiness(engine, workshop_id=workshop.id, username="fay",
                   answers={"monitoring": "Started"}, client_token=fb.new_client_token())  # fmt: skip
    raw = fb.workshop_json(
        engine, workshop.id, counts_at=lambda k: {"flagged": k, "false_alarm": 1, "missed": 2}
    )
    data = json.loads(raw, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    lines = {row["role"]: row for row in data["room_lines"]["lines_by_role"]}
    assert lines["Family member"]["people"] == 3 and lines["Family member"]["no_line"] == 1
    assert lines["Family member"]["middle"] == 45 and lines["Family member"]["flagged"] == 45
    assert lines["Family member"]["lower_quarter"] is None  # too few for quarters
    assert data["room_lines"]["false_alarms_by_role"][0]["middle"] == 5
    first = next(
        r for r in data["room_lines"]["group_agreement"] if r["statement_id"] == statement.id
    )
    assert first["counts"] == {"Family member": {"agree": 1, "seen": 1}}
    assert first["too_few"] is True and first["group_agreement"] is None
    assert data["readiness"]["answers"][0]["answers"] == {"monitoring": "Started"}
    system = data["readiness"]["section_counts"][0]
    assert system["section"] == "Is the system ready?" and system["Started"] == 1


def test_none_of_these_is_its_own_answer_in_the_readiness_exports(engine, workshop):
    """Issue 17.6: "None of these" is exported as an answer, apart from not answering."""
    save_readiness(engine, workshop_id=workshop.id, username="fay",
                   answers={"barriers": ["None of these"]}, client_token=fb.new_client_token())  # fmt: skip
    save_readiness(engine, workshop_id=workshop.id, username="gus",
                   answers={"barriers": ["Cost"]}, client_token=fb.new_client_token())  # fmt: skip
    save_readiness(engine, workshop_id=workshop.id, username="hal",
                   answers={"monitoring": "Started"}, client_token=fb.new_client_token())  # fmt: skip
    data = json.loads(fb.workshop_json(engine, workshop.id))
    answers = {saved["username"]: saved["answers"] for saved in data["readiness"]["answers"]}
    assert answers["fay"] == {"barriers": ["None of these"]} and "barriers" not in answers["hal"]
    counts = {
        row["answer"]: row["people"]
        for row in data["readiness"]["option_counts"]
        if row["question_id"] == "barriers"
    }
    assert counts["None of these"] == 1 and counts["Not answered"] == 1 and counts["Cost"] == 1
    latest = latest_readiness(engine, workshop.id)
    rows = list(csv.DictReader(io.StringIO(
        fb.responses_csv(readiness_rows(latest)).decode("utf-8-sig"))))  # fmt: skip
    barriers = {row["username"]: row["answer"] for row in rows if row["question_id"] == "barriers"}
    assert barriers == {"fay": "None of these", "gus": "Cost", "hal": ""}


def test_exports_of_an_unknown_workshop(engine):
    for export in (fb.workshop_json, fb.workshop_report_html):
        with pytest.raises(fb.FeedbackError) as raised:
            export(engine, 10**6)
        assert str(raised.value) == fb.UNKNOWN_WORKSHOP


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_any_value_round_trips_through_the_json_export(engine, value):
    workshop = fb.ensure_demo_workshop(engine)
    person = fb.join_workshop(
        engine, code=fb.DEMO_CODE, pseudonym="Sam", role_tag="Other", client_token="hypothesis"
    )
    token = fb.new_client_token()
    fb.save_response(
        engine,
        participant_id=person.id,
        page="p",
        question_id=token,
        value=value,
        screen_state={"v": value},
        client_token=token,
    )
    data = json.loads(fb.workshop_json(engine, workshop.id))
    stored = next(r for r in data["responses"] if r["question_id"] == token)
    assert stored["value"] == value
    assert stored["screen_state"] == {"v": value}


# --------------------------------------------------------------------------- the decision log


def test_the_decision_log_is_in_the_json_and_its_own_safe_csv(engine, workshop):
    sam = join(engine, workshop, "Sam")
    said = fb.add_statement(engine, workshop_id=workshop.id, text="Ask families first",
                            source="participant", proposed_by=sam.id, approved=True)  # fmt: skip
    evil = '=HYPERLINK("http://evil.example")'
    for title in [evil, "Plain title"]:
        decision_store.record_decision(
            engine, workshop_id=workshop.id, title=title, status="in_progress", reason="+1 because",
            links=[Link("statement", said.id)], created_by="ann", client_token=fb.new_client_token(),
        )  # fmt: skip
    data = json.loads(fb.workshop_json(engine, workshop.id))
    assert [d["title"] for d in data["decisions"]] == [evil, "Plain title"]
    assert data["decisions"][0]["informed_by"] == [{"kind": "statement", "item_id": said.id}]
    assert data["decisions"][0]["status_words"] == "We are working on it"
    (version,) = data["decisions"][0]["versions"]  # each decision's history, with who made it
    assert (version["title"], version["changed_by"]) == (evil, "ann")
    assert version["changed_at"] == data["decisions"][0]["decided_at"]
    assert said.id in {s["id"] for s in data["statements"]}  # the link resolves inside the export
    rows = list(csv.reader(io.StringIO(fb.decisions_csv(engine, workshop.id).decode("utf-8-sig"))))
    assert rows[0][:3] == ["decision_id", "title", "status"]
    assert {"recorded_by", "changed_by"} <= set(rows[0])
    assert len(rows) == 3
    assert not any(dangerous(cell) for row in rows for cell in row)
    assert {row[1] for row in rows[1:]} == {"'" + evil, "Plain title"}
