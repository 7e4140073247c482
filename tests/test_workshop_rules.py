"""csc_dash.workshop.rules: join codes, tokens and rejoin codes."""

from __future__ import annotations

import re

import pytest

from csc_dash import workshop as fb

pytest.register_assert_rewrite("tests.pg")

pytest_plugins = ["tests.pg", "tests.store_helpers"]  # fixtures: engine, store_url, pg_url, workshop


def test_code_alphabet_has_no_lookalikes():
    assert len(set(fb.CODE_ALPHABET)) == len(fb.CODE_ALPHABET)
    assert not set(fb.CODE_ALPHABET) & set("0O1IL2Z5S8B")
    assert fb.CODE_ALPHABET.isupper() or fb.CODE_ALPHABET.isalnum()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("demo", "DEMO"),
        ("  de-mo ", "DEMO"),
        ("ac d-e f", "ACDEF"),
        ("ac–de—f", "ACDEF"),
        ("AC\tDE\nF", "ACDEF"),
        ("", ""),
    ],
)
def test_normalise_code(typed, stored):
    assert fb.normalise_code(typed) == stored


def test_join_tokens_are_long_and_random():
    tokens = {fb.new_join_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert fb.MIN_JOIN_TOKEN <= len(token) <= fb.MAX_TOKEN
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)  # safe in an address without escaping


def test_rejoin_codes_are_short_readable_and_random():
    codes = {fb.new_rejoin_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == fb.REJOIN_LENGTH
        assert set(code) <= set(fb.CODE_ALPHABET)
    assert fb.format_rejoin_code("K7QM3DXA") == "K7QM-3DXA"
    assert fb.normalise_code(fb.format_rejoin_code("K7QM3DXA").lower()) == "K7QM3DXA"
