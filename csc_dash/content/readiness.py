"""The council readiness self-assessment: what staff are asked, in their own words.

Two parts. The first follows the ethics review's first tier ("Should we be doing this?"), which
asks whether the system, the organisation and the people involved are ready. The second asks
what the Department for Education asked councils about AI and digital tools in children's social
care: which tools are in use, bought or built, how risks and ethics are managed, what stands in
the way, and whether a "single view" system joins up data about a person from several services.

Question ids are stable: answers are stored under them. Kinds:

- ``level``: one of :data:`LEVELS` (how far along), or "Don't know".
- ``choice``: one of ``options``.
- ``many``: any of ``options``, or :data:`NONE_OF_THESE` on its own: an answer of its own,
  apart from leaving the question out.
- ``text``: free text, at most :data:`csc_dash.workshop.readiness.MAX_TEXT` characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["level", "choice", "many", "text"]
KINDS: tuple[str, ...] = ("level", "choice", "many", "text")

#: The parts of the form, in order, with what each is called on screen.
SECTIONS: dict[str, str] = {
    "system": "Is the system ready?",
    "organisation": "Is the council ready?",
    "people": "Are families and staff ready?",
    "tools": "Tools in use",
    "risks": "Risks, ethics and barriers",
}

#: How far along a council is, lowest first; "Don't know" is stored apart from the levels.
LEVELS: tuple[str, ...] = ("Not started", "Started", "Mostly in place", "Fully in place")
DONT_KNOW = "Don't know"
#: The answer to a "choose any" question that says none of its options applies. It is offered
#: after the options and stands alone: picked with any of them, the form asks again.
NONE_OF_THESE = "None of these"

INTRO = (
    "This form is for council staff. It asks how ready your council is to use a tool that scores "
    "referrals, and what you use today. There are no right answers. Your answers are kept with this "
    "workshop and are part of its export. Leave out anything you do not know."
)


@dataclass(frozen=True)
class ReadinessQuestion:
    id: str
    section: str
    kind: Kind
    prompt: str
    options: tuple[str, ...] = ()
    help: str = ""


QUESTIONS: tuple[ReadinessQuestion, ...] = (
    # The ethics review's first tier: system readiness.
    ReadinessQuestion(
        "data_whole_picture",
        "system",
        "level",
        "Our records give a whole and fair picture of families, not only their problems.",
        help="Think of missing records, old records, and things that are written down more for some families.",
    ),
    ReadinessQuestion(
        "data_linked_lawfully",
        "system",
        "level",
        "We know which data we may lawfully join up, and we have checked it.",
    ),
    ReadinessQuestion(
        "monitoring",
        "system",
        "level",
        "We can check, month by month, how often a tool is wrong and who the errors fall on.",
    ),
    # Organisation readiness.
    ReadinessQuestion(
        "resource",
        "organisation",
        "level",
        "We have the money and people to build, use and look after a tool for years, not only to start it.",
    ),
    ReadinessQuestion(
        "skills",
        "organisation",
        "level",
        "Staff who would use a tool are trained to read its numbers and to question them.",
    ),
    ReadinessQuestion(
        "governance",
        "organisation",
        "level",
        "A named group checks every decision about the tool and can stop it.",
        help="For example an ethics panel or a board, with its minutes kept.",
    ),
    # Participant readiness.
    ReadinessQuestion(
        "families_involved",
        "people",
        "level",
        "Families with lived experience help decide whether and how a tool is used.",
    ),
    ReadinessQuestion(
        "families_told",
        "people",
        "level",
        "Families are told when a tool is used on their case, and how to challenge it.",
    ),
    ReadinessQuestion(
        "practitioners_involved",
        "people",
        "level",
        "Social workers help design the tool and can say when it is wrong.",
    ),
    # What the Department for Education asked councils.
    ReadinessQuestion(
        "tools_in_use",
        "tools",
        "choice",
        "Does your council use AI or data tools in children's social care?",
        options=(
            "No, and none planned",
            "We are looking into it",
            "We are trying one out",
            "Yes, in daily use",
        ),
    ),
    ReadinessQuestion(
        "bought_or_built",
        "tools",
        "choice",
        "If you use or plan one, where does it come from?",
        options=(
            "Bought from a company",
            "Built by our own staff",
            "Built with a partner",
            "Not yet decided",
        ),
    ),
    ReadinessQuestion(
        "tools_for",
        "tools",
        "text",
        "What are the tools for, in a few words?",
        help="For example: to write notes, to find records, or to score referrals.",
    ),
    ReadinessQuestion(
        "single_view",
        "tools",
        "choice",
        "Do you use a 'single view' system that joins up data about a person from several services?",
        options=("Yes", "It is planned", "No", "Not sure"),
    ),
    ReadinessQuestion(
        "risk_steps",
        "risks",
        "many",
        "Which of these steps do you take to manage risks and ethics?",
        options=(
            "A data protection impact assessment",
            "An equality impact assessment",
            "An ethics panel or board",
            "A published transparency record",
            "A person reviews every result",
            "Errors are checked for each group of families",
            "Families can opt out",
        ),
    ),
    ReadinessQuestion(
        "barriers",
        "risks",
        "many",
        "What stands in the way?",
        options=(
            "Cost",
            "Skills",
            "Quality of our data",
            "Rules on sharing data",
            "Trust of families",
            "Trust of staff",
            "Being tied to one company",
            "Not sure what the law allows",
        ),
    ),
    ReadinessQuestion(
        "anything_else",
        "risks",
        "text",
        "Is there anything else we should know?",
    ),
)


def plain_texts() -> list[tuple[str, str]]:
    """The form's own sentences, for the reading-level test."""
    texts = [("INTRO", INTRO)]
    for question in QUESTIONS:
        texts.append((f"{question.id}.prompt", question.prompt))
        if question.help:
            texts.append((f"{question.id}.help", question.help))
    return texts
