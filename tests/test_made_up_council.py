"""Root causes' made-up council in whole people: the what-if's sentences, its sum and the
numbers on its bars never show a decimal, and rounding never makes a change look like none."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest
import textstat

from csc_dash import made_up_council as words
from csc_dash.cohort import load_council_population, load_sample_referrals
from csc_dash.neighbourhoods import prevention_what_if

DECIMAL = re.compile(r"\d\.\d")


def _what(**changes):
    what = SimpleNamespace(
        reduction=0.2, with_factor=1234, referrals=5678, recorded_with=0.081,
        recorded_without=0.032, need_fewer=20.6,
    )  # fmt: skip
    for name, value in changes.items():
        setattr(what, name, value)
    what.recorded_fewer = (
        what.reduction * what.with_factor * (what.recorded_with - what.recorded_without)
    )
    return what


def test_shares_that_round_alike_are_not_said_to_be_equal():
    first, _ = words.what_if_sentences(
        _what(recorded_with=0.0812, recorded_without=0.0808), reduction_percent=20
    )
    assert first.endswith(
        "Of those, about 81 in every 1,000 went on to a recorded plan or care, against a little "
        "fewer in every 1,000 without it."
    )


@pytest.mark.parametrize(
    ("fewer", "said"),
    [(0.0, "**no fewer recorded plans"), (0.3, "**less than 1 fewer recorded plans"),
     (12.4, "**about 12 fewer recorded plans"), (-2.2, "**about 2 more recorded plans")],
)  # fmt: skip
def test_the_what_if_says_whole_people(fewer, said):
    what = _what()
    what.recorded_fewer = fewer
    _, second = words.what_if_sentences(what, reduction_percent=20)
    assert said in second


def test_the_sum_says_when_rounding_its_parts_moves_the_answer():
    # 2,000 x 41 / 1,000 = 82 from the whole parts; 2,000 x 0.0414 = 82.8 exactly.
    what = _what(with_factor=10_000, recorded_with=0.0414, recorded_without=0.0)
    assert words.what_if_sum(what) == (
        "Of the 10,000 referrals with domestic abuse, 20% is 2,000. Say they now look like "
        "referrals without it. With domestic abuse, 41 in every 1,000 went on to a plan or care. "
        "Without it, 0 in every 1,000 did. That is a gap of 41 in every 1,000. So 2,000 × 41 ÷ "
        "1,000 gives about 82 fewer plans or care. Before the numbers are rounded, the sum gives "
        "about 83 fewer."
    )
    for text in (words.what_if_sum(what), words.what_if_sum(_what())):
        assert not DECIMAL.search(text)
        assert textstat.flesch_kincaid_grade(text) <= 8


def test_bar_numbers_are_whole_and_a_small_change_is_not_hidden():
    table = pd.DataFrame(
        {
            "measure": ["recorded", "recorded", "need", "need"],
            "when": ["now", "after", "now", "after"],
            "per_10k": [12.4, 12.1, 30.2, 25.6],
        }
    )
    assert words.what_if_labels(table, per=10_000) == ["12", "a little less", "30", "26"]
    # Per 1,000 (the plain view): 1.24 and 1.21 both read 1, so "after" reads "a little less".
    assert words.what_if_labels(table) == ["1", "a little less", "3", "a little less"]


def test_the_real_what_if_reads_in_whole_people():
    what = prevention_what_if(
        load_sample_referrals("moderate"), load_council_population(), reduction=0.2
    )
    texts = [*words.what_if_sentences(what, reduction_percent=20), words.what_if_sum(what)]
    texts += words.what_if_labels(what.table())
    for text in texts:
        assert not DECIMAL.search(text), text
    assert words.what_if_sum_analyst(what).startswith("Fewer = (share who fell)")
