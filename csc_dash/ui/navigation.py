"""The page list. A page is reachable only if it is in the list built for this session, so roles
are enforced by what pages exist, not by hidden buttons.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
# Page scripts live in app_pages/, not pages/: with a pages/ folder beside app.py, Streamlit's old
# multipage mode would run a deep-linked page (e.g. /facilitator) on a fresh server without app.py,
# skipping this list and the sign-in gate.

Access = Literal["everyone", "analysts", "facilitators"]


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root
    title: str
    icon: str
    section: str
    access: Access = "everyone"
    default: bool = False


# Order follows the ethics review's questions so a workshop can walk them top to bottom.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("app_pages/welcome.py", "Welcome", ":material/home:", "Start", default=True),
    PageSpec("app_pages/question.py", "The question", ":material/help:", "Should we do this?"),
    PageSpec("app_pages/tradeoffs.py", "Trade-offs", ":material/tune:", "Can it be done right?"),
    PageSpec("app_pages/children.py", "Who is flagged or missed", ":material/groups:", "Can it be done right?"),
    PageSpec("app_pages/fairness.py", "Fairness", ":material/balance:", "Can it be done right?"),
    PageSpec("app_pages/root_causes.py", "Root causes", ":material/account_tree:", "What is to be done?"),
    PageSpec("app_pages/ethics.py", "Ethics and what is to be done", ":material/diversity_3:", "What is to be done?"),
    PageSpec("app_pages/your_views.py", "Your views", ":material/how_to_vote:", "What is to be done?"),
    PageSpec("app_pages/facilitator.py", "Facilitator", ":material/co_present:", "Facilitator", access="facilitators"),
    PageSpec("app_pages/readiness.py", "Council readiness", ":material/checklist:", "Facilitator", access="facilitators"),
    PageSpec("app_pages/decisions.py", "You said, we did", ":material/task_alt:", "Facilitator", access="facilitators"),
    PageSpec("app_pages/your_model.py", "Your own model", ":material/upload_file:", "Your own model", access="analysts"),
    PageSpec("app_pages/glossary.py", "Glossary", ":material/menu_book:", "Help"),
)


#: The pages a workshop walks top to bottom; each ends with a "Next" link to the one after it.
WORKSHOP_ORDER: tuple[str, ...] = (
    "Welcome",
    "The question",
    "Trade-offs",
    "Who is flagged or missed",
    "Fairness",
    "Root causes",
    "Ethics and what is to be done",
    "Your views",
)
BROWSER_TITLE = "{page} · csc-dash"
NEXT_LABEL = "Next: {page}"
#: The end of the workshop's walk (the last page has no "Next"): say so, and give a way on.
END_NOTE = (
    "This is the last page. Thank you for taking part. You can go back to any page in the menu "
    "to look again, or change an answer."
)
BACK_TO_START = "Back to the start: Welcome"


def allowed(
    spec: PageSpec, *, roles: frozenset[str], demo_mode: bool, joined: bool = False
) -> bool:
    """Whether a session with these roles (or in local demo mode) may reach a page.

    ``joined``: a workshop participant (not signed in as staff). Their menu has no "Your own
    model": uploading a scored test set is an analyst's task, not a family member's.
    """
    if spec.access == "everyone":
        return True
    if spec.access == "analysts":
        staff = bool(roles & {"analyst", "facilitator", "admin"})
        return staff or (demo_mode and not joined)
    if spec.access == "facilitators":
        return (not demo_mode) and bool(roles & {"facilitator", "admin"})
    return False


def build(
    *, roles: frozenset[str] = frozenset(), demo_mode: bool = True, joined: bool = False
) -> dict[str, list]:
    """``st.navigation`` sections for this session."""
    sections: dict[str, list] = {}
    for spec in PAGES:
        if not allowed(spec, roles=roles, demo_mode=demo_mode, joined=joined):
            continue
        page = st.Page(str(ROOT / spec.path), title=spec.title, icon=spec.icon, default=spec.default)
        sections.setdefault(spec.section, []).append(page)
    return sections


def flat(sections: dict[str, list]) -> list:
    """The pages of ``sections`` as one list, in order."""
    return [page for group in sections.values() for page in group]


def browser_title(page_title: str) -> str:
    """The browser tab's title for a page (WCAG 2.4.2: each page's title names the page)."""
    return BROWSER_TITLE.format(page=page_title)


def next_title(current: str, available: list[str]) -> str | None:
    """The page after ``current`` in workshop order among the ``available`` titles, or ``None``
    (the last page, or a page outside the workshop's walk such as the Glossary)."""
    if current not in WORKSHOP_ORDER:
        return None
    for title in WORKSHOP_ORDER[WORKSHOP_ORDER.index(current) + 1 :]:
        if title in available:
            return title
    return None
