"""Error counts and rates for each group at one threshold, with intervals, and disparity.

The bootstrap resamples referrals *within each group* (so every group keeps its size); see
:mod:`csc_dash.fairness.bootstrap`. The tests check every rate against fairlearn's ``MetricFrame``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from csc_dash.fairness.bootstrap import (
    _CELLS_FOR_MULTINOMIAL,
    _COARSE_LEVELS,
    _EXACT_ROW_DRAWS,
    _bootstrap_draws,
    _cells,
    _coarse_cells,
    _counts_and_ap,
    _intervals,
    _rates_from_counts,
    _ratio_intervals,
)
from csc_dash.fairness.rates import (
    BAD_BAND,
    BAD_N_BOOT,
    DEFAULT_BAND,
    GROUPS_LENGTH_MISMATCH,
    LABEL_SEPARATOR,
    MIN_ESCALATIONS,
    MIN_REFERRALS,
    MISSING_GROUP,
    NO_GROUPS,
    NOT_A_RATE_TABLE,
    RATES,
    THRESHOLD_NOT_NUMBER,
    TOO_MANY_GROUP_COLUMNS,
    UNKNOWN_RATE,
    UNKNOWN_REFERENCE,
)
from csc_dash.metrics import check_inputs

# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


#: The most groups a pair of characteristics may make to be offered on the Fairness page, and
#: the most pairs offered (see :func:`csc_dash.ui.fairness_cache.characteristic_options`).
MAX_PAIR_GROUPS = 60
MAX_PAIRS = 10


def _check_threshold(threshold) -> float:
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(THRESHOLD_NOT_NUMBER.format(threshold=threshold)) from None
    if np.isnan(t):
        raise ValueError(THRESHOLD_NOT_NUMBER.format(threshold=threshold))
    return t


def _group_frame(groups, n_true: int) -> pd.DataFrame:
    """Groups as a frame of one or two columns, missing values named :data:`MISSING_GROUP`."""
    if groups is None:
        raise ValueError(NO_GROUPS)
    if isinstance(groups, pd.DataFrame):
        frame = groups.reset_index(drop=True)
    elif isinstance(groups, pd.Series):
        frame = groups.reset_index(drop=True).to_frame(
            name=groups.name if groups.name is not None else "group"
        )
    else:
        arr = np.asarray(groups, dtype=object)
        if arr.ndim == 2:
            frame = pd.DataFrame(arr, columns=[f"group_{i + 1}" for i in range(arr.shape[1])])
        else:
            frame = pd.DataFrame({"group": arr.reshape(-1)})
    if frame.shape[1] == 0:
        raise ValueError(NO_GROUPS)
    if frame.shape[1] > 2:
        raise ValueError(
            TOO_MANY_GROUP_COLUMNS.format(
                n=frame.shape[1], columns=", ".join(map(str, frame.columns))
            )
        )
    if len(frame) != n_true:
        raise ValueError(GROUPS_LENGTH_MISMATCH.format(n_groups=len(frame), n_true=n_true))
    out = {}
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.astype(object)
        if values.isna().any():
            values = values.astype(object).where(values.isna(), values.astype(str))
            values = values.fillna(MISSING_GROUP)
        out[column] = values
    return pd.DataFrame(out)


def _natural_key(value) -> tuple:
    """Sort key that puts "5-9" before "10-15" and "2" before "10"; numbers compare as numbers."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return ((0, float(value), ""),)
    text = str(value)
    below = re.fullmatch(r"\s*(<|under\s+)(\d+(\.\d+)?)\s*", text, flags=re.IGNORECASE)
    if below:  # "<1" comes before "1-4"
        return ((0, float(below.group(2)) - 0.5, ""),)
    parts = re.split(r"(\d+)", text)
    return tuple((0, float(p), "") if p.isdigit() else (1, 0.0, p.lower()) for p in parts if p)


def _codes(frame: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """An integer code per row and the group keys in natural order (a MultiIndex for a pair)."""
    if frame.shape[1] == 1:
        column = frame.columns[0]
        raw, uniques = pd.factorize(frame[column])
        values = list(uniques)
        order = sorted(range(len(values)), key=lambda i: _natural_key(values[i]))
        keys = pd.Index([values[i] for i in order], name=column)
    else:
        raw, uniques = pd.factorize(pd.MultiIndex.from_frame(frame))
        values = list(uniques)
        order = sorted(range(len(values)), key=lambda i: tuple(_natural_key(v) for v in values[i]))
        keys = pd.MultiIndex.from_tuples([values[i] for i in order], names=list(frame.columns))
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[raw], keys


def _labels(keys: pd.Index) -> list[str]:
    if isinstance(keys, pd.MultiIndex):
        return [LABEL_SEPARATOR.join(str(v) for v in key) for key in keys]
    return [str(v) for v in keys]


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def group_error_rates(
    y_true,
    scores,
    groups,
    *,
    threshold: float,
    n_boot: int = 1000,
    random_state: int = 0,
    reference=None,
) -> pd.DataFrame:
    """Error counts and rates for each group at one threshold, with 95% bootstrap intervals.

    Parameters
    ----------
    y_true
        Outcome, 0/1 (recorded outcome, or true need in the synthetic world).
    scores
        Model scores; a referral is flagged when its score is at or above ``threshold``.
    groups
        One characteristic (Series or 1-D array) or a pair (DataFrame with two columns, for
        intersections). Missing values form their own group, :data:`MISSING_GROUP`.
    threshold
        The threshold in use.
    n_boot
        Bootstrap draws per group (referrals are resampled within each group).
    random_state
        Seed; the same inputs and seed always give the same intervals.
    reference
        The group every other is compared with in the ratio intervals (a group key, a tuple for
        a pair, or its label); default the largest group. :func:`disparity` reads them.

    Returns
    -------
    pandas.DataFrame
        One row per group (index: the group values; a MultiIndex for a pair) in natural order
        ("5-9" before "10-15"). Columns:
        ``label`` (plain name), the counts in :data:`COUNT_COLUMNS`, each rate in :data:`RATES`
        with ``<rate>_low`` and ``<rate>_high``, and ``too_few`` (fewer than
        :data:`MIN_REFERRALS` referrals or :data:`MIN_ESCALATIONS` escalations). Undefined rates
        (e.g. precision where nobody is flagged) are NaN. For each rate, ``<rate>_ratio_low``
        and ``<rate>_ratio_high`` bound the group's rate divided by the reference group's
        (``is_reference``), from the same draws: each draw of the group divided by the same
        draw of the reference group. Their top is ``inf`` when the reference rate can be 0.

    Raises
    ------
    ValueError
        With a plain message for empty or mismatched input, a non-binary outcome, missing
        scores, a non-numeric threshold or more than two group columns.
    """
    y, s = check_inputs(y_true, scores)
    t = _check_threshold(threshold)
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(BAD_N_BOOT.format(n_boot=n_boot))
    frame = _group_frame(groups, len(y))
    codes, keys = _codes(frame)
    rng = np.random.default_rng(random_state)
    rows_affordable = len(y) * n_boot <= _EXACT_ROW_DRAWS
    low = float(s.min())
    step = (float(s.max()) - low) / _COARSE_LEVELS or 1.0

    # One stable sort by group; each group's rows are then a contiguous slice.
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(keys)))])
    rows: list[dict[str, Any]] = []
    all_draws: list[dict[str, np.ndarray]] = []
    for g in range(len(keys)):
        idx = order[bounds[g] : bounds[g + 1]]
        y_g, s_g = y[idx], s[idx]
        cells = _cells(y_g, s_g, t)
        n, positives, flagged, tp, ap = (v[0] for v in _counts_and_ap(cells, cells.count[None, :]))
        point = {k: float(v) for k, v in _rates_from_counts(n, positives, flagged, tp, ap).items()}
        by_cells = len(cells.count) <= _CELLS_FOR_MULTINOMIAL
        if not by_cells and not rows_affordable:
            # Too many draws x referrals to resample rows: draw cell counts, over coarse cells
            # when they are fewer (every count at the threshold stays exact).
            coarse = _coarse_cells(y_g, s_g, t, low, step)
            cells = coarse if len(coarse.count) < len(cells.count) else cells
            by_cells = True
        all_draws.append(_bootstrap_draws(cells, n_boot, rng, by_cells=by_cells))
        row: dict[str, Any] = {
            "n": int(n),
            "positives": int(positives),
            "flagged": int(flagged),
            "tp": int(tp),
            "fp": int(flagged - tp),
            "fn": int(positives - tp),
            "tn": int(n - positives - flagged + tp),
        }
        for rate in RATES:
            row[rate], row[f"{rate}_low"], row[f"{rate}_high"] = point[rate], np.nan, np.nan
        row["too_few"] = bool(n < MIN_REFERRALS or positives < MIN_ESCALATIONS)
        rows.append(row)
    table = pd.DataFrame(rows, index=keys)
    table.insert(0, "label", _labels(keys))
    ref = _default_reference(table) if reference is None else _find_group(table, reference)
    too_few = table.pop("too_few")
    is_ref = np.arange(len(keys)) == ref
    ratio_columns = {}
    for rate in RATES:
        draws = np.stack([d[rate] for d in all_draws])  # groups x draws
        point = table[rate].to_numpy(dtype=float)
        table[f"{rate}_low"], table[f"{rate}_high"] = _intervals(draws, point)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = point / point[ref] if point[ref] > 0 else np.full(len(keys), np.nan)
        low, high = _ratio_intervals(draws, draws[ref], ratio)
        # The reference against itself is exactly 1, with no spread.
        low[is_ref], high[is_ref] = ratio[is_ref], ratio[is_ref]
        ratio_columns[f"{rate}_ratio_low"] = low
        ratio_columns[f"{rate}_ratio_high"] = high
    table = pd.concat([table, pd.DataFrame(ratio_columns, index=table.index)], axis=1)
    table["is_reference"] = is_ref
    table["too_few"] = too_few
    return table


def _default_reference(table: pd.DataFrame) -> int:
    """The reference group's position: the table's own (``is_reference``), else the largest."""
    if "is_reference" in table.columns and table["is_reference"].any():
        return int(np.argmax(table["is_reference"].to_numpy(dtype=bool)))
    return int(np.argmax(table["n"].to_numpy()))


def _check_rate(rate: str) -> None:
    if rate not in RATES:
        raise ValueError(UNKNOWN_RATE.format(rate=rate, choices=", ".join(RATES)))


def _check_table(table: pd.DataFrame, columns: Sequence[str]) -> None:
    for column in columns:
        if column not in table.columns:
            raise ValueError(NOT_A_RATE_TABLE.format(column=column))


def per_100(table: pd.DataFrame, rate: str) -> pd.DataFrame:
    """One rate as "out of every 100", with its interval, ready for a dot-and-interval chart.

    Columns: ``label, value, low, high, n, too_few``. Values of too-few groups are kept (the
    analyst table shows them) but a chart labels those rows "too few to tell".
    """
    _check_rate(rate)
    _check_table(table, ["label", "n", "too_few", rate, f"{rate}_low", f"{rate}_high"])
    return pd.DataFrame(
        {
            "label": table["label"].to_numpy(),
            "value": 100.0 * table[rate].to_numpy(dtype=float),
            "low": 100.0 * table[f"{rate}_low"].to_numpy(dtype=float),
            "high": 100.0 * table[f"{rate}_high"].to_numpy(dtype=float),
            "n": table["n"].to_numpy(),
            "too_few": table["too_few"].to_numpy(dtype=bool),
        },
        index=table.index,
    )


#: How a group's ratio sits against the band: its best guess is inside; its whole likely range
#: is outside; or its best guess is outside but its range reaches into the band (could be chance).
VERDICTS = ("inside", "outside", "unclear")


def disparity(
    table: pd.DataFrame,
    rate: str,
    *,
    reference=None,
    band: tuple[float, float] = DEFAULT_BAND,
) -> pd.DataFrame:
    """Each group's rate divided by the reference group's, with its interval, against the band.

    Parameters
    ----------
    table
        From :func:`group_error_rates`.
    rate
        One of :data:`RATES`.
    reference
        A group key (index value, a tuple for a pair) or its label; default the table's own
        reference group (the largest, unless :func:`group_error_rates` was given another).
    band
        Ratios from ``band[0]`` to ``band[1]`` (inclusive) count as within tolerance.

    Returns
    -------
    pandas.DataFrame
        Index as ``table``; columns ``label, rate, ratio, ratio_low, ratio_high, within_band,
        verdict, is_reference, too_few``. ``ratio`` is NaN where either rate is undefined or
        the reference rate is 0; ``within_band`` and ``verdict`` are then missing (``pd.NA``).
        ``ratio_low`` and ``ratio_high`` are the 95% bootstrap interval of the ratio from
        :func:`group_error_rates`' draws (NaN when the table holds none for this reference).
        ``within_band`` says whether the best guess is in the band; ``verdict`` is one of
        :data:`VERDICTS`: ``"outside"`` only when the whole interval is outside the band.
    """
    _check_rate(rate)
    _check_table(table, ["label", "n", "too_few", rate])
    try:
        low, high = (float(b) for b in band)
    except (TypeError, ValueError):
        raise ValueError(BAD_BAND.format(band=band)) from None
    if not (0 < low <= 1 <= high) or np.isinf(high):
        raise ValueError(BAD_BAND.format(band=band))
    if len(table) == 0:
        raise ValueError(NO_GROUPS)
    ref_pos = _default_reference(table) if reference is None else _find_group(table, reference)
    values = table[rate].to_numpy(dtype=float)
    ref_value = values[ref_pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = values / ref_value if ref_value > 0 else np.full(len(values), np.nan)
    has_intervals = (
        f"{rate}_ratio_low" in table.columns
        and "is_reference" in table.columns
        and bool(table["is_reference"].iloc[ref_pos])
    )
    if has_intervals:
        r_low = table[f"{rate}_ratio_low"].to_numpy(dtype=float)
        r_high = table[f"{rate}_ratio_high"].to_numpy(dtype=float)
    else:
        r_low = r_high = np.full(len(values), np.nan)
    within, verdict = [], []
    for r, lo, hi in zip(ratio, r_low, r_high, strict=True):
        if np.isnan(r):
            within.append(pd.NA)
            verdict.append(pd.NA)
            continue
        inside = bool(low <= r <= high)
        within.append(inside)
        if inside:
            verdict.append("inside")
        elif hi < low or lo > high:  # NaN bounds compare False: no interval, no claim
            verdict.append("outside")
        else:
            verdict.append("unclear")
    return pd.DataFrame(
        {
            "label": table["label"].to_numpy(),
            "rate": values,
            "ratio": ratio,
            "ratio_low": r_low,
            "ratio_high": r_high,
            "within_band": pd.array(within, dtype="boolean"),
            "verdict": pd.array(verdict, dtype="string"),
            "is_reference": np.arange(len(table)) == ref_pos,
            "too_few": table["too_few"].to_numpy(dtype=bool),
        },
        index=table.index,
    )


def _find_group(table: pd.DataFrame, reference) -> int:
    keys = list(table.index)
    if reference in keys:
        return keys.index(reference)
    labels = list(table["label"])
    if reference in labels:
        return labels.index(reference)
    raise ValueError(UNKNOWN_REFERENCE.format(reference=reference, choices=", ".join(labels)))
