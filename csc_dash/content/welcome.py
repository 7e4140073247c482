"""Welcome page words that are not the join form's (those live in csc_dash.ui.workshop)."""

from __future__ import annotations

#: What a person who has joined does next.
JOINED_NEXT_STEP = (
    "You are in. Next, walk through the pages in the menu from top to bottom, starting with "
    "The question. At the foot of each page you can say what you think, and a Next link takes "
    "you on."
)
JOINED_NEXT_LINK = "Start with: The question"
