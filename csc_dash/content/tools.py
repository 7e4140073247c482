"""The sample's three tools by their plain names (the analyst view keeps the names in
:data:`csc_dash.models.MODEL_LABELS`, such as "Tick-box data + case notes model")."""

from __future__ import annotations

PLAIN_MODEL_NAMES: dict[str, str] = {
    "structured": "Tick-box tool",
    "text": "Tick-box and notes tool",
    "rule": "Current rule (2 or more earlier referrals)",
}
