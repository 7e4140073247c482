"""'Save my view of this screen': a participant's reaction stored with the exact screen state.

Every evidence page calls :func:`save_my_view` once, at the bottom, with its page id and a dict
of everything that determines what is on screen (model, threshold, characteristic, preset, ...).
"""

from __future__ import annotations

from typing import Any


def save_my_view(page: str, screen_state: dict[str, Any]) -> None:
    """Draw the 'save my view' form for ``page``; the answer is stored with ``screen_state``."""
    # Filled in by the workshop work (issue 6): store, consent and retry on failure.
    return None
