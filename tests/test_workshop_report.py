"""csc_dash.workshop.report: an escaped, self-contained HTML report drawn from the results."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
import textstat

from csc_dash import workshop as fb
from csc_dash.charts import workshop as charts
from csc_dash.workshop import decision_store, report
from tests import page_words as pw
from tests.store_helpers import FORMULAS, XSS

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, hostile


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
    page = fb.workshop_report_html(engine, workshop.id)
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

    page = fb.workshop_report_html(
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
    assert "the most common answer was “I could not accept this” (2 people)" in text
    assert (  # these answers were given on the older form, as score lines: said, not converted
        "1 person would not accept any line. 2 people gave a line as a score, on an older form. "
        "It cannot be shown as a number in every 1,000, so it is left out." in text
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
    # people, reactions, one scale question; no strip of lines, as no one named one per 1,000
    assert page.count("<svg") == 3
    assert page.count("<title>") == 1 + 3  # the page and every chart have a title
    # Sam said 1 and Kim 4: a tie names both answers (it said "Strongly disagree" alone)
    assert (
        "2 people answered; the most common answers were “Strongly disagree” and “Agree”, one each."
        in text
    )


def test_report_of_an_empty_workshop(engine):
    workshop = fb.create_workshop(engine, title="Empty", created_by="ann")
    page = fb.workshop_report_html(engine, workshop.id)
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
    """Issue 12.1: withdrawing deleted other people's votes from the fb."""
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

    data = json.loads(fb.workshop_json(engine, room.id))
    (kept,) = [s for s in data["statements"] if s["id"] == idea.id]
    assert (kept["text"], kept["proposed_by"], kept["author"]) == (
        "Tell families first.", None, fb.AUTHOR_LEFT)
    assert sorted(v["participant_id"] for v in data["votes"] if v["statement_id"] == idea.id) == [
        people[1].id, people[2].id]
    assert "Proposer" not in json.dumps(data)
    page = fb.workshop_report_html(engine, room.id)
    assert "Tell families first." in page and fb.AUTHOR_LEFT in page
    assert "Proposer" not in page


def test_the_report_says_lines_per_1000_first(engine):
    room = fb.create_workshop(engine, title="Room", created_by="ann")
    sam = fb.join_workshop(engine, code=room.code, pseudonym="Sam", role_tag="Other",
                           client_token=fb.new_client_token())
    fb.save_response(engine, participant_id=sam.id, page="your_views", question_id=fb.LINE_QUESTION,
                     value=95, screen_state={fb.ANSWER_LINE: 0.1764}, client_token=fb.new_client_token())
    page = fb.workshop_report_html(engine, room.id)
    assert "95 in every 1,000" in page


def test_the_report_shows_the_room_no_decimal_and_no_score(engine):
    """A facilitator may put the report on the projector: a line reads in whole people per 1,000,
    never beside the score it maps to (the report said "95 in every 1,000 (score 0.176)")."""
    room = fb.create_workshop(engine, title="Room", created_by="ann")
    for name, per, score in (("Sam", 95, 0.1764), ("Ola", 240, 0.0821), ("Ed", None, 0.3)):
        person = fb.join_workshop(engine, code=room.code, pseudonym=name, role_tag="Other",
                                  client_token=fb.new_client_token())  # fmt: skip
        fb.save_response(engine, participant_id=person.id, page="your_views",
                         question_id=fb.LINE_QUESTION, value=per,
                         screen_state={fb.ANSWER_LINE: score}, client_token=fb.new_client_token())  # fmt: skip
    page = fb.workshop_report_html(engine, room.id)
    words = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(" ".join(parse_html(words).text))
    assert "95 in every 1,000" in text and "240 in every 1,000" in text
    assert pw.decimals_in(text) == []
    lines = text.split("Where people would draw the line", 1)[1].split("The room's lines", 1)[0]
    assert "score" not in lines.lower()


def test_the_report_and_the_facilitators_chart_say_the_same_about_the_lines(engine):
    """The lines are summed up once (csc_dash.workshop.results): the report's sentence is the
    chart's, and its marks sit where the chart's do, on the same 0 to 1,000 scale."""
    room = fb.create_workshop(engine, title="Room", created_by="ann")
    lines = {"Ann": ("Other", 40), "Bo": ("Manager", 95), "Cy": ("Manager", 300), "Di": ("Other", None)}
    for name, (role, per) in lines.items():
        person = fb.join_workshop(engine, code=room.code, pseudonym=name, role_tag=role,
                                  client_token=fb.new_client_token())
        fb.save_response(engine, participant_id=person.id, page="your_views",
                         question_id=fb.LINE_QUESTION, value=per,
                         screen_state={fb.ANSWER_LINE: None if per is None else per / 1000},
                         client_token=fb.new_client_token())
    frame = fb.live_summary(engine, room.id)["accepted_thresholds"]
    page = fb.workshop_report_html(engine, room.id)
    text = " ".join("".join(parse_html(page).text).split())
    assert charts.thresholds_summary(frame) in text
    assert "3 people named a line: from 40 to 300 flagged in every 1,000 referrals." in text
    assert "The middle answer was 95 in every 1,000. 1 person would not accept any line." in text
    strip = re.search(r"<svg.*?</svg>", page.split("Where people would draw the line", 1)[1]).group(0)
    figure = charts.thresholds_figure(frame, fb.ROLE_TAGS)
    drawn = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', strip)]
    chart_marks = [x for trace in figure.data for x in trace.x]
    # the strip starts 200 px in and is 350 px long (csc_dash.workshop.report._strip_svg)
    assert drawn == pytest.approx([200 + 350 * x / 1000 for x in chart_marks], abs=0.06)


# --------------------------------------------------------------------------- you said, we did


def test_the_report_has_the_decision_log_escaped(engine, workshop):
    assert report.NO_DECISIONS in fb.workshop_report_html(engine, workshop.id)
    for title in XSS[:2]:
        decision_store.record_decision(
            engine, workshop_id=workshop.id, title=title, status="not_adopted",
            reason="We could not pay for it.", links=[], created_by="ann",
            client_token=fb.new_client_token(),
        )  # fmt: skip
    page = fb.workshop_report_html(engine, workshop.id)
    assert "<h2>You said, we did</h2>" in page and "2 decisions recorded." in page
    assert page.count("We decided not to do it") == 2
    assert "We could not pay for it." in page and "nothing linked yet" in page
    for title in XSS[:2]:
        assert title not in page and html.escape(title) in page
    assert "<script" not in page


def test_the_report_words_on_decisions_are_plain():
    for text in (report.NO_DECISIONS, report.DECISIONS_NOTE):
        assert textstat.flesch_kincaid_grade(text) <= 8


def test_the_report_says_when_a_decision_last_changed(engine, workshop):
    did = decision_store.record_decision(
        engine, workshop_id=workshop.id, title="Train staff", status="considered",
        reason="People asked.", links=[], created_by="ann", client_token=fb.new_client_token(),
    )  # fmt: skip
    page = fb.workshop_report_html(engine, workshop.id)
    assert '<th scope="col">Last changed</th>' in page and "We talked about it" in page
    decision_store.update_decision(engine, did, workshop_id=workshop.id, title="Train staff", changed_by="bo",
                                   status="adopted", reason="Done in May.", links=[])  # fmt: skip
    (row,) = decision_store.decision_rows(engine, workshop.id)
    page = fb.workshop_report_html(engine, workshop.id)
    assert "We did it" in page and "We talked about it" not in page
    assert f"<td>{row['updated_at'].strftime('%d %B %Y')}</td></tr>" in page


def _room_of(engine, lines: dict[str, tuple[str, int | None]]):
    """A workshop where each person (name -> role, line per 1,000 or None for "no line") said
    where they would draw the line and saved one view of Trade-offs."""
    room = fb.create_workshop(engine, title="Room", created_by="ann")
    reactions = iter(["acceptable", "unsure", "not_acceptable"] * 3)
    for name, (role, per) in lines.items():
        person = fb.join_workshop(engine, code=room.code, pseudonym=name, role_tag=role,
                                  client_token=fb.new_client_token())  # fmt: skip
        fb.save_response(engine, participant_id=person.id, page="your_views",
                         question_id=fb.LINE_QUESTION, value=per,
                         screen_state={fb.ANSWER_LINE: None if per is None else per / 1000},
                         client_token=fb.new_client_token())  # fmt: skip
        fb.save_response(engine, participant_id=person.id, page="tradeoffs",
                         question_id="reaction", value={"reaction": next(reactions), "reason": ""},
                         screen_state={}, client_token=fb.new_client_token())  # fmt: skip
    return room


def _counts_at(k: int) -> dict[str, int]:
    return {"flagged": k, "true_alarm": k // 5, "false_alarm": k - k // 5, "missed": 40 - k // 25}


def test_the_report_names_every_answer_in_a_tie_and_says_a_whole_middle_line(engine):
    """The tester's report: with 1 'Not sure' and 1 'Agree' it said "the most common answer was
    'Not sure'"; with lines of 25 and 60 "the middle answer was 42.5" beside a table of 43."""
    room = _room_of(engine, {"Kite": ("Family member", 25), "Owl": ("Social worker", 60)})
    page = fb.workshop_report_html(engine, room.id, counts_at=_counts_at, tool="Tick-box tool")
    text = " ".join("".join(parse_html(page).text).split())
    assert (
        "2 people took part; the largest groups were family member and social worker, 1 person each."
        in text
    )
    assert (
        "People saved 2 views of screens; the most common answers were “I could accept this” and "
        "“I am not sure”, one each." in text
    )
    assert (
        "2 people named a line: from 25 to 60 flagged in every 1,000 referrals. The middle answer "
        "was 43 in every 1,000. That is halfway between the two answers in the middle, 25 and 60, "
        "to the nearest whole referral." in text
    )
    assert (
        "Everyone (2 people): the middle line flags 43 in every 1,000 referrals (halfway between "
        "the two answers in the middle). At that line, 35 of the flagged are false alarms" in text
    )
    assert "With an even number of answers, two share the middle" in text
    assert "42.5" not in page  # a whole number of referrals everywhere in the report


def test_the_report_draws_no_strip_when_everyone_said_no_line(engine):
    room = _room_of(engine, {"Kite": ("Family member", None), "Owl": ("Social worker", None)})
    page = fb.workshop_report_html(engine, room.id)
    text = " ".join("".join(parse_html(page).text).split())
    assert "No one named a line. 2 people would not accept any line." in text
    section = page.split("Where people would draw the line", 1)[1].split("<h2>", 1)[0]
    assert "<svg" not in section  # a sentence, not a picture with nothing on it


def test_the_method_note_is_apart_from_the_plain_text(engine):
    """The report kept "For analysts: ... Pol.is ... geometric mean" in its main text, which the
    room sees when a facilitator projects it. The main text is plain; the method is kept, in a
    closed part at the end of the section, titled in plain words, escaped and without scripts."""
    room = fb.create_workshop(engine, title="Room", created_by="ann")
    statement = fb.list_statements(engine, room.id)[0]
    for i, role in enumerate(("Family member", "Social worker", "Social worker")):
        person = fb.join_workshop(engine, code=room.code, pseudonym=f"P{i}", role_tag=role,
                                  client_token=fb.new_client_token())  # fmt: skip
        fb.vote(engine, participant_id=person.id, statement_id=statement.id, choice="agree",
                client_token=fb.new_client_token())  # fmt: skip
    page = fb.workshop_report_html(engine, room.id)
    details = re.findall(r"<details\b.*?</details>", page, flags=re.S)
    assert len(details) == 1
    assert '<summary>How these figures were worked out</summary>' in details[0]
    method = html.unescape(" ".join(parse_html(details[0]).text))
    assert "Pol.is" in method and "geometric mean" in method and "(agree + 1) / (seen + 2)" in method
    main = re.sub(r"<(style|script|svg|details)\b.*?</\1>", " ", page, flags=re.S)
    text = html.unescape(" ".join(parse_html(main).text))
    assert "Agreement across groups" in text
    for word in ("For analysts", "Pol.is", "geometric", "(agree + 1)"):
        assert word not in text, word
    assert [w for w in pw.jargon_in(text) if w != "threshold: say the line"] == []
    # The part sits at the end of the room's section, before the next section's heading.
    room_section = page.split(html.escape("The room's lines, by group"), 1)[1]
    assert room_section.index("<details") < room_section.index("<h2")
    assert "<script" not in page.lower() and "script" not in parse_html(page).tags
