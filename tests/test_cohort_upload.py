"""Uploading an analyst's own scored test set: what loads, exactly, and what is refused, plainly."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from csc_dash import cohort, config
from csc_dash.cohort import (
    CohortError,
    csv_table,
    guess_columns,
    load_scored_csv,
    message_pattern,
    upload,
)

PATTERNS = {name: message_pattern(template) for name, template in cohort.UPLOAD_ERRORS.items()}


def _problem(message: str) -> str:
    """Which of the known messages this is (fails if it is none of them)."""
    found = [name for name, pattern in PATTERNS.items() if pattern.match(message)]
    assert found, f"not a known upload message: {message!r}"
    return found[0]


def _csv(rows: list[list[object]], *, sep: str = ",", newline: str = "\n") -> str:
    return newline.join(sep.join(str(v) for v in row) for row in rows) + newline


def _balanced(n_pos: int = 12, n_neg: int = 18) -> tuple[list[int], list[float]]:
    y = [1] * n_pos + [0] * n_neg
    s = [round(0.3 + 0.6 * i / (n_pos + n_neg), 4) for i in range(n_pos + n_neg)]
    return y, s


# --------------------------------------------------------------------------------------------
# Good files, in every accepted form, load with exact counts
# --------------------------------------------------------------------------------------------

Y, S = _balanced()
GROUP = ["A", "B", "C"] * 10


def _rows(outcome_values, score_values, header=("outcome", "score", "group")):
    return [list(header)] + [
        [o, s, g] for o, s, g in zip(outcome_values, score_values, GROUP, strict=True)
    ]


GOOD = [
    # id, bytes, expected referrals, expected escalations
    ("comma", _csv(_rows(Y, S)).encode(), 30, 12),
    ("semicolon", _csv(_rows(Y, S), sep=";").encode(), 30, 12),
    ("bom", ("\ufeff" + _csv(_rows(Y, S))).encode(), 30, 12),
    ("crlf", _csv(_rows(Y, S), newline="\r\n").encode(), 30, 12),
    ("true/false", _csv(_rows(["True" if v else "false" for v in Y], S)).encode(), 30, 12),
    ("yes/no", _csv(_rows(["YES" if v else "No" for v in Y], S)).encode(), 30, 12),
    (
        "decimal comma",
        _csv(_rows(Y, [str(v).replace(".", ",") for v in S]), sep=";").encode(),
        30,
        12,
    ),
    ("quoted", _csv(_rows([f'"{v}"' for v in Y], S, header=('"outcome"', '"score"', '"group"'))).encode(), 30, 12),
    ("spaces", _csv(_rows([f" {v} " for v in Y], [f" {v}" for v in S], header=(" outcome ", "score ", "group"))).encode(), 30, 12),
    ("missing rows dropped", (_csv(_rows(Y, S)) + "1,,A\n,0.5,B\nNA,0.2,C\n").encode(), 30, 12),
    ("blank lines", (_csv(_rows(Y, S)) + "\n\n").encode(), 30, 12),
]


@pytest.mark.parametrize(("data", "referrals", "escalated"), [g[1:] for g in GOOD], ids=[g[0] for g in GOOD])
def test_good_files_load_with_exact_counts(data, referrals, escalated):
    result = load_scored_csv(data)
    assert result.source == "upload"
    assert len(result) == referrals
    assert int(result.y.sum()) == escalated
    # Uploaded columns live under internal names and are shown as typed (issue 13.4).
    assert result.score_columns == {"score": "upload_score_1"}
    assert result.model_labels == {"score": "score"}
    assert result.group_columns == ("upload_group_1",)
    assert result.label("upload_group_1") == "group"
    np.testing.assert_allclose(result.scores("score"), S)
    assert list(result.frame["upload_group_1"]) == GROUP
    assert result.months == 12.0
    assert cohort.NO_DATE_NOTICE in result.notices


def test_dropped_rows_are_counted_in_a_notice():
    data = (_csv(_rows(Y, S)) + "1,,A\n,0.5,B\nNA,0.2,C\n").encode()
    result = load_scored_csv(data)
    assert cohort.DROPPED_ROWS_NOTICE.format(dropped=3, total=33) in result.notices


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "path", "str path", "file"])
def test_every_kind_of_source(kind, tmp_path):
    data = _csv(_rows(Y, S)).encode()
    path = tmp_path / "scores.csv"
    path.write_bytes(data)
    source = {
        "bytes": data,
        "bytearray": bytearray(data),
        "memoryview": memoryview(data),
        "path": path,
        "str path": str(path),
        "file": io.BytesIO(data),
    }[kind]
    assert len(load_scored_csv(source)) == 30


def test_wrong_source_type_is_a_type_error():
    with pytest.raises(TypeError):
        load_scored_csv(42)


def test_missing_path_is_refused_plainly(tmp_path):
    with pytest.raises(CohortError) as info:
        load_scored_csv(tmp_path / "nowhere.csv")
    assert _problem(str(info.value)) == "FILE_NOT_READABLE"


def test_several_scores_groups_and_a_date():
    rng = np.random.default_rng(3)
    n = 200
    y = rng.integers(0, 2, n)
    frame = pd.DataFrame(
        {
            "id": np.arange(n),
            "Escalated": np.where(y == 1, "yes", "no"),
            "score_a": rng.random(n).round(3),
            "prob_b": rng.random(n).round(3),
            "risk_band": rng.integers(1, 21, n),
            "age_band": rng.choice(["<1", "1-4", "5-9"], n),
            "ethnicity": rng.choice(["White", "Black", "Asian"], n),
            "referral_date": pd.date_range("2023-04-01", periods=n, freq="D").strftime("%d/%m/%Y"),
        }
    )
    data = frame.to_csv(index=False).encode()
    guess = guess_columns(data)
    assert guess.outcome == "Escalated"
    assert guess.scores == ("score_a", "prob_b", "risk_band")
    assert guess.groups == ("age_band", "ethnicity")
    assert guess.date == "referral_date"
    assert guess.rows == n
    result = load_scored_csv(data, date=guess.date)
    assert result.outcome_column == "outcome"
    assert list(result.frame.columns) == [
        "outcome", "upload_score_1", "upload_score_2", "upload_score_3", "upload_group_1",
        "upload_group_2", "upload_date",
    ]
    assert [result.label(c) for c in result.frame.columns[1:]] == [
        "score_a", "prob_b", "risk_band", "age_band", "ethnicity", "referral_date"
    ]
    assert result.models == ("score_a", "prob_b", "risk_band")
    np.testing.assert_array_equal(result.y, y)
    # 200 consecutive days: 200 / (365.25 / 12) months.
    assert result.months == round(200 / (365.25 / 12), 1)
    rescaled = [n for n in result.notices if "risk_band" in n]
    assert rescaled == [cohort.RESCALED_NOTICE.format(name="'risk_band'", low=1, high=20)]
    np.testing.assert_allclose(
        result.scores("risk_band"), rankdata(frame["risk_band"], method="average") / n
    )
    np.testing.assert_allclose(result.scores("score_a"), frame["score_a"])


def test_explicit_mapping_and_no_groups():
    data = _csv(_rows(Y, S, header=("label", "model x", "team"))).encode()
    result = load_scored_csv(data, outcome="label", scores="model x", groups=[])
    assert result.models == ("model x",)
    assert result.group_columns == ()
    assert int(result.y.sum()) == 12


def test_hostile_column_names_stay_plain_strings():
    name = '<img src=x onerror="alert(1)">=SUM(A1)'
    data = _csv(_rows(Y, S, header=("outcome", "score", name))).encode()
    result = load_scored_csv(data, groups=[name])
    assert result.group_columns == ("upload_group_1",)
    assert result.label("upload_group_1") == name  # shown as typed, as plain text


# --------------------------------------------------------------------------------------------
# Refusals: the exact message for each problem
# --------------------------------------------------------------------------------------------

HEADER = "outcome,score,group\n"
BODY = "".join(f"{o},{s},{g}\n" for o, s, g in zip(Y, S, GROUP, strict=True))
COLUMNS = "'outcome', 'score', 'group'"

REFUSALS = [
    ("empty", b"", {}, cohort.EMPTY_FILE),
    ("whitespace", b"  \n\n ", {}, cohort.EMPTY_FILE),
    ("utf-16", (HEADER + BODY).encode("utf-16"), {}, cohort.NOT_TEXT),
    ("utf-16 no bom", (HEADER + BODY).encode("utf-16-le"), {}, cohort.NOT_TEXT),
    ("latin-1", ("outcome,score,région\n" + BODY).encode("latin-1"), {}, cohort.NOT_TEXT),
    (
        "ragged",
        (HEADER + BODY + "1,0.5,A,extra\n").encode(),
        {},
        cohort.NOT_A_TABLE.format(detail="row 32 has 4 values, but the first row has 3"),
    ),
    ("duplicate", (b"outcome,score,score\n1,0.1,0.2\n"), {}, cohort.DUPLICATE_COLUMNS.format(names="'score'")),
    (
        "duplicate after spaces",
        (b"outcome, score,score \n1,0.1,0.2\n"),
        {},
        cohort.DUPLICATE_COLUMNS.format(names="'score'"),
    ),
    ("no outcome", ("result,score,group\n" + BODY).encode(), {}, cohort.NO_OUTCOME_COLUMN.format(columns="'result', 'score', 'group'")),
    ("no score", ("outcome,value,group\n" + BODY).encode(), {}, cohort.NO_SCORE_COLUMN.format(columns="'outcome', 'value', 'group'")),
    ("no score given", (HEADER + BODY).encode(), {"scores": []}, cohort.NO_SCORE_COLUMN.format(columns=COLUMNS)),
    ("unknown outcome", (HEADER + BODY).encode(), {"outcome": "esc"}, cohort.UNKNOWN_COLUMN.format(name="'esc'", columns=COLUMNS)),
    ("unknown group", (HEADER + BODY).encode(), {"groups": ["age"]}, cohort.UNKNOWN_COLUMN.format(name="'age'", columns=COLUMNS)),
    ("two jobs", (HEADER + BODY).encode(), {"scores": ["score"], "groups": ["score"]}, cohort.COLUMN_TWO_JOBS.format(name="'score'", jobs="score and group")),
    (
        "outcome name taken",
        ("escalated,score,outcome\n" + BODY).encode(),
        {"outcome": "escalated", "groups": ["outcome"]},
        cohort.OUTCOME_NAME_TAKEN.format(job="group", name="'escalated'"),
    ),
    (
        "outcome values",
        (HEADER + BODY + "2,0.5,A\nmaybe,0.5,A\n2,0.1,B\n").encode(),
        {},
        cohort.OUTCOME_VALUES.format(name="'outcome'", examples="'2', 'maybe'"),
    ),
    (
        "scores not numbers",
        (HEADER + BODY + "1,high,A\n0,=1+1,B\n").encode(),
        {},
        cohort.SCORES_NOT_NUMBERS.format(name="'score'", examples="'high', '=1+1'"),
    ),
    ("infinite score", (HEADER + BODY + "1,inf,A\n").encode(), {}, cohort.SCORES_NOT_NUMBERS.format(name="'score'", examples="'inf'")),
    (
        "too few escalations",
        (HEADER + "".join(f"{int(i < 9)},0.{i},A\n" for i in range(40))).encode(),
        {},
        cohort.TOO_FEW_OUTCOMES.format(positives=9, negatives=31, dropped=0, minimum=10),
    ),
    (
        "too few after dropping",
        (HEADER + "".join(f"0,0.{i},A\n" for i in range(20)) + "".join("1,,A\n" for _ in range(12))).encode(),
        {},
        cohort.TOO_FEW_OUTCOMES.format(positives=0, negatives=20, dropped=12, minimum=10),
    ),
    ("header only", HEADER.encode(), {}, cohort.TOO_FEW_OUTCOMES.format(positives=0, negatives=0, dropped=0, minimum=10)),
    (
        "too many groups",
        ("outcome,score,postcode\n" + "".join(f"{int(i % 3 == 0)},0.{i % 10},P{i}\n" for i in range(60))).encode(),
        {"groups": ["postcode"]},
        cohort.TOO_MANY_GROUP_VALUES.format(name="'postcode'", count=60, maximum=50),
    ),
    (
        "dates not dates",
        ("outcome,score,when\n" + "".join(f"{o},{s},soon\n" for o, s in zip(Y, S, strict=True))).encode(),
        {"date": "when"},
        cohort.DATES_NOT_DATES.format(name="'when'", examples="'soon'"),
    ),
]


@pytest.mark.parametrize(("data", "kwargs", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refusals_say_exactly_what_is_wrong(data, kwargs, message):
    with pytest.raises(CohortError) as info:
        load_scored_csv(data, **kwargs)
    assert str(info.value) == message


def test_guessing_skips_wide_group_columns_instead_of_refusing():
    data = ("outcome,score,postcode,team\n" + "".join(
        f"{int(i % 3 == 0)},0.{i % 10},P{i},{'AB'[i % 2]}\n" for i in range(120)
    )).encode()
    result = load_scored_csv(data)
    assert [result.label(c) for c in result.group_columns] == ["team"]


def test_file_over_the_limit_is_refused(tmp_path):
    data = (HEADER + BODY).encode()
    with pytest.raises(CohortError) as info:
        load_scored_csv(data, max_bytes=100)
    assert str(info.value) == cohort.FILE_TOO_BIG.format(
        size_mb=len(data) / 2**20, limit_mb=100 / 2**20
    )
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(CohortError, match="largest file allowed"):
        load_scored_csv(path, max_bytes=100)
    with pytest.raises(CohortError, match="largest file allowed"):
        load_scored_csv(io.BytesIO(data), max_bytes=100)


def test_size_limit_comes_from_the_environment(monkeypatch):
    assert config.max_upload_bytes() == 200 * 2**20
    assert config.max_upload_mb() == 200
    monkeypatch.setenv("CSC_DASH_MAX_UPLOAD_MB", "0.0001")
    assert config.max_upload_bytes() == int(0.0001 * 2**20)
    assert config.max_upload_mb() == 1
    with pytest.raises(CohortError) as info:
        load_scored_csv((HEADER + BODY).encode())
    assert _problem(str(info.value)) == "FILE_TOO_BIG"


@pytest.mark.parametrize("raw", ["lots", "-5", "0", "nan", "inf"])
def test_a_bad_size_setting_is_a_loud_set_up_error(monkeypatch, raw):
    monkeypatch.setenv("CSC_DASH_MAX_UPLOAD_MB", raw)
    with pytest.raises(ValueError, match="CSC_DASH_MAX_UPLOAD_MB must be a positive number"):
        config.max_upload_bytes()


def test_every_message_is_recognised_by_its_own_pattern_only():
    for row in REFUSALS:
        with pytest.raises(CohortError) as info:
            load_scored_csv(row[1], **row[2])
        assert PATTERNS[_problem(str(info.value))].match(row[3])


# --------------------------------------------------------------------------------------------
# Rescaling by rank keeps order and ties
# --------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=-30, max_value=30), min_size=20, max_size=60),
    st.randoms(use_true_random=False),
)
def test_rank_rescaling_keeps_order_and_ties(values, rnd):
    values = values + [2, -2]  # at least one value outside [0, 1]
    n = len(values)
    y = [1] * 10 + [0] * 10 + [rnd.randint(0, 1) for _ in range(n - 20)]
    data = ("outcome,score\n" + "".join(f"{o},{v}\n" for o, v in zip(y, values, strict=True))).encode()
    result = load_scored_csv(data)
    r = result.scores("score")
    v = np.asarray(values, dtype=float)
    assert ((v[:, None] < v[None, :]) == (r[:, None] < r[None, :])).all()
    assert ((v[:, None] == v[None, :]) == (r[:, None] == r[None, :])).all()
    np.testing.assert_allclose(r, rankdata(v, method="average") / n)
    assert (r > 0).all() and (r <= 1).all()
    assert any(n_.startswith("The scores in 'score' run from") for n_ in result.notices)


# --------------------------------------------------------------------------------------------
# Hostile files: nothing but CohortError, and every message names the problem
# --------------------------------------------------------------------------------------------

NASTY = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "+1",
    "-1",
    "@SUM(A1)",
    "outcome",
    "score",
    "score_a",
    "prob",
    "risk",
    "group",
    "date",
    "",
    " ",
    '"',
    '""',
    "a,b",
    "a;b",
    "\t",
    "\r",
    "\n",
    "ü",
    "日本",
    "1",
    "0",
    "2",
    "yes",
    "NO",
    "true",
    "0.5",
    "0,5",
    "1e3",
    "-0.2",
    "nan",
    "inf",
    "NA",
    "2024-03-31",
    "31/03/2024",
    "2024-03-31T10:00:00+01:00",
]
NASTY_TEXT = st.sampled_from(NASTY)
CELL = st.one_of(
    NASTY_TEXT,
    st.integers(min_value=-5, max_value=25).map(str),
    st.floats(allow_nan=True, allow_infinity=True, width=32).map(str),
    st.text(max_size=8),
)
NAME = st.one_of(NASTY_TEXT, st.text(max_size=10))
OUTCOME_FORMS = [("0", "1"), ("false", "TRUE"), ("No", "yes"), ("0", "yes")]


def _plausible_cell(column: str, i: int, rnd, *, scale: str, form, wide: bool, sep: str) -> str:
    """A value that fits the column's role (by its name), for the file's row ``i``."""
    low = column.strip().lower()
    if low == "y" or low.startswith(("outcome", "escalated", "label")):
        return form[int(rnd.random() < 0.4)]
    if low.startswith(("score", "prob", "risk")):
        if scale == "bands":
            return str(rnd.randint(1, 20))
        value = f"{rnd.random():.3f}"
        return value.replace(".", ",") if sep == ";" and scale == "comma" else value
    if "date" in low:
        return f"2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    if wide:
        return f"g{i}"
    return rnd.choice(["A", "B", "C", "<b>D</b>", "=1+1"])


@st.composite
def csv_files(draw):
    """A table-like file: hostile header, cells of every type, odd separators and encodings.

    Half the files are plausible (an outcome, scores, groups) with a few corrupted cells, so
    the loader's deeper checks (values, counts, groups, dates) are reached, not only parsing.
    """
    kind = draw(st.sampled_from(["random", "plausible", "plausible", "plausible", "wide group"]))
    rnd = draw(st.randoms(use_true_random=False))
    sep = draw(st.sampled_from([",", ",", ",", ";", ";", "\t", "|"]))
    if kind == "random":
        n_cols = draw(st.integers(min_value=0, max_value=5))
        header = draw(st.lists(NAME, min_size=n_cols, max_size=n_cols))
        n_rows = draw(st.integers(min_value=0, max_value=30))
        rows = [draw(st.lists(CELL, min_size=0, max_size=n_cols + 1)) for _ in range(n_rows)]
    else:
        header = [
            draw(st.sampled_from(["outcome", "Outcome", "escalated", "label", "y"])),
            *draw(st.lists(st.sampled_from(["score", "score_b", "prob", "risk band"]), min_size=1, max_size=3, unique=True)),
            *dict.fromkeys(draw(st.lists(st.one_of(st.sampled_from(["group", "referral date", "ethnicity"]), NAME), max_size=3))),
        ]
        header = draw(st.permutations(header))
        n_rows = draw(st.sampled_from([40, 25, 60, 12, 0]))
        corrupt = draw(st.sampled_from([0.0, 0.0, 0.0, 0.002, 0.02, 0.2]))
        scale = draw(st.sampled_from(["unit", "unit", "bands", "comma"]))
        form = draw(st.sampled_from(OUTCOME_FORMS))
        rows = []
        for i in range(n_rows):
            row = []
            for column in header:
                if rnd.random() < corrupt:
                    row.append(rnd.choice(NASTY))
                else:
                    row.append(
                        _plausible_cell(column, i, rnd, scale=scale, form=form, wide=kind == "wide group", sep=sep)
                    )
            rows.append(row)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    if kind == "random":
        text = newline.join(sep.join(row) for row in [header, *rows])
    else:  # as a spreadsheet would write it: fields holding separators or quotes are quoted
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=sep, lineterminator=newline).writerows([header, *rows])
        text = buffer.getvalue()
    encoding = draw(
        st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-8-sig", "utf-16", "latin-1", "cp1252"])
    )
    data = text.encode(encoding, errors="replace")
    columns = list(header) + ["not there"]
    explicit = draw(st.booleans()) and draw(st.booleans())
    if not explicit:
        return data, {"groups": draw(st.sampled_from([None, None, [], header[-1:]]))}
    pick = st.one_of(st.none(), st.sampled_from(columns))
    kwargs = {
        "outcome": draw(pick),
        "scores": draw(st.one_of(st.none(), st.lists(st.sampled_from(columns), max_size=3))),
        "groups": draw(st.one_of(st.none(), st.lists(st.sampled_from(columns), max_size=3))),
        "date": draw(pick),
    }
    return data, kwargs


def _check_loaded(result) -> None:
    assert result.source == "upload"
    y = result.y
    assert set(np.unique(y)) <= {0, 1}
    assert (y == 1).sum() >= cohort.MIN_EACH_OUTCOME and (y == 0).sum() >= cohort.MIN_EACH_OUTCOME
    for model in result.models:
        s = result.scores(model)
        assert np.isfinite(s).all() and (s >= 0).all() and (s <= 1).all()
    for column in result.group_columns:
        assert result.frame[column].nunique() <= cohort.MAX_GROUP_VALUES
    assert result.months > 0


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_hostile_files_raise_only_cohort_errors(case):
    data, kwargs = case
    try:
        result = load_scored_csv(data, **kwargs)
    except CohortError as exc:
        event(_problem(str(exc)))
    else:
        event("loaded")
        _check_loaded(result)
    try:
        guess = guess_columns(data)
    except CohortError as exc:
        _problem(str(exc))
    else:
        assert set(guess.scores) | set(guess.groups) <= set(guess.columns)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_cohort_errors(data):
    try:
        _check_loaded(load_scored_csv(data))
    except CohortError as exc:
        event(_problem(str(exc)))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(
            st.characters(exclude_characters=',;"', exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
            min_size=1,
            max_size=12,
        ),
        min_size=2,
        max_size=4,
    ),
    st.sampled_from([",", ";"]),
)
def test_duplicate_headers_are_always_named(names, sep):
    header = [*names, names[0]]
    data = (sep.join(header) + "\n" + sep.join("1" for _ in header) + "\n").encode()
    with pytest.raises(CohortError) as info:
        load_scored_csv(data)
    assert _problem(str(info.value)) == "DUPLICATE_COLUMNS"


# --------------------------------------------------------------------------------------------
# Issue 13.3: limits a person can read, and a reader that costs about what the file costs
# --------------------------------------------------------------------------------------------


def test_too_many_columns_are_refused_before_reading_the_rows():
    header = ",".join(["outcome", "score", *[f"c{i}" for i in range(cohort.MAX_COLUMNS)]])
    data = (header + "\n" + "1,0.5" + ",x" * cohort.MAX_COLUMNS + "\n").encode()
    with pytest.raises(CohortError) as info:
        guess_columns(data)
    assert str(info.value) == (
        f"The file has {cohort.MAX_COLUMNS + 2:,} columns, but at most {cohort.MAX_COLUMNS:,} are "
        "allowed. Keep only the outcome, score, group and date columns, then try again."
    )


@pytest.mark.parametrize("sep", [",", ";"])
def test_the_issues_30000_column_file_is_told_its_column_count(sep):
    """The issue's file: 30,000 short columns in 1.6 MB. Its first row is longer than the csv
    module's field limit when split by the *other* separator (one field of 180 KB), which was
    refused as "the first row is broken" instead of with the limit a person can read."""
    header = sep.join(["outcome", "score", *[f"c{i}" for i in range(30_000 - 2)]])
    data = (header + "\n" + sep.join(["1", "0.5", *["1"] * (30_000 - 2)]) + "\n").encode()
    for read in (guess_columns, load_scored_csv):
        with pytest.raises(CohortError) as info:
            read(data)
        assert str(info.value) == cohort.TOO_MANY_COLUMNS.format(
            count=30_000, maximum=cohort.MAX_COLUMNS
        )


def test_one_column_name_past_the_field_limit_is_still_a_broken_first_row():
    data = ("x" * 200_000 + ",score\n1,0.5\n").encode()
    with pytest.raises(CohortError) as info:
        guess_columns(data)
    assert _problem(str(info.value)) == "NOT_A_TABLE"


def test_too_many_cells_are_refused(monkeypatch):
    monkeypatch.setattr(csv_table, "MAX_CELLS", 60)
    data = (HEADER + BODY).encode()  # 31 lines of 3 columns: 93 cells
    with pytest.raises(CohortError) as info:
        load_scored_csv(data)
    assert str(info.value) == (
        "The file has about 31 rows and 3 columns, which is too many cells to check (at most 60 "
        "rows times columns). Keep only the columns you need, or use fewer rows, then try again."
    )


def test_too_many_group_columns_are_refused_and_the_guess_stops_at_the_cap():
    rng = np.random.default_rng(4)
    n = 200
    y = rng.integers(0, 2, n)
    columns = {"outcome": y, "score": rng.random(n).round(3)}
    columns |= {f"g{i}": rng.choice(["a", "b"], n) for i in range(cohort.MAX_GROUP_COLUMNS + 2)}
    data = pd.DataFrame(columns).to_csv(index=False).encode()
    assert len(guess_columns(data).groups) == cohort.MAX_GROUP_COLUMNS
    assert len(load_scored_csv(data).group_columns) == cohort.MAX_GROUP_COLUMNS
    chosen = [f"g{i}" for i in range(cohort.MAX_GROUP_COLUMNS + 1)]
    with pytest.raises(CohortError) as info:
        load_scored_csv(data, outcome="outcome", scores=["score"], groups=chosen)
    assert str(info.value) == (
        f"You chose {cohort.MAX_GROUP_COLUMNS + 1} group columns, but at most "
        f"{cohort.MAX_GROUP_COLUMNS} can be used. Choose the ones that matter most."
    )


def test_limit_messages_are_plain():
    import textstat

    for template in (cohort.TOO_MANY_COLUMNS, cohort.TOO_MANY_CELLS, cohort.TOO_MANY_GROUP_COLUMNS):
        assert textstat.flesch_kincaid_grade(template) <= 8, template


def test_a_mapped_read_reads_only_the_mapped_columns(monkeypatch):
    """The page's "Check this file" names every column's job: the others are never converted."""
    import pyarrow.csv as pacsv

    seen = []
    real = pacsv.read_csv

    def spy(*args, **kwargs):
        seen.append(kwargs["convert_options"].include_columns)
        return real(*args, **kwargs)

    monkeypatch.setattr(pacsv, "read_csv", spy)
    data = _csv(_rows(Y, S, header=("outcome", "score", "group"))).encode()
    result = load_scored_csv(data, outcome="outcome", scores=["score"], groups=[])
    assert seen == [["outcome", "score"]]
    assert len(result) == 30


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["0", "1", "yes", "NO", " true ", "", "na", "x"]), min_size=25, max_size=60))
def test_the_arrow_reader_agrees_with_pandas_on_outcomes(cells):
    """The fast reader keeps the old rules: the same rows kept, the same refusals."""
    n = len(cells)
    text = "outcome,score\n" + "".join(f"{c},{i / n:.3f}\n" for i, c in enumerate(cells))
    tokens = {"1": 1, "0": 0, "true": 1, "false": 0, "yes": 1, "no": 0}
    missing = {"", "na", "n/a", "nan", "null", "none", "#n/a", "missing"}
    expected = [tokens.get(c.strip().lower()) for c in cells if c.strip().lower() not in missing]
    try:
        result = load_scored_csv(text.encode())
    except CohortError as error:
        assert None in expected or min(expected.count(1), expected.count(0)) < cohort.MIN_EACH_OUTCOME, str(error)
        return
    assert None not in expected
    assert result.y.tolist() == expected


# --------------------------------------------------------------------------------------------
# Scores read straight into numbers give exactly what reading them as text gives
# --------------------------------------------------------------------------------------------

ODD_SCORES = [
    "",
    "NA",
    "na",
    "NaN",
    "nan",
    "N/A",
    "#N/A",
    "null",
    "None",
    "Missing",
    "mIsSiNg",
    " 0.5",
    "0.5 ",
    "+0.25",
    ".5",
    "-0.0",
    "1e-3",
    "1E2",
    "inf",
    "-Infinity",
    "1e400",
    "high",
    "=1+1",
    '"0,5"',
    "0x10",
]


def _as_text_only(monkeypatch):
    """Every score column read as text: the reader's slower path, the reference."""
    read = csv_table._read_table
    monkeypatch.setattr(upload, "_read_table", lambda *a, **k: read(*a, **{**k, "numeric": ()}))


def _outcome(data: bytes, kwargs: dict):
    try:
        result = load_scored_csv(data, **kwargs)
    except CohortError as exc:
        return str(exc)
    return result.frame, result.notices, result.months


@pytest.mark.parametrize("odd", ODD_SCORES)
@pytest.mark.parametrize("sep", [",", ";"])
def test_scores_read_as_numbers_match_the_text_reading(monkeypatch, odd, sep):
    rows = _rows(Y, S)
    rows[5][1] = odd
    rows[9][1] = odd if sep == "," else "0,75"
    data = _csv(rows, sep=sep).encode()
    kwargs = {"outcome": "outcome", "scores": ["score"], "groups": ["group"]}
    fast = _outcome(data, kwargs)
    _as_text_only(monkeypatch)
    slow = _outcome(data, kwargs)
    if isinstance(slow, str):
        assert fast == slow
    else:
        pd.testing.assert_frame_equal(fast[0], slow[0])
        assert fast[1:] == slow[1:]


def test_scores_are_read_as_numbers_when_every_job_is_named():
    """The fast path is taken (else the test above compares the slow path with itself)."""
    data = _csv(_rows(Y, S)).encode()
    table, _sep = csv_table._read_table(data, None, include=["score"], numeric=("score",))
    assert str(table.column("score").type) == "double"
    table, _sep = csv_table._read_table(_csv(_rows(Y, ["x", *S[1:]])).encode(), None, numeric=("score",))
    assert str(table.column("score").type) == "string"  # "x" is no number: read as text
