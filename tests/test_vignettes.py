"""csc_dash.vignettes: stories and the choice of children."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import textstat

from csc_dash import cohort as cohort_mod
from csc_dash import explanations, markup, metrics, tradeoffs, vignettes
from tests.helpers import referral_row


@pytest.fixture(scope="module")
def sample():
    return cohort_mod.load_sample_cohort("moderate")


@pytest.fixture(scope="module")
def threshold(sample):
    return metrics.threshold_for_top_share(sample.scores("structured"), 0.10)


# --- stories ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "This is a girl aged 5 to 9."),
        ({"age_band": "<1", "gender": "Boy"}, "This is a baby boy under one year old."),
        ({"age_band": "1-4"}, "This is a young girl aged 1 to 4."),
        ({"age_band": "16+", "gender": "Boy"}, "This is a boy aged 16 or 17."),
        ({"disability": True}, "The child has a disability."),
        ({"referral_source": "Police"}, "The police got in touch with children's services."),
        ({"referral_source": "Unknown"}, "We do not know who got in touch with children's services."),
        ({}, "The worker who looked into it found none of the usual worries."),
        ({"neglect": True}, "The worker who looked into it was worried about neglect."),
        (
            {"neglect": True, "domestic_abuse": True, "physical_abuse": True},
            "The worker who looked into it was worried about domestic abuse, neglect and physical abuse.",
        ),
        ({}, "No one had been in touch about this child before."),
        ({"previous_referrals": 1}, "Someone had been in touch about this child once before."),
        ({"previous_referrals": 2}, "Someone had been in touch about this child twice before."),
        ({"previous_referrals": 5}, "Someone had been in touch about this child 5 times before."),
        ({"previous_plan": True}, "The child had a plan or had been in care before."),
        ({"deprivation_decile": 1}, "The family lives in one of the poorest parts of the area."),
        ({"deprivation_decile": 10}, "The family lives in one of the best-off parts of the area."),
        ({"outcome": 1, "need": 1}, "Within a year, the child went on to a plan or care."),
        ({}, "Within a year, the child did not go on to a plan or care."),
        ({"need": 1}, "In this made-up world we know the child did need that help, but it was never written down."),
    ],
)
def test_story_sentences(changes, expected):
    assert expected in vignettes.story(referral_row(**changes))


def test_story_leaves_out_what_does_not_apply():
    lines = vignettes.story(referral_row(deprivation_decile=5))
    assert not any("poorest" in line or "best-off" in line for line in lines)
    assert not any("disability" in line for line in lines)
    assert not any("never written down" in line for line in vignettes.story(referral_row(outcome=1, need=1)))


def test_stories_are_plain(sample):
    rows = sample.frame.sample(200, random_state=0)
    for _, row in rows.iterrows():
        text = " ".join(vignettes.story(row))
        assert textstat.flesch_kincaid_grade(text) <= 8, text


@pytest.mark.parametrize(
    ("previous", "expected"),
    [(0, "does not flag them. With 2, it would."), (2, "so the rule flags them"), (7, "This child had 7")],
)
def test_rule_sentence(previous, expected):
    assert expected in vignettes.rule_sentence(previous)


def test_score_sentence_never_says_the_tool_decides():
    text = vignettes.score_sentence(0.2, 0.1, model_name="Tick-box data model", analyst=True)
    assert text.startswith("The tick-box data model gave a score of 0.200. The line is at 0.100.")
    assert "flagged" in text and "at or above" in text and "A flag only means a person should look again" in text
    assert "not flagged" in vignettes.score_sentence(0.05, 0.1, model_name="X")


def test_the_plain_view_says_which_side_of_the_line_never_a_decimal():
    """A family read "gave a score of 0.152. The line is at 0.076."; scores stay for analysts."""
    assert vignettes.score_sentence(0.152, 0.076, model_name="Tick-box tool") == (
        "The tick-box tool gave this referral a score at or above the line, so it is flagged. "
        "A flag only means a person should look again."
    )
    assert vignettes.score_sentence(0.05, 0.076, model_name="Tick-box tool") == (
        "The tick-box tool gave this referral a score below the line, so it is not flagged. "
        "A flag only means a person should look again."
    )
    note = vignettes.tick_box_note(0.05, 0.076)
    assert note.endswith("gave this child a score below the same line, so it would not flag them.")
    assert "a score of 0.050." in vignettes.tick_box_note(0.05, 0.076, analyst=True)
    for text in (note, vignettes.score_sentence(0.152, 0.076, model_name="Tick-box tool")):
        assert not re.search(r"\d\.\d", text)


HOSTILE = "<b>x</b> **bold** [l](http://e.x)"


@pytest.mark.parametrize(
    "sentence",
    [
        lambda name: vignettes.score_sentence(0.2, 0.1, model_name=name),
        lambda name: vignettes.yes_no_score_sentence(True, model_name=name),
        lambda name: explanations.counterfactual_sentence(
            explanations.Counterfactual((explanations.Change("neglect", True, False),), 0.2, 0.05, 0.1),
            model_name=name,
        ),
    ],
)
def test_sentences_take_the_raw_name_and_escape_it(sentence):
    text = sentence(HOSTILE)
    assert f'the tool "{markup.markdown_text(HOSTILE)}"' in text.replace("The tool", "the tool")
    assert "**bold**" not in text and "<b>" not in text


@pytest.mark.parametrize(("flagged", "said"), [(True, "said yes, so this referral is flagged"), (False, "said no")])
def test_yes_no_score_sentence_has_no_score_or_line(flagged, said):
    text = vignettes.yes_no_score_sentence(flagged, model_name="Current practice rule (2 or more earlier referrals)")
    assert text.startswith("The current practice rule (2 or more earlier referrals) only says yes or no.")
    assert said in text and "0." not in text
    assert textstat.flesch_kincaid_grade(text) <= 8


@pytest.mark.parametrize(("score", "words"), [(0.123, "at or above the same line (0.082), so it would flag"), (0.05, "below")])
def test_tick_box_note_names_the_model_its_score_and_line(score, words):
    text = vignettes.tick_box_note(score, 0.082, analyst=True)  # the plain view: no numbers
    assert text.startswith("The 'what pushed it' part explains the tick-box model only.")
    assert f"The tick-box data model gave this child a score of {score:.3f}." in text and words in text
    assert textstat.flesch_kincaid_grade(text) <= 8


# --- choosing children -----------------------------------------------------------------------


def test_choose_children_shows_every_kind_and_is_reproducible(sample, threshold):
    kinds = tradeoffs.assign_kinds(sample.y, sample.scores("structured"), threshold)
    a = vignettes.choose_children(kinds, n=100, seed=3)
    b = vignettes.choose_children(kinds, n=100, seed=3)
    c = vignettes.choose_children(kinds, n=100, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert len(a) == 100 and len(set(a)) == 100
    assert set(kinds[a]) == set(tradeoffs.KIND_ORDER)
    # kind by kind, in the legend's order
    order = [tradeoffs.KIND_ORDER.index(k) for k in kinds[a]]
    assert order == sorted(order)


def test_choose_children_respects_eligible_and_small_pools():
    kinds = np.array(["true_alarm"] * 3 + ["not_flagged"] * 50 + ["missed"] * 2)
    eligible = np.zeros(len(kinds), dtype=bool)
    eligible[[0, 1, 10, 11, 12, 53]] = True
    chosen = vignettes.choose_children(kinds, n=100, seed=0, eligible=eligible)
    assert sorted(chosen.tolist()) == [0, 1, 10, 11, 12, 53]
    assert len(vignettes.choose_children(kinds, n=5, seed=0)) == 5
    assert len(vignettes.choose_children(kinds, n=0, seed=0)) == 0


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [True, True, True]),
        ({"age_band": []}, [True, True, True]),
        ({"age_band": ["<1"]}, [True, False, False]),
        ({"age_band": ["<1", "16+"], "ethnicity": ["Black"]}, [False, False, True]),
        ({"deprivation_decile": [3]}, [False, True, False]),
        ({"no_such_column": ["x"]}, [True, True, True]),
    ],
)
def test_filter_mask(filters, expected):
    frame = pd.DataFrame(
        {"age_band": ["<1", "5-9", "16+"], "ethnicity": ["White", "Asian", "Black"], "deprivation_decile": [1, 3, 9]}
    )
    assert vignettes.filter_mask(frame, filters).tolist() == expected


def test_filter_options_in_natural_order(sample):
    frame = pd.concat([sample.frame, referral_row(age_band="<1").to_frame().T], ignore_index=True)
    options = vignettes.filter_options(frame, ["age_band", "deprivation_quintile", "missing"])
    assert options["age_band"] == ["<1", "1-4", "5-9", "10-15", "16+"]
    assert options["deprivation_quintile"][0].startswith("1") and options["deprivation_quintile"][-1].startswith("5")
    assert "missing" not in options


def test_child_grid_and_sentence():
    kinds = np.array(["not_flagged", "true_alarm", "missed", "false_alarm"])
    grid = vignettes.child_grid(np.array([1, 3, 2, 0]), kinds, ["a", "b", "c", "d"], columns=2)
    assert grid["number"].tolist() == [1, 2, 3, 4]
    assert grid["referral_id"].tolist() == ["b", "d", "c", "a"]
    assert grid[["x", "y"]].values.tolist() == [[0, 0], [1, 0], [0, 1], [1, 1]]
    assert grid["label"].iloc[1] == "Child 2: false alarm"
    assert vignettes.position_of(grid, "c") == 2
    with pytest.raises(KeyError):
        vignettes.position_of(grid, "zzz")
    text = vignettes.grid_sentence(grid)
    assert text.startswith("Here are 4 children. 1 were flagged") or "1 were flagged" in text


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # the reviewer's line: 16 true alarms to 84 false alarms in real life
        ({"tp": 154, "fp": 818}, "false alarms are far more common: out of every 100 children flagged, 16 went on to a plan or care and 84 were false alarms."),
        ({"tp": 70, "fp": 30}, "out of every 100 children flagged, 70 went on to a plan or care and 30 were false alarms."),
        ({"tp": 0, "fp": 0}, "at this line nobody is flagged."),
    ],
)
def test_scale_sentence_says_not_to_scale_with_the_real_mix(row, expected):
    text = vignettes.scale_sentence(row)
    assert text.startswith("We picked these children so that every kind appears, so this picture is not to scale.")
    assert text.endswith(expected)
    assert textstat.flesch_kincaid_grade(text) <= 8, text


def test_has_stories(sample):
    assert vignettes.has_stories(sample.frame)
    assert not vignettes.has_stories(pd.DataFrame({"outcome": [0, 1], "score_a": [0.1, 0.9]}))


# --- pushes and the smallest change ----------------------------------------------------------


def test_referral_ids_fall_back_to_row_numbers(sample):
    assert vignettes.referral_ids(sample.frame)[0] == sample.frame["referral_id"].iloc[0]
    assert vignettes.referral_ids(pd.DataFrame({"outcome": [0, 1, 0]})).tolist() == ["0", "1", "2"]
