"""The "Your views" questionnaire, the reaction labels and the free-text reminder.

The questionnaire follows the ethics review's three questions (should we? can we do it right?
what is to be done?), then asks how well such a tool would honour the four values, and what
line each person would accept, if any (as flagged referrals in every 1,000). Question ids are stable: answers are stored under them.

Kinds:

- ``scale5``: one of five ordered answers; ``options`` holds the five labels, lowest first.
  Store the position 1..5.
- ``rank``: put ``options`` in order, most important first. Store the list of option texts.
- ``priority``: give each of ``options`` a priority from :data:`PRIORITY_LEVELS`. Store a dict
  option text -> level.
- ``choice``: pick one of ``options``.
- ``number``: a whole number from 0 to 1,000. For ``accepted_per_1000``, referrals in every 1,000
  flagged, or ``None`` for "no line" (see the question's help); the score line it maps to is
  stored with the answer's screen. For ``false_alarms_per_child``, how many false alarms a
  person would accept to find one more child.
- ``text``: free text; show :data:`FREE_TEXT_REMINDER` beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from csc_dash.content.framework import RECOMMENDATIONS, VALUES

Kind = Literal["scale5", "rank", "priority", "choice", "number", "text"]
KINDS: tuple[str, ...] = ("scale5", "rank", "priority", "choice", "number", "text")
TIERS: tuple[str, ...] = ("should", "right", "todo", "values", "threshold")

#: What each tier is called on screen.
TIER_TITLES: dict[str, str] = {
    "should": "Should we be doing this?",
    "right": "Can we do this right?",
    "todo": "What is to be done?",
    "values": "Respect, Connect, Care, Protect",
    "threshold": "Where would you draw the line?",
}


@dataclass(frozen=True)
class Question:
    id: str
    tier: str  # "should" | "right" | "todo" | "values" | "threshold"
    kind: Kind
    prompt: str
    options: tuple[str, ...] = ()
    help: str = ""


AGREE_SCALE: tuple[str, ...] = (
    "Strongly disagree",
    "Disagree",
    "Not sure",
    "Agree",
    "Strongly agree",
)
HOW_WELL_SCALE: tuple[str, ...] = (
    "Not at all",
    "Not well",
    "Not sure",
    "Well",
    "Very well",
)
PRIORITY_LEVELS: tuple[str, ...] = ("Low", "Medium", "High")
#: The places a check can take in a ranking (``rank``), most important first.
RANK_PLACES: tuple[str, ...] = ("1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th")
#: "No line" on the line question (``accepted_per_1000``): the tick box, and how it reads back.
NO_LINE = "No line: I would not accept any line"

#: Checks on the tool to rank on "Can we do this right?" (not "safeguards": in children's social
#: care that word means child protection).
SAFEGUARDS: tuple[str, ...] = (
    "A person always makes the decision, not the tool",
    "Families are told about the tool and can say no to it",
    "The tool is checked for mistakes that fall more on some groups",
    "The council is open about how the tool works",
    "Someone outside the council checks the tool",
    "Data about families is kept safe and private",
)

FREE_TEXT_REMINDER = (
    "Please do not write names or anything that could identify a child, a family or a worker."
)

#: Plain words for the three reactions of "save my view of this screen".
REACTION_LABELS: dict[str, str] = {
    "acceptable": "I could accept this",
    "unsure": "I am not sure",
    "not_acceptable": "I could not accept this",
}

#: "Save my view of this screen": the question names what "this" is on each page (the form is
#: drawn by csc_dash.ui.workshop.save_view; pages not listed use SCREEN_QUESTION_DEFAULT).
SCREEN_QUESTIONS: dict[str, str] = {
    "question": "Is it acceptable to you that a tool guesses about families in this way?",
    "tradeoffs": "Is the line you chose, with its false alarms and children missed, acceptable to you?",
    "children": "Is it acceptable to you that the tool flags or misses children like these?",
    "fairness": "Is the way the mistakes fall on these groups acceptable to you?",
    "root_causes": "Is it acceptable to you to use a tool when need goes with being poor like this?",
    "ethics": "Is what this page says should be done acceptable to you?",
}
SCREEN_QUESTION_DEFAULT = "Is what this page shows acceptable to you?"


def screen_question(page: str) -> str:
    """The "save my view" question for a page, saying what "this" is."""
    return SCREEN_QUESTIONS.get(page, SCREEN_QUESTION_DEFAULT)


QUESTIONNAIRE: tuple[Question, ...] = (
    Question(
        id="should_use",
        tier="should",
        kind="scale5",
        prompt="Councils should use tools like this to help workers with referrals.",
        options=AGREE_SCALE,
        help="Say how much you agree. The tool would only help a worker think. It would not decide.",
    ),
    Question(
        id="should_reasons",
        tier="should",
        kind="text",
        prompt="Why do you think that?",
        help=FREE_TEXT_REMINDER,
    ),
    Question(
        id="safeguards_rank",
        tier="right",
        kind="rank",
        prompt="If a council did use a tool like this, which checks on the tool matter most to you?",
        options=SAFEGUARDS,
        help="Put them in order. The one that matters most goes first.",
    ),
    Question(
        id="recommendations_priority",
        tier="todo",
        kind="priority",
        prompt="How important is each of these eight suggestions to you?",
        options=tuple(r.plain for r in RECOMMENDATIONS),
        help="Give each one a low, medium or high priority. You can skip any you are not sure about.",
    ),
    *(
        Question(
            id=f"value_{value.name.lower()}",
            tier="values",
            kind="scale5",
            prompt=f"How well would a tool like this honour {value.name}?",
            options=HOW_WELL_SCALE,
            help=f"{value.name} means {value.plain}. {value.prompt}",
        )
        for value in VALUES
    ),
    Question(
        id="accepted_per_1000",
        tier="threshold",
        kind="number",
        prompt=(
            "If a tool like this were used, how many of every 1,000 referrals would you accept "
            "it flagging?"
        ),
        help=(
            "A flagged referral is one the tool picks out for a person to look at again. You "
            "can try different numbers on the Trade-offs page. If you would not accept any "
            "line, tick 'No line'."
        ),
    ),
    Question(
        id="false_alarms_per_child",
        tier="threshold",
        kind="number",
        prompt=("To find one more child who needs help, how many false alarms would you accept?"),
        help=(
            "A false alarm is a family the tool flags who did not need more help. Each one means "
            "a family is looked at again for no reason. Type 0 if you would accept none."
        ),
    ),
    Question(
        id="anything_else",
        tier="threshold",
        kind="text",
        prompt="Is there anything else you want to say? This is optional.",
        help=FREE_TEXT_REMINDER,
    ),
)


def by_id(question_id: str) -> Question:
    """The question with this id (``KeyError`` if there is none)."""
    for question in QUESTIONNAIRE:
        if question.id == question_id:
            return question
    raise KeyError(question_id)
