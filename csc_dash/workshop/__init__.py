"""The workshop: people join a session under made-up names, answer, vote on statements, leave;
a facilitator watches the room's results live, exports them and erases them.

One module per concept; this face hands on what pages, the UI and the exports use:

- :mod:`~csc_dash.workshop.rules`: limits, codes and tokens, text cleaning, the messages people see;
- :mod:`~csc_dash.workshop.store`: the tables, the engine, one transaction per write;
- :mod:`~csc_dash.workshop.workshops`, :mod:`~csc_dash.workshop.participants`,
  :mod:`~csc_dash.workshop.answers`, :mod:`~csc_dash.workshop.statements`: what people do;
- :mod:`~csc_dash.workshop.erasure`: withdrawing and erasing;
- :mod:`~csc_dash.workshop.results`: what the room has said, computed once for screen and exports;
- :mod:`~csc_dash.workshop.sheets` (CSV, JSON) and :mod:`~csc_dash.workshop.report` (HTML).

Every function that reads or writes takes the engine from :func:`make_engine` first. Problems a
person can act on raise :class:`FeedbackError` with a plain message; a database that cannot be
reached raises :class:`StoreUnavailable`, after which the same call with the same client token
is safe to repeat.
"""

from csc_dash.workshop.answers import (
    ANSWER_LINE,
    LEGACY_LINE_QUESTION,
    LINE_QUESTION,
    RESPONSE_COLUMNS,
    latest_answers,
    response_exists,
    save_response,
)
from csc_dash.workshop.erasure import erase_participant, erase_workshop, reclaim_space, withdraw
from csc_dash.workshop.participants import (
    Participant,
    find_participant_by_token,
    get_participant,
    join_workshop,
    list_participants,
    participant_settings,
    rejoin,
    revoke_join_token,
    save_settings,
    set_rejoin_code,
)
from csc_dash.workshop.report import workshop_report_html
from csc_dash.workshop.results import (
    LABEL_WORDS,
    MIN_ROLE_VOTES,
    STATEMENT_RESULT_COLUMNS,
    RoleLines,
    agreement_words,
    classify_statement,
    lines_by_role,
    lines_sentence,
    live_summary,
    reaction_label,
    responses,
    role_order,
    statement_results,
)
from csc_dash.workshop.rules import (
    AUTHOR_LEFT,
    BAD_PSEUDONYM,
    CLOSED_FOR_ANSWERS,
    CLOSED_WORKSHOP,
    CODE_ALPHABET,
    CODE_LENGTH,
    DEMO_CODE,
    EMPTY_PSEUDONYM,
    EMPTY_REJOIN,
    EMPTY_STATEMENT,
    EMPTY_TITLE,
    ERASURE_REMAINS,
    LONG_PSEUDONYM,
    LONG_STATEMENT,
    LONG_TEXT,
    LONG_TITLE,
    MAX_FREE_TEXT,
    MAX_PSEUDONYM,
    MAX_STATEMENT,
    MAX_TITLE,
    MAX_TOKEN,
    MIN_JOIN_TOKEN,
    NOT_A_PARTICIPANT,
    NOT_STORABLE,
    REACTIONS,
    READ_UNAVAILABLE,
    REJOIN_LENGTH,
    REJOIN_MAX_TRIES,
    REJOIN_PAUSED,
    REJOIN_WINDOW,
    ROLE_TAGS,
    SAVE_UNAVAILABLE,
    SETTING_KEYS,
    STATEMENT_ELSEWHERE,
    STATEMENT_NOT_OPEN,
    TAKEN_PSEUDONYM,
    UNKNOWN_CHOICE,
    UNKNOWN_CODE,
    UNKNOWN_ROLE,
    UNKNOWN_SOURCE,
    UNKNOWN_STATEMENT,
    UNKNOWN_STATUS,
    UNKNOWN_WORKSHOP,
    WRONG_REJOIN,
    FeedbackError,
    RejoinPaused,
    WorkshopClosed,
    clean_settings,
    format_rejoin_code,
    new_client_token,
    new_join_token,
    new_rejoin_code,
    normalise_code,
)
from csc_dash.workshop.sheets import responses_csv, room_lines_csv, safe_cell, workshop_json
from csc_dash.workshop.statements import (
    Statement,
    add_statement,
    approve_statement,
    author_label,
    list_statements,
    participant_votes,
    reject_statement,
    statements_version,
    take_back_vote,
    vote,
)
from csc_dash.workshop.store import StoreUnavailable, make_engine
from csc_dash.workshop.workshops import (
    Workshop,
    create_workshop,
    ensure_demo_workshop,
    find_workshop,
    get_workshop,
    list_workshops,
    set_workshop_status,
    workshop_version,
)

# isort: split
# -- you said, we did (issue 17.1) ---------------------------------------------------------------
from csc_dash.workshop.decision_store import (
    decision_rows,
    linkable_items,
    record_decision,
    update_decision,
    what_became_of_participant,
)
from csc_dash.workshop.decisions import STATUSES as DECISION_WORDS
from csc_dash.workshop.decisions import DecisionChanged, DecisionError, Link, decision_log
from csc_dash.workshop.read_back import answer_words, said_words
from csc_dash.workshop.sheets import decisions_csv

# isort: split
# -- what the engagement found, for the transparency record (issue 17.5) ----------------------------
from csc_dash.workshop.engagement import Engagement, engagement_of, record_workshops

__all__ = [
    "ANSWER_LINE",
    "AUTHOR_LEFT",
    "BAD_PSEUDONYM",
    "CLOSED_FOR_ANSWERS",
    "CLOSED_WORKSHOP",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEMO_CODE",
    "EMPTY_PSEUDONYM",
    "EMPTY_REJOIN",
    "EMPTY_STATEMENT",
    "EMPTY_TITLE",
    "ERASURE_REMAINS",
    "LABEL_WORDS",
    "LEGACY_LINE_QUESTION",
    "LINE_QUESTION",
    "LONG_PSEUDONYM",
    "LONG_STATEMENT",
    "LONG_TEXT",
    "LONG_TITLE",
    "MAX_FREE_TEXT",
    "MAX_PSEUDONYM",
    "MAX_STATEMENT",
    "MAX_TITLE",
    "MAX_TOKEN",
    "MIN_JOIN_TOKEN",
    "MIN_ROLE_VOTES",
    "NOT_A_PARTICIPANT",
    "NOT_STORABLE",
    "REACTIONS",
    "READ_UNAVAILABLE",
    "REJOIN_LENGTH",
    "REJOIN_MAX_TRIES",
    "REJOIN_PAUSED",
    "REJOIN_WINDOW",
    "RESPONSE_COLUMNS",
    "ROLE_TAGS",
    "SAVE_UNAVAILABLE",
    "SETTING_KEYS",
    "STATEMENT_ELSEWHERE",
    "STATEMENT_NOT_OPEN",
    "STATEMENT_RESULT_COLUMNS",
    "TAKEN_PSEUDONYM",
    "UNKNOWN_CHOICE",
    "UNKNOWN_CODE",
    "UNKNOWN_ROLE",
    "UNKNOWN_SOURCE",
    "UNKNOWN_STATEMENT",
    "UNKNOWN_STATUS",
    "UNKNOWN_WORKSHOP",
    "WRONG_REJOIN",
    "FeedbackError",
    "Participant",
    "RejoinPaused",
    "RoleLines",
    "Statement",
    "StoreUnavailable",
    "Workshop",
    "WorkshopClosed",
    "add_statement",
    "agreement_words",
    "approve_statement",
    "author_label",
    "classify_statement",
    "clean_settings",
    "create_workshop",
    "ensure_demo_workshop",
    "erase_participant",
    "erase_workshop",
    "find_participant_by_token",
    "find_workshop",
    "format_rejoin_code",
    "get_participant",
    "get_workshop",
    "join_workshop",
    "latest_answers",
    "response_exists",
    "lines_by_role",
    "lines_sentence",
    "list_participants",
    "list_statements",
    "list_workshops",
    "live_summary",
    "make_engine",
    "new_client_token",
    "new_join_token",
    "new_rejoin_code",
    "normalise_code",
    "participant_settings",
    "participant_votes",
    "reaction_label",
    "reclaim_space",
    "rejoin",
    "reject_statement",
    "revoke_join_token",
    "responses",
    "responses_csv",
    "room_lines_csv",
    "role_order",
    "safe_cell",
    "save_response",
    "save_settings",
    "set_rejoin_code",
    "set_workshop_status",
    "statement_results",
    "statements_version",
    "take_back_vote",
    "vote",
    "withdraw",
    "workshop_json",
    "workshop_report_html",
    "workshop_version",
]

# -- you said, we did (issue 17.1) ---------------------------------------------------------------
__all__ += [
    "DECISION_WORDS",
    "DecisionChanged",
    "DecisionError",
    "Link",
    "answer_words",
    "decision_log",
    "decision_rows",
    "decisions_csv",
    "linkable_items",
    "record_decision",
    "said_words",
    "update_decision",
    "what_became_of_participant",
]

# -- what the engagement found, for the transparency record (issue 17.5) ----------------------------
__all__ += ["Engagement", "engagement_of", "record_workshops"]
