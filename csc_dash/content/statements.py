"""The bank of agree/disagree statements a facilitator can seed a workshop with.

Written for this product from the views that supporters and critics have put forward in the
public debate (see the ethics review for What Works for Children's Social Care, 2020, and
*Professional Social Work*, BASW, February 2019). The bank is balanced: for most topics there is
a statement a supporter would agree with and one a critic would agree with. Short, plain and
neutral: each is a view someone holds, not a fact the app asserts. Ids are stable.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankStatement:
    id: str
    text: str
    topic: str


#: Topics, in the order a workshop might take them, with a plain name for each.
TOPICS: dict[str, str] = {
    "assist": "Helping workers or deciding",
    "errors": "False alarms and children missed",
    "fairness": "Fairness",
    "surveillance": "Watching poorer families",
    "consent": "Consent and saying no",
    "profit": "Companies and profit",
    "relationships": "Relationships with families",
    "root_causes": "Root causes and prevention",
    "involvement": "Families involved at every step",
    "openness": "Openness",
    "data": "Data and records",
}

STATEMENT_BANK: tuple[BankStatement, ...] = (
    BankStatement(
        "assist_help_spot",
        "A tool could help busy workers spot children who need help sooner.",
        "assist",
    ),
    BankStatement(
        "assist_lean_on_score",
        "Workers would start to trust the score more than their own judgement.",
        "assist",
    ),
    BankStatement(
        "assist_second_look",
        "A tool is fine if it only asks a worker to take a second look.",
        "assist",
    ),
    BankStatement(
        "errors_false_alarms",
        "Worrying a family for no reason does real harm.",
        "errors",
    ),
    BankStatement(
        "errors_missed_worse",
        "Missing a child who needs help is worse than a false alarm.",
        "errors",
    ),
    BankStatement(
        "errors_compare_now",
        "A tool should be judged against what workers do now, not against being perfect.",
        "errors",
    ),
    BankStatement(
        "fairness_repeat_bias",
        "A tool built on old records will repeat the unfairness in them.",
        "fairness",
    ),
    BankStatement(
        "fairness_fairer_than_people",
        "A well-checked tool could be fairer than people, who have their own biases.",
        "fairness",
    ),
    BankStatement(
        "surveillance_poorer",
        "These tools would mean more watching of families who are already poor.",
        "surveillance",
    ),
    BankStatement(
        "surveillance_already_known",
        "Councils already know which areas need most help. They do not need a tool for that.",
        "surveillance",
    ),
    BankStatement(
        "consent_told",
        "Families should always be told if a tool has scored them.",
        "consent",
    ),
    BankStatement(
        "consent_opt_out",
        "Families should be able to say no to their data being used in a tool.",
        "consent",
    ),
    BankStatement(
        "consent_safety_first",
        "Keeping a child safe can matter more than a family's wish to opt out.",
        "consent",
    ),
    BankStatement(
        "profit_no_companies",
        "Companies should not make money from tools used on families.",
        "profit",
    ),
    BankStatement(
        "profit_skills",
        "Councils need outside companies because they lack the skills to build tools.",
        "profit",
    ),
    BankStatement(
        "relationships_first",
        "Good social work is about relationships, and a score cannot replace that.",
        "relationships",
    ),
    BankStatement(
        "relationships_more_time",
        "If a tool saved paperwork, workers would have more time to spend with families.",
        "relationships",
    ),
    BankStatement(
        "root_causes_spend",
        "Money spent on tools would be better spent on help for families, like housing.",
        "root_causes",
    ),
    BankStatement(
        "root_causes_data",
        "Data could show where early help is most needed, so families get help sooner.",
        "root_causes",
    ),
    BankStatement(
        "involvement_every_step",
        "Families should help decide whether a tool is used at all.",
        "involvement",
    ),
    BankStatement(
        "involvement_experts",
        "Experts are better placed than families to design these tools.",
        "involvement",
    ),
    BankStatement(
        "openness_public",
        "Councils should publish how well their tools work, mistakes included.",
        "openness",
    ),
    BankStatement(
        "openness_gaming",
        "If people knew exactly how a tool works, some could learn to fool it.",
        "openness",
    ),
    BankStatement(
        "data_not_good_enough",
        "Records about families are not good enough to base a tool on.",
        "data",
    ),
    BankStatement(
        "data_hidden_knowledge",
        "Records hold useful facts that busy workers never have time to read.",
        "data",
    ),
)
