"""The words of the draft transparency record (:mod:`csc_dash.atrs`): what a person must still
write in each empty field, what the app says about human review, and the decision log's headings.

Field paths follow the Algorithmic Transparency Recording Standard's template, in snake case.
"""

from __future__ import annotations

NO_DECISIONS = "No decisions recorded yet."
TO_WRITE = "To be written by the council."

#: Every field the app leaves empty, with what a person must write there, in plain words.
FIELD_PROMPTS: dict[str, str] = {
    "metadata.organisation": "The council or body that uses the tool.",
    "metadata.function": "The area of work, such as children's social care.",
    "metadata.phase": "Where the tool is: idea, pilot, in use or stopped.",
    "metadata.geographical_region": "The places where the tool is used.",
    "tier_1.description": "In a few plain sentences: what the tool does, how it is used and why.",
    "tier_1.website": "A web page where people can read more.",
    "tier_1.contact_email": "An email address where people can ask about the tool.",
    "tier_2.owner_and_responsibility.organisation": "Who is in charge of the tool.",
    "tier_2.owner_and_responsibility.team": "The team that runs it.",
    "tier_2.owner_and_responsibility.senior_responsible_owner": "The senior person who answers for it.",
    "tier_2.owner_and_responsibility.external_supplier_involvement": "Who built it, if not you.",
    "tier_2.description_and_rationale.scope": "What the tool is for, and what it must not be used for.",
    "tier_2.description_and_rationale.benefit": "What good it should do, and how you will know.",
    "tier_2.description_and_rationale.previous_process": "How the work was done before the tool.",
    "tier_2.description_and_rationale.alternatives_considered": "What else you thought about.",
    "tier_2.decision_making_process.process_integration": "Where in the work the tool's flag is seen.",
    "tier_2.decision_making_process.frequency_and_scale_of_usage": "How often, for how many referrals.",
    "tier_2.decision_making_process.required_training": "What staff learn before they use it.",
    "tier_2.decision_making_process.appeals_and_review": "How a family can ask for a flag to be looked at again.",
    "tier_2.tool_specification.system_architecture": "How the tool is built and where it runs.",
    "tier_2.tool_specification.maintenance": "Who checks it, and how often.",
    "tier_2.tool_specification.chosen_line.rationale": "Why this line was chosen.",
    "tier_2.data.source_data_name": "Where the records came from.",
    "tier_2.data.data_collection": "How and why the records were first collected.",
    "tier_2.data.data_sharing_agreements": "Any agreements to share the data.",
    "tier_2.data.data_access_and_storage": "Who can see the data, and where it is kept.",
    "tier_2.risks_mitigations_and_impact_assessments.impact_assessments": "Your own checks of the harm the tool could do (impact assessments).",
    "tier_2.risks_mitigations_and_impact_assessments.engagement_took_part": "Who you asked about the tool, and how many people took part.",
    "tier_2.risks_mitigations_and_impact_assessments.engagement_decisions": "What the people you asked told you, and what you decided because of it.",
}
#: The decision log's headings on the printable page, in the order of its columns.
DECISION_HEADINGS = {
    "decision": "What was decided",
    "where_it_stands": "Where it stands",
    "why": "Why",
    "what_it_drew_on": "What it drew on",
    "recorded": "Recorded",
}
HUMAN_REVIEW = (
    "The tool gives a flag, not a decision. A flag asks a person to look at the referral again. "
    "People decide what happens to a family; the tool never does."
)
