"""csc_dash.workshop.room_words and the exports: the room's lines are worked out once
(:func:`read_room`) and every export holds what the facilitator sees of them, escaped and
spreadsheet-safe; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import html
import io
import json

import pytest

from csc_dash import workshop as fb
from csc_dash.workshop import report_room
from csc_dash.workshop import room_words as rw
from csc_dash.workshop.agreement import EXPLORATORY_NOTE, TOO_FEW_TO_SAY
from csc_dash.workshop.room_answers import FALSE_ALARMS_QUESTION

pytest.register_assert_rewrite("tests.pg")
from tests.store_helpers import answer, dangerous, join  # noqa: E402

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, workshop

HOSTILE = '=HYPERLINK("http://evil.example")<script>alert(1)</script>'
TOOL = "<b>My tool</b> =1+1"


def counts_at(per_1000: int) -> dict[str, int]:
    """A made-up tool: at k in every 1,000 flagged, k // 2 false alarms and 7 missed."""
    return {"flagged": per_1000, "false_alarm": per_1000 // 2, "missed": 7}


def say(engine, person, question_id, value):
    answer(engine, person, question_id, value, page="your_views")


def vote(engine, person, statement_id, choice):
    fb.vote(engine, participant_id=person.id, statement_id=statement_id, choice=choice,
            client_token=fb.new_client_token())  # fmt: skip


def a_room(engine, workshop):
    """Three family members (lines 50, 60, 70; 2, 4, 6 false alarms), two social workers (120 and
    "no line"), and a statement with hostile words that everyone voted on."""
    families = [join(engine, workshop, f"F{i}", "Family member") for i in range(3)]
    workers = [join(engine, workshop, f"W{i}", "Social worker") for i in range(2)]
    for person, line, count in zip(families, (50, 60, 70), (2, 4, 6), strict=True):
        say(engine, person, fb.LINE_QUESTION, line)
        say(engine, person, FALSE_ALARMS_QUESTION, count)
    say(engine, workers[0], fb.LINE_QUESTION, 120)
    say(engine, workers[1], fb.LINE_QUESTION, None)  # no line
    said = fb.add_statement(engine, workshop_id=workshop.id, text=HOSTILE, source="participant",
                            proposed_by=families[0].id, approved=True)  # fmt: skip
    for person in families:
        vote(engine, person, said.id, "agree")
    vote(engine, workers[0], said.id, "disagree")
    return said


def test_read_room_is_the_summary_the_facilitator_sees(engine, workshop):
    said = a_room(engine, workshop)
    room = rw.read_room(engine, workshop.id, counts_at=counts_at, tool=TOOL)
    assert room.has_meaning and room.tool == TOOL and room.said_line and room.said_false_alarms
    lines = room.lines.set_index("role")
    assert (
        lines.loc["Family member", "middle"] == 60 and lines.loc["Family member", "flagged"] == 60
    )
    assert (
        lines.loc["Family member", "false_alarm"] == 30
        and lines.loc["Social worker", "no_line"] == 1
    )
    assert room.texts[said.id] == HOSTILE and room.voters == 4 and room.opinion_groups is None
    (family,) = [r for r in room.lines.to_dict("records") if r["role"] == "Family member"]
    assert rw.line_sentence(family) == (
        "Family member (3 people): the middle line flags 60 in every 1,000 referrals. At that "
        "line, 30 of the flagged are false alarms and 7 children who needed help are missed."
    )
    table = rw.agreement_table(room.agreement, room.texts).set_index("Statement")
    assert table.loc[HOSTILE, "Who agreed, by group"] == (
        "Family member: 3 of 3 agree; Social worker: 0 of 1 agree"
    )
    assert table.loc[HOSTILE, "Typical support in each group"] == TOO_FEW_TO_SAY
    without = rw.read_room(engine, workshop.id, tool=TOOL)  # no tool: the spread only
    assert not without.has_meaning and without.tool is None
    assert "flagged" not in rw.line_sentence(without.lines.to_dict("records")[0]).split(":")[1]


def test_the_room_csv_holds_every_table_safe_for_a_spreadsheet(engine, workshop):
    said = a_room(engine, workshop)
    raw = fb.room_lines_csv(engine, workshop.id, counts_at=counts_at, tool=TOOL)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == rw.ROOM_CSV_COLUMNS
    assert not any(dangerous(cell) for row in rows for cell in row.values())
    by = {(r["section"], r["role"], r["statement_id"]): r for r in rows}
    family = by[("line", "Family member", "")]
    assert (family["people"], family["middle"], family["flagged_at_middle"]) == ("3", "60", "60")
    assert (family["false_alarms_at_middle"], family["missed_at_middle"]) == ("30", "7")
    assert family["too_few"] == "false" and family["tool"] == "<b>My tool</b> =1+1"
    assert by[("line", "Social worker", "")]["no_line"] == "1"
    assert by[("false_alarms", "Family member", "")]["middle"] == "4"
    assert by[("false_alarms", "Family member", "")]["tool"] == ""  # a line's meaning only
    agreed = by[("agreement", "Family member", str(said.id))]
    assert (agreed["agree"], agreed["seen"], agreed["too_few"]) == ("3", "3", "true")
    assert agreed["statement"] == "'" + HOSTILE  # shown as text, never run as a formula
    assert agreed["group_informed_agreement"] == ""  # too few to say
    with pytest.raises(fb.FeedbackError):
        fb.room_lines_csv(engine, workshop.id + 1000)


def test_the_json_holds_the_tool_the_words_and_the_sizes(engine, workshop):
    said = a_room(engine, workshop)
    data = json.loads(fb.workshop_json(engine, workshop.id, counts_at=counts_at, tool=TOOL))
    block = data["room_lines"]
    assert block["tool"] == TOOL and block["voters"] == 4 and block["opinion_groups"] is None
    assert block["min_people_for_a_spread"] == 3 and block["min_seen_for_agreement"] == 3
    (agreed,) = [r for r in block["group_agreement"] if r["statement_id"] == said.id]
    assert agreed["statement"] == HOSTILE
    assert agreed["counts"]["Family member"] == {"agree": 3, "seen": 3}


def test_the_report_shows_the_rooms_lines_as_the_facilitator_sees_them(engine, workshop):
    said = a_room(engine, workshop)
    page = fb.workshop_report_html(engine, workshop.id, counts_at=counts_at, tool=TOOL)
    room = rw.read_room(engine, workshop.id, counts_at=counts_at, tool=TOOL)
    section = page.split(f"<h2>{html.escape(rw.HEADER)}</h2>", 1)[1].split("<h2>", 1)[0]
    assert html.escape(rw.TOOL_NAMED.format(tool=TOOL)) in section and TOOL not in section
    for row in room.lines.to_dict("records"):  # the same sentences as on screen
        assert f"<li>{html.escape(rw.line_sentence(row))}</li>" in section
    for caption in ("What each group&#x27;s middle line means per 1,000",
                    "False alarms each group would accept", "Who agreed with each statement, by group"):  # fmt: skip
        assert f"<caption>{caption}</caption>" in section
    assert '<td class="n">30</td>' in section  # false alarms at the families' middle line
    # Narrow tables (3 for the lines, 1 for false alarms, 2 for agreement), each in a box that
    # a keyboard reaches, so a phone never scrolls the page sideways.
    assert section.count('<div class="wide" role="region" tabindex="0"') == section.count("<table>") == 6
    assert html.escape(HOSTILE) in section and HOSTILE not in page
    assert html.escape("Family member: 3 of 3 agree; Social worker: 0 of 1 agree") in section
    assert html.escape(rw.FEW_FOR_GROUPS.format(n=20, k=4)) in section
    assert said.id in room.texts


def test_opinion_groups_reach_every_export_marked_as_a_first_look(engine, workshop):
    first, second, third = fb.list_statements(engine, workshop.id)[:3]
    for i in range(20):
        person = join(engine, workshop, f"P{i}", "Family member" if i % 2 else "Social worker")
        side, other = ("agree", "disagree") if i < 12 else ("disagree", "agree")
        vote(engine, person, first.id, side)
        vote(engine, person, second.id, side)
        vote(engine, person, third.id, other)
    room = rw.read_room(engine, workshop.id)
    assert list(room.opinion_groups.index) == ["Group 1", "Group 2"]
    assert room.opinion_groups.to_numpy().sum() == 20
    groups = json.loads(fb.workshop_json(engine, workshop.id))["room_lines"]["opinion_groups"]
    assert groups["note"] == EXPLORATORY_NOTE
    assert sum(r["Family member"] + r["Social worker"] for r in groups["by_role"]) == 20
    rows = list(
        csv.DictReader(io.StringIO(fb.room_lines_csv(engine, workshop.id).decode("utf-8-sig")))
    )
    assert sum(int(r["people"]) for r in rows if r["section"] == "opinion_group") == 20
    page = fb.workshop_report_html(engine, workshop.id)
    assert html.escape(EXPLORATORY_NOTE) in page and "<td>Group 1</td>" in page


def test_enough_voters_whose_votes_do_not_split_are_not_called_too_few(engine, workshop):
    # 20 people, one statement: no groups can be looked for, but "so far 20 have" under a
    # sentence saying "at least 20" would read as a contradiction.
    (first,) = fb.list_statements(engine, workshop.id)[:1]
    for i in range(20):
        vote(engine, join(engine, workshop, f"P{i}", "Family member"), first.id, "agree")
    room = rw.read_room(engine, workshop.id)
    assert room.voters == 20 and room.opinion_groups is None
    assert rw.no_groups_sentence(room) == rw.NO_SPLIT.format(k=20)
    section = report_room.section_room(room)
    assert html.escape(rw.NO_SPLIT.format(k=20)) in section
    assert "only looked for" not in section


def test_an_empty_room_says_so_in_the_report(engine, workshop):
    section = report_room.section_room(rw.read_room(engine, workshop.id))
    for sentence in (
        rw.NO_TOOL,
        rw.NO_LINES,
        rw.NO_FALSE_ALARMS,
        rw.FEW_FOR_GROUPS.format(n=20, k=0),
    ):
        assert html.escape(sentence) in section
    rows = list(csv.reader(io.StringIO(fb.room_lines_csv(engine, workshop.id).decode("utf-8-sig"))))
    spread = [row for row in rows[1:] if row[0] in ("line", "false_alarms")]
    assert [(row[0], row[1], row[5]) for row in spread] == [
        ("line", "Everyone", "0"), ("false_alarms", "Everyone", "0")
    ]  # fmt: skip
    agreement = [row for row in rows[1:] if row[0] == "agreement"]  # the open statements
    assert len(agreement) == len(fb.list_statements(engine, workshop.id)) > 0
    assert all(row[rw.ROOM_CSV_COLUMNS.index("seen")] == "0" for row in agreement)


def test_the_exports_say_a_whole_middle_line_and_keep_the_exact_one_named_so(engine, workshop):
    """Two lines, 25 and 60: the middle line is 43 (halfway, to the nearest whole referral) in
    the CSV, the JSON and the words; only the column named middle_exact keeps 42.5."""
    say(engine, join(engine, workshop, "Kite", "Family member"), fb.LINE_QUESTION, 25)
    say(engine, join(engine, workshop, "Owl", "Family member"), fb.LINE_QUESTION, 60)
    raw = fb.room_lines_csv(engine, workshop.id, counts_at=counts_at, tool=TOOL)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    family = next(r for r in rows if (r["section"], r["role"]) == ("line", "Family member"))
    assert (family["middle"], family["middle_exact"], family["flagged_at_middle"]) == (
        "43",
        "42.5",
        "43",
    )
    data = json.loads(fb.workshop_json(engine, workshop.id, counts_at=counts_at, tool=TOOL))
    line = data["room_lines"]["lines_by_role"][0]
    assert (line["middle"], line["middle_exact"], line["flagged"]) == (43, 42.5, 43)
    room = rw.read_room(engine, workshop.id, counts_at=counts_at, tool=TOOL)
    sentence = rw.line_sentence(room.lines.to_dict("records")[0])
    assert sentence.startswith(
        "Family member (2 people): the middle line flags 43 in every 1,000 referrals (halfway "
        "between the two answers in the middle)."
    )
