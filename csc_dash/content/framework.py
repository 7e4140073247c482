"""The ethics framework, in plain words.

Based on the ethics review for What Works for Children's Social Care by the Rees Centre
(University of Oxford) and The Alan Turing Institute: *Ethics review of machine learning in
children's social care* (Leslie, Holmes, Hitrova and Ott, 2020). The words here are our own
summary, written for families and workers; the ``source`` fields keep the review's own terms for
the analyst view. FAST and the project lifecycle come from the Turing's guidance *Understanding
artificial intelligence ethics and safety* (Leslie, 2019).

Every ``plain``, ``detail`` and ``prompt`` text is tested to be readable by a 12-year-old
(Flesch–Kincaid grade 8 or below).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Evidence pages a recommendation or question may point to (paths relative to the project root).
EVIDENCE_PAGES: dict[str, str] = {
    "app_pages/question.py": "The question",
    "app_pages/tradeoffs.py": "Trade-offs",
    "app_pages/children.py": "Who is flagged or missed",
    "app_pages/fairness.py": "Fairness",
    "app_pages/root_causes.py": "Root causes",
    "app_pages/your_views.py": "Your views",
    "app_pages/your_model.py": "Your own model",
}

#: What to say instead of a link when an evidence page is not open to this session (families
#: and workers have no "Your own model" page): a sentence that makes sense to them, never a
#: dead link. A page with no entry here is simply not linked.
ELSEWHERE: dict[str, str] = {
    "app_pages/your_model.py": (
        "Analysts can check a model of their own on the 'Your own model' page."
    ),
}
#: The label of a link to an evidence page (``{title}``: its title in the menu).
LINK_LABELS: dict[str, str] = {
    "app_pages/your_model.py": "Check a model of your own: {title}",
}
LINK_LABEL = "See the evidence: {title}"


def link_label(path: str) -> str:
    """The label of the link to evidence page ``path``."""
    return LINK_LABELS.get(path, LINK_LABEL).format(title=EVIDENCE_PAGES.get(path, path))

SOURCE_TITLE = (
    "Ethics review of machine learning in children's social care (Leslie, Holmes, Hitrova and "
    "Ott, 2020), for What Works for Children's Social Care, by the Rees Centre, University of "
    "Oxford, and The Alan Turing Institute"
)
FAST_SOURCE_TITLE = "Understanding artificial intelligence ethics and safety (Leslie, 2019), The Alan Turing Institute"

INTRO = (
    "Some councils use computer tools to score referrals. People disagree about this. Some hope "
    "the tools can help workers spot children who need help sooner. Others fear the tools will "
    "treat families unfairly, watch poorer families more, and push aside the skill of social "
    "workers. A study for What Works for Children's Social Care asked three questions about "
    "these tools. This page walks through them in plain words."
)

ASSIST_NOT_DECIDE = (
    "A tool like this could only ever help a worker think. It should never decide what happens "
    "to a family. People decide, and they must be able to explain why."
)


@dataclass(frozen=True)
class Tier:
    """One of the review's three questions."""

    id: str
    question: str
    view: str  # "outside" or "inside" or "action", in plain words below
    plain: str
    prompts: tuple[str, ...]
    pages: tuple[str, ...]  # evidence pages that bear on it
    source: str  # the review's own framing, for analysts


TIERS: tuple[Tier, ...] = (
    Tier(
        id="should",
        question="Should we be doing this?",
        view="Looking from the outside",
        plain=(
            "This question steps back. Is it right to use these tools in children's social care "
            "at all? Councils have less money than before. Staff and systems may not be ready. "
            "Many families who meet social care are poor, and some groups are treated unfairly "
            "in many parts of life. A tool trained on old records could repeat that unfairness "
            "and keep the same families in view."
        ),
        prompts=(
            "What problem would a tool like this solve? Is there a better way to solve it?",
            "Are councils, workers and families ready for a tool like this?",
            "Could a tool make life harder for families who are already poor?",
        ),
        pages=("app_pages/question.py", "app_pages/root_causes.py"),
        source=(
            "The outside view: would using machine learning in children's social care be "
            "justified, given austerity, system, organisation and participant readiness, and "
            "social inequality and cycles of poverty and discrimination?"
        ),
    ),
    Tier(
        id="right",
        question="Can we do this right?",
        view="Looking from the inside",
        plain=(
            "If a council does build or buy a tool, can it do each step well? The records must "
            "be good enough to give a whole picture of a family, not just their problems. People "
            "must agree what a good result for a child looks like. Every choice in making and "
            "using the tool must have a good reason. And there must be enough money and skill "
            "to build it, use it and keep it working well."
        ),
        prompts=(
            "Are the records good enough to give a fair picture of a family?",
            "What should count as a good result for a child and a family?",
            "Who should check the tool, and how often?",
        ),
        pages=("app_pages/tradeoffs.py", "app_pages/children.py", "app_pages/fairness.py"),
        source=(
            "The inside view: responsible practice at every stage of design and deployment. Is "
            "the data good enough to give a whole picture of families? How should the success of "
            "children's social care be measured? Can every design and use decision be justified? "
            "Is there the resource to build, use and maintain the system responsibly?"
        ),
    ),
    Tier(
        id="todo",
        question="What is to be done?",
        view="What should happen next",
        plain=(
            "The study made eight suggestions. They are for the government, councils, workers, "
            "data experts and families. Each one links to a part of this app where you can look "
            "at the evidence for yourself."
        ),
        prompts=(
            "Which of the eight suggestions matters most to you?",
            "Is anything missing from the list?",
        ),
        pages=("app_pages/your_views.py",),
        source="Eight recommendations for policy makers, councils, practitioners and researchers.",
    ),
)


@dataclass(frozen=True)
class Recommendation:
    """One of the review's eight recommendations."""

    number: int
    plain: str  # one short line: also the option text in the questionnaire
    detail: str  # a few plain sentences
    prompt: str  # a question for discussion
    page: str  # the evidence page that bears on it (a key of EVIDENCE_PAGES)
    source: str  # the review's own wording, summarised, for analysts


RECOMMENDATIONS: tuple[Recommendation, ...] = (
    Recommendation(
        number=1,
        plain="Set national rules for making and using these tools well.",
        detail=(
            "The government should set clear rules that every council must follow. Families in "
            "the study asked for the same standards everywhere, so it does not matter where a "
            "child lives."
        ),
        prompt=(
            "What should a rule say about how often a tool can be wrong? Try the trade-offs "
            "page and see what each line on the scores would mean."
        ),
        page="app_pages/tradeoffs.py",
        source="Mandate responsible design and use of machine learning in children's social care nationally.",
    ),
    Recommendation(
        number=2,
        plain="Be open about how tools work, and share what councils learn.",
        detail=(
            "Workers and data experts from different councils should work together and share "
            "what they learn. Tools should be open to checks. No one should have to trust a "
            "black box: a tool whose workings are hidden."
        ),
        prompt="What would you need to see before you could trust a tool?",
        page="app_pages/your_model.py",
        source=(
            "Connect practitioners and data scientists across councils; choose openness and "
            "transparency over black-box systems."
        ),
    ),
    Recommendation(
        number=3,
        plain="Involve families and ask their consent at every step.",
        detail=(
            "Families should help decide whether a tool is used, how it is made and how it is "
            "bought. They should be told when their data is used and be able to say no. Councils "
            "should listen to what families say."
        ),
        prompt=(
            "How should families be told about a tool, and what should happen if they say no? "
            "Share your view on the 'Your views' page."
        ),
        page="app_pages/your_views.py",
        source=(
            "Inclusive, consent-based design, procurement and implementation, with deliberative "
            "involvement of families at every stage."
        ),
    ),
    Recommendation(
        number=4,
        plain="Study whether councils, staff and families are ready.",
        detail=(
            "Money should go to research on whether the whole system is ready for these tools. "
            "That means councils, their computer systems, their staff, and the families who "
            "would be affected."
        ),
        prompt=(
            "What would a council need to have in place first? Look at who is flagged and who is "
            "missed, and ask if workers could handle that."
        ),
        page="app_pages/children.py",
        source="Fund research on system, organisational and participant readiness.",
    ),
    Recommendation(
        number=5,
        plain="Learn how data about families has been used, and be honest about it.",
        detail=(
            "Before building anything, we should know how records about children and families "
            "are made and used now. That shows what a tool could and could not do, and what "
            "to expect from it."
        ),
        prompt=(
            "Some families are more in view of services than others. How could that change what "
            "the records say? Look at the fairness page."
        ),
        page="app_pages/fairness.py",
        source=(
            "Understand how data in children's social care is and has been used, to set "
            "realistic expectations."
        ),
    ),
    Recommendation(
        number=6,
        plain="Use data to find and tackle the root causes of need.",
        detail=(
            "Data can show why families need help, not just which families. Poverty, bad "
            "housing and cuts to local help all play a part. Councils should use data to find "
            "these causes and try new ways to fix them."
        ),
        prompt=(
            "Children in the poorest areas are far more likely to come into care. What would "
            "help those families most? Look at the root causes page."
        ),
        page="app_pages/root_causes.py",
        source=(
            "Use data to describe, diagnose and analyse the root causes of the need for "
            "children's social care, and experiment to address them."
        ),
    ),
    Recommendation(
        number=7,
        plain="Focus on good outcomes and on what families do well.",
        detail=(
            "A tool should not only look for risk. It could look for what helps children and "
            "families do well, and build on their strengths. Local people should help choose "
            "what counts as a good outcome."
        ),
        prompt=(
            "The tool here predicts a plan or care. What would you want a tool to look for "
            "instead? Look at the question page."
        ),
        page="app_pages/question.py",
        source=(
            "Focus on outcomes that advance the interests of children and families, "
            "strengths-based approaches and community-guided 'prospect modelling' of positive "
            "outcomes, not only risk."
        ),
    ),
    Recommendation(
        number=8,
        plain="Train staff so records are better and better understood.",
        detail=(
            "Records are only as good as the people who write them. Staff should be trained to "
            "keep good records and to understand what the numbers can and cannot show."
        ),
        prompt=(
            "What would a worker need to know to read a score well? Look at the trade-offs page "
            "and ask what a false alarm would mean."
        ),
        page="app_pages/tradeoffs.py",
        source="Improve data quality and understanding through training.",
    ),
)


@dataclass(frozen=True)
class Value:
    """One of the four values: the direction of travel."""

    name: str
    plain: str  # a phrase that completes "<name> means ..."
    prompt: str
    source: str


VALUES: tuple[Value, ...] = (
    Value(
        name="Respect",
        plain="treating each child and family with dignity, as the unique people they are",
        prompt="Does a score treat a child as a person or as a number?",
        source="Respect the dignity and uniqueness of every person.",
    ),
    Value(
        name="Connect",
        plain="being honest and open with people, and leaving no one out",
        prompt="Would a tool help workers and families trust each other, or make that harder?",
        source="Connect with each other sincerely, openly and inclusively; build trust and solidarity.",
    ),
    Value(
        name="Care",
        plain="looking after each person and everyone together, so all can do well",
        prompt="Who would be helped by a tool, and who could be hurt by it?",
        source="Care for the wellbeing of each and all.",
    ),
    Value(
        name="Protect",
        plain="standing up for fairness and for any group that is treated unfairly",
        prompt="Would the tool's mistakes fall more on some groups than others?",
        source="Protect the priorities of social justice and equity; challenge discrimination.",
    ),
)

VALUES_INTRO = (
    "The study names four values. They show the direction to travel in, for everyone who makes "
    "or uses a tool like this."
)

#: The practical principles that turn the values into action: (plain, source wording).
PRINCIPLES: tuple[tuple[str, str], ...] = (
    (
        "Care should be fair, last over time, and keep getting better.",
        "Fair, sustainable and ever-improving care.",
    ),
    (
        "Care should support families and give them more say over their lives.",
        "Care that supports and empowers.",
    ),
    (
        "Care should be open, done with thought, and someone must answer for it.",
        "Transparent, responsible and accountable care.",
    ),
)

#: The professional virtues asked of everyone who makes or uses a tool: (plain, source wording).
VIRTUES: tuple[tuple[str, str], ...] = (
    ("Be honest and worthy of trust.", "Sincerity and trustworthiness."),
    ("Stand by the values above.", "Upholding the values."),
    ("Know your job and do it well.", "Competence."),
    ("Know where your role ends.", "Respecting professional boundaries."),
    ("Think hard before you judge.", "Considered judgement."),
    ("Own your choices and their results.", "Responsibility."),
    ("Be fair and keep an open mind.", "Objectivity."),
    ("Base your reasons on good evidence.", "Evidence-based reasoning."),
)

COMMITMENT = (
    "The study asks everyone involved to make a shared promise. It is a promise to care, to work "
    "together and to understand each other. It holds the values, principles and virtues "
    "together. It should be a living promise: talked about and renewed, not signed once and "
    "forgotten."
)

#: FAST principles (analyst view): (name, plain, source wording).
FAST: tuple[tuple[str, str, str], ...] = (
    (
        "Fairness",
        "The tool should not treat any group worse. Check its mistakes for each group.",
        "Avoid discriminatory harm: fair data, fair design, fair outcomes, fair use.",
    ),
    (
        "Accountability",
        "It must be clear who answers for the tool and for each choice made with it.",
        "Answerability and auditability across the whole project.",
    ),
    (
        "Sustainability",
        "Think about how the tool will affect people and services over time, not just today.",
        "Sensitivity to the real-world impacts of the system over time; safety, accuracy, "
        "reliability and robustness.",
    ),
    (
        "Transparency",
        "People should be able to find out how the tool works and why it gave a score.",
        "Process transparency and outcome transparency: explain how and why, in plain language.",
    ),
)

#: The project lifecycle (analyst view): (stage, plain, source wording).
LIFECYCLE: tuple[tuple[str, str, str], ...] = (
    (
        "Design",
        "Agree the problem, who it affects and what data can fairly be used. Ask families first.",
        "Problem formulation, data extraction and procurement, data analysis; stakeholder "
        "impact assessment.",
    ),
    (
        "Development",
        "Build and test the tool, and check its mistakes for each group of children.",
        "Preprocessing and feature engineering, model selection and training, testing and "
        "validation, fairness and safety checks.",
    ),
    (
        "Deployment",
        "Train staff, put the tool to use, and make sure a person always decides.",
        "Implementation planning, user training, system use and human oversight.",
    ),
    (
        "Monitoring and review",
        "Keep checking the tool in use. Stop or change it if it does harm or stops working.",
        "Monitoring, reassessment, and updating or deprovisioning.",
    ),
)

#: Discussion prompts for the whole page.
CLOSING_PROMPTS: tuple[str, ...] = (
    "After all you have seen, should a council use a tool like this? Why or why not?",
    "If a council did use one, what would you want it to promise families?",
)
