"""Per-group thresholds (the presets) and what they cost, and the recorded-outcome vs need comparison."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from csc_dash.fairness.group_rates import _check_threshold, _codes, _group_frame, _labels, per_100
from csc_dash.fairness.rates import (
    MIN_ESCALATIONS,
    MIN_REFERRALS,
    PRESET_LABELS,
    PRESET_RATE,
    PRESETS,
    UNKNOWN_PRESET,
    Preset,
)
from csc_dash.metrics import check_inputs, threshold_table
from csc_dash.tradeoffs import people_counts


def _check_preset(preset: str) -> None:
    if preset not in PRESETS:
        raise ValueError(UNKNOWN_PRESET.format(preset=preset, choices=", ".join(PRESETS)))


def _rate_curve(table: pd.DataFrame, rate: str) -> np.ndarray:
    """A rate at every threshold of a :func:`metrics.threshold_table` sweep."""
    if rate == "fpr":
        return table["fpr"].to_numpy(dtype=float)
    if rate == "fnr":
        return 1.0 - table["recall"].to_numpy(dtype=float)
    n = int(table["tp"].iloc[0] + table["fp"].iloc[0] + table["fn"].iloc[0] + table["tn"].iloc[0])
    return table["flagged"].to_numpy(dtype=float) / n


def preset_thresholds(
    y, scores, groups, *, preset: Preset, threshold: float, adjust_small_groups: bool = False
) -> pd.Series:
    """A threshold for each group under a preset.

    * ``single`` — everyone gets ``threshold``.
    * ``equal_false_alarm_rate`` — each group's false-positive rate (false alarms among
      referrals that did not escalate) is brought as close as its scores allow to the overall
      rate at ``threshold``; among equally close thresholds the lowest (finds most children).
    * ``equal_miss_rate`` — the same for the false-negative rate (children missed among those
      who escalated); among equally close thresholds the highest (fewest false alarms).
    * ``equal_share_flagged`` — the same for the share of referrals flagged; ties go to the
      highest threshold.

    A group whose rate cannot be measured (e.g. nobody in it escalated, for the miss rate) keeps
    ``threshold``, and so does a group with too few referrals to tell (fewer than
    :data:`MIN_REFERRALS` referrals or :data:`MIN_ESCALATIONS` escalations) unless
    ``adjust_small_groups``: moving the line to fit a handful of cases would only chase chance.
    The achieved rate is within one step of the group's score grid of the target.

    Returns
    -------
    pandas.Series
        Index: the group keys as in :func:`group_error_rates`; name ``threshold``.
    """
    _check_preset(preset)
    y, s = check_inputs(y, scores)
    t = _check_threshold(threshold)
    frame = _group_frame(groups, len(y))
    codes, keys = _codes(frame)
    out = np.full(len(keys), t)
    rate = PRESET_RATE[preset]
    if rate is not None:
        overall = threshold_table(y, s, thresholds=[t])
        target = float(_rate_curve(overall, rate)[0])
        if not np.isnan(target):
            for g in range(len(keys)):
                mask = codes == g
                n_g, pos_g = int(mask.sum()), int(y[mask].sum())
                if not adjust_small_groups and (n_g < MIN_REFERRALS or pos_g < MIN_ESCALATIONS):
                    continue
                sweep = threshold_table(y[mask], s[mask])
                curve = _rate_curve(sweep, rate)
                if np.isnan(curve).all():
                    continue
                gap = np.abs(curve - target)
                best = np.flatnonzero(gap == np.nanmin(gap))
                # Thresholds rise along the sweep: first = lowest, last = highest.
                pick = best[0] if rate == "fpr" else best[-1]
                out[g] = float(sweep["threshold"].iloc[pick])
    return pd.Series(out, index=keys, name="threshold")


def apply_thresholds(scores, groups, thresholds: pd.Series) -> np.ndarray:
    """Flag each referral (True/False) using its own group's threshold from ``thresholds``."""
    s = np.asarray(scores, dtype=float)
    frame = _group_frame(groups, len(s))
    codes, keys = _codes(frame)
    per_group = thresholds.reindex(keys).to_numpy(dtype=float)
    return s >= per_group[codes]


@dataclass(frozen=True)
class PresetCosts:
    """What each preset costs overall and for each group.

    ``overall``: one row per preset (index) with ``label``, the counts ``tp, fp, fn, tn``,
    ``flagged_per_1000, true_alarms_per_1000, false_alarms_per_1000, missed_per_1000`` as whole
    people that add up (:func:`csc_dash.tradeoffs.people_counts`, the very numbers the
    Trade-offs page shows at the same line) and the change of each from one threshold for
    everyone (``change_<figure>``, whole people too).

    ``by_group``: one row per (preset, group) with ``preset, label, threshold, n, positives,
    too_few, flagged, fp, fn``, per-1,000 figures within the group (``flagged_per_1000,
    false_alarms_per_1000, missed_per_1000``), the group's ``fpr, fnr, share_flagged``, and
    the change of the per-1,000 figures from one threshold for everyone. A negative change in
    false alarms or children missed is a gain for that group.
    """

    overall: pd.DataFrame
    by_group: pd.DataFrame


_PER_1000 = ("flagged_per_1000", "true_alarms_per_1000", "false_alarms_per_1000", "missed_per_1000")
# Each overall figure's key in tradeoffs.people_counts.
_PEOPLE_KEY = {
    "flagged_per_1000": "flagged",
    "true_alarms_per_1000": "true_alarm",
    "false_alarms_per_1000": "false_alarm",
    "missed_per_1000": "missed",
}


def preset_costs(
    y,
    scores,
    groups,
    *,
    threshold: float,
    presets: Sequence[Preset] = PRESETS,
    adjust_small_groups: bool = False,
) -> PresetCosts:
    """Flagged, false alarms and children missed per 1,000 under each preset, overall and by group.

    Overall figures are whole people (as on the Trade-offs page); figures within a group are
    exact. Changes are measured against ``"single"`` (one threshold for everyone), which is always
    computed. Per-group thresholds come from :func:`preset_thresholds` (small groups keep the
    common threshold unless ``adjust_small_groups``).
    """
    for preset in presets:
        _check_preset(preset)
    y, s = check_inputs(y, scores)
    t = _check_threshold(threshold)
    frame = _group_frame(groups, len(y))
    codes, keys = _codes(frame)
    labels = _labels(keys)
    k = len(keys)
    n_g = np.bincount(codes, minlength=k)
    pos_g = np.bincount(codes, weights=y, minlength=k)
    n = len(y)
    wanted = ["single", *[p for p in presets if p != "single"]]
    overall_rows, group_frames = [], []
    for preset in wanted:
        thresholds = preset_thresholds(
            y, s, frame, preset=preset, threshold=t, adjust_small_groups=adjust_small_groups
        )
        flag = s >= thresholds.to_numpy()[codes]
        flagged_g = np.bincount(codes, weights=flag, minlength=k)
        tp_g = np.bincount(codes, weights=flag & (y == 1), minlength=k)
        fp_g, fn_g = flagged_g - tp_g, pos_g - tp_g
        counts = {
            "tp": int(tp_g.sum()),
            "fp": int(fp_g.sum()),
            "fn": int(fn_g.sum()),
            "tn": int(n - flagged_g.sum() - fn_g.sum()),
        }
        people = people_counts(counts, n=1000)
        overall_rows.append(
            {
                "preset": preset,
                "label": PRESET_LABELS[preset],
                **counts,
                **{column: people[key] for column, key in _PEOPLE_KEY.items()},
            }
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            group = pd.DataFrame(
                {
                    "preset": preset,
                    "label": labels,
                    "threshold": thresholds.to_numpy(),
                    "n": n_g,
                    "positives": pos_g.astype(int),
                    "too_few": (n_g < MIN_REFERRALS) | (pos_g < MIN_ESCALATIONS),
                    "flagged": flagged_g.astype(int),
                    "fp": fp_g.astype(int),
                    "fn": fn_g.astype(int),
                    "flagged_per_1000": 1000.0 * flagged_g / n_g,
                    "false_alarms_per_1000": 1000.0 * fp_g / n_g,
                    "missed_per_1000": 1000.0 * fn_g / n_g,
                    "fpr": np.where(n_g > pos_g, fp_g / (n_g - pos_g), np.nan),
                    "fnr": np.where(pos_g > 0, fn_g / pos_g, np.nan),
                    "share_flagged": flagged_g / n_g,
                },
                index=keys,
            )
        group_frames.append(group)
    overall = pd.DataFrame(overall_rows).set_index("preset")
    for column in _PER_1000:
        overall[f"change_{column}"] = overall[column] - overall.loc["single", column]
    by_group = pd.concat(group_frames)
    single = group_frames[0]
    for column in ("flagged_per_1000", "false_alarms_per_1000", "missed_per_1000"):
        by_group[f"change_{column}"] = by_group[column].to_numpy() - np.tile(
            single[column].to_numpy(), len(wanted)
        )
    keep = [p for p in wanted if p in presets]
    return PresetCosts(
        overall=overall.loc[keep],
        by_group=by_group[by_group["preset"].isin(keep)],
    )


def label_comparison(recorded: pd.DataFrame, need: pd.DataFrame, rate: str) -> pd.DataFrame:
    """One rate per group measured two ways, long form, per 100: the recorded outcome and need.

    ``recorded`` and ``need`` are :func:`group_error_rates` tables for the same referrals,
    scores, groups and threshold, with the recorded ``outcome`` and the true ``need`` as the
    outcome. Columns: ``label, against ("recorded" | "need"), value, low, high, n, too_few``.
    """
    parts = []
    for against, table in (("recorded", recorded), ("need", need)):
        part = per_100(table, rate)
        part.insert(1, "against", against)
        parts.append(part)
    return pd.concat(parts)
