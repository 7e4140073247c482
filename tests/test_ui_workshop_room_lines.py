"""The facilitator's section on the room's lines by role (issue 17.3), through app.py."""

from __future__ import annotations

import pytest

from csc_dash import line as line_rule
from csc_dash import tradeoffs, workshop
from csc_dash.markup import markdown_text
from csc_dash.ui import loaders, state
from csc_dash.ui.workshop import room_lines as ui
from csc_dash.workshop.agreement import EXPLORATORY_NOTE, TOO_FEW_TO_SAY
from tests.helpers import assert_no_exception, page_text
from tests.workshop_helpers import add_staff, engine, fast_bcrypt, new_app, sign_in  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_bcrypt")

PAGE = "app_pages/facilitator.py"


def seat(room, name, role):
    return workshop.join_workshop(
        engine(),
        code=room.code,
        pseudonym=name,
        role_tag=role,
        client_token=workshop.new_client_token(),
    )


def say(person, question_id, value):
    workshop.save_response(
        engine(),
        participant_id=person.id,
        page="your_views",
        question_id=question_id,
        value=value,
        screen_state={"threshold": 0.2},
        client_token=workshop.new_client_token(),
    )


def vote(person, statement_id, choice):
    workshop.vote(
        engine(),
        participant_id=person.id,
        statement_id=statement_id,
        choice=choice,
        client_token=workshop.new_client_token(),
    )


def open_page(monkeypatch):
    add_staff(monkeypatch, "fay")
    at = sign_in(new_app(), "fay")
    return at.switch_page(PAGE).run()


def table_with(at, column):
    return next(t.value for t in at.table if column in t.value.columns)


def test_lines_by_group_mean_what_the_tool_on_screen_says(monkeypatch):
    room = workshop.create_workshop(engine(), title="Lines", created_by="fay")
    statement = workshop.list_statements(engine(), room.id)[0]
    families = [seat(room, f"F{i}", "Family member") for i in range(3)]
    workers = [seat(room, f"W{i}", "Social worker") for i in range(2)]
    for person, line, count in zip(families, (50, 60, 70), (2, 4, 6), strict=True):
        say(person, "accepted_per_1000", line)
        say(person, "false_alarms_per_child", count)
        vote(person, statement.id, "agree")
    say(workers[0], "accepted_per_1000", 120)
    say(workers[1], "accepted_per_1000", None)  # no line
    vote(workers[0], statement.id, "disagree")

    at = open_page(monkeypatch)
    assert_no_exception(at)
    text = page_text(at)
    assert ui.HEADER in [h.value for h in at.header]

    # What 60 in every 1,000 means with the tool on this screen, worked out here from the sweep.
    table = loaders.sweep(
        loaders.sample_cohort(at.session_state[state.BIAS]), at.session_state[state.MODEL]
    )
    counts = tradeoffs.people_counts(
        tradeoffs.threshold_row(table, line_rule.threshold_for_per_1000(table, 60))
    )
    assert (
        f"Family member (3 people): the middle line flags 60 in every 1,000 referrals. At that line, "
        f"{counts['false_alarm']} of the flagged are false alarms and {counts['missed']} children "
        "who needed help are missed."
    ) in text
    assert "Social worker (2 people): the middle line flags 120" in text
    assert ui.TOO_FEW_NOTE.format(n=3) in text  # one number among the social workers
    lines = table_with(at, "Said no line")
    assert lines.loc["Social worker", "Said no line"] == "1"
    assert lines.loc["Family member", "Middle"] == "60"
    meaning = table_with(at, "Children missed at the middle line")
    assert meaning.loc["Family member", "Children missed at the middle line"] == str(
        counts["missed"]
    )

    assert "False alarms to find one more child" in [s.value for s in at.subheader]
    counts_table = [t.value for t in at.table if "Lowest" in t.value.columns][-1]
    assert (
        counts_table.loc["Family member", "Middle"] == "4"
        and "Social worker" not in counts_table.index
    )

    agreement = table_with(at, "Who agreed, by group")
    row = agreement.iloc[0]
    assert row["Who agreed, by group"] == markdown_text(
        "Family member: 3 of 3 agree; Social worker: 0 of 1 agree"
    )  # exact counts, whatever the size
    assert row["Typical support in each group"] == TOO_FEW_TO_SAY  # 1 social worker < 3
    assert ui.FEW_FOR_GROUPS.format(n=20, k=4) in text
    assert EXPLORATORY_NOTE not in text


def test_opinion_groups_only_with_twenty_voters_and_labelled_a_first_look(monkeypatch):
    room = workshop.create_workshop(engine(), title="Groups", created_by="fay")
    first, second, third = workshop.list_statements(engine(), room.id)[:3]
    for i in range(20):
        person = seat(room, f"P{i}", "Family member" if i % 2 else "Social worker")
        side = "agree" if i < 12 else "disagree"
        other = "disagree" if i < 12 else "agree"
        vote(person, first.id, side)
        vote(person, second.id, side)
        vote(person, third.id, other)
    at = open_page(monkeypatch)
    assert_no_exception(at)
    assert EXPLORATORY_NOTE in [i.value for i in at.info]
    mix = table_with(at, "Family member")
    assert mix.map(int).to_numpy().sum() == 20
    assert list(mix.index) == ["Group 1", "Group 2"]
    agreement = table_with(at, "Who agreed, by group")
    # 12 of 20 agreed with the first statement, 6 in each role of 10: (6+1)/(10+2) per role.
    assert agreement.iloc[0]["Typical support in each group"] == "about 58 in 100"


def test_an_empty_room_says_so_plainly(monkeypatch):
    workshop.create_workshop(engine(), title="Empty", created_by="fay")
    at = open_page(monkeypatch)
    assert_no_exception(at)
    text = page_text(at)
    assert ui.NO_LINES in text and ui.NO_FALSE_ALARMS in text
    assert ui.FEW_FOR_GROUPS.format(n=20, k=0) in text


def test_two_lines_give_a_whole_middle_line_everywhere_on_screen(monkeypatch):
    """The tester's report: with lines of 25 and 60 the live results said "The middle answer was
    42.5 in every 1,000." and the room's lines "the middle line flags 42.5", over a table of 43."""
    room = workshop.create_workshop(engine(), title="Two lines", created_by="fay")
    say(seat(room, "Kite", "Family member"), "accepted_per_1000", 25)
    say(seat(room, "Owl", "Social worker"), "accepted_per_1000", 60)
    say(seat(room, "Wren", "Family member"), "accepted_per_1000", None)  # no line
    at = open_page(monkeypatch)
    assert_no_exception(at)
    text = page_text(at)
    assert "42.5" not in text
    assert "fig_thresholds" in [chart.key for chart in at.get("plotly_chart")]  # marks to draw
    # the live results
    assert (
        "The middle answer was 43 in every 1,000. That is halfway between the two answers in the "
        "middle, 25 and 60, to the nearest whole referral." in text
    )
    # the room's lines: the even case explained, the sentence and both tables say 43
    assert "With an even number of answers, two share the middle" in text
    assert (
        "Everyone (3 people): the middle line flags 43 in every 1,000 referrals (halfway between "
        "the two answers in the middle). At that line," in text
    )
    assert table_with(at, "Said no line").loc["Everyone", "Middle"] == "43"
    assert (
        table_with(at, "Flagged at the middle line").loc["Everyone", "Flagged at the middle line"]
        == "43"
    )


def test_everyone_at_no_line_gives_a_sentence_not_an_empty_chart(monkeypatch):
    """The tester's report: the chart "The line each person would accept" was drawn empty, its
    axis reading -0.5, 0 and 0.5."""
    room = workshop.create_workshop(engine(), title="No lines", created_by="fay")
    say(seat(room, "Kite", "Family member"), "accepted_per_1000", None)
    say(seat(room, "Owl", "Social worker"), "accepted_per_1000", None)
    at = open_page(monkeypatch)
    assert_no_exception(at)
    assert "fig_thresholds" not in [chart.key for chart in at.get("plotly_chart")]
    text = page_text(at)
    assert "The line each person would accept" in text
    assert "No one named a line. 2 people would not accept any line." in text
