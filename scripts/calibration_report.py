"""Print the calibration figures the synthetic council reaches (for issue notes and README).

Usage: python scripts/calibration_report.py [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from csc_dash import facts, metrics  # noqa: E402
from csc_dash.cohort import load_sample_cohort  # noqa: E402
from csc_dash.synthetic import FACTORS, council_population, generate_cohort  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    cohort = generate_cohort(seed=args.seed)
    population = council_population(seed=args.seed).groupby("deprivation_decile")["children"].sum()
    print(f"Referrals: {len(cohort):,}; children in the council (mid-period): {population.sum():,}")
    print(f"Outcome base rate: {cohort['outcome'].mean():.4f} (target {facts.OUTCOME_BASE_RATE_RANGE}); true need: {cohort['need'].mean():.4f}")
    print("\nReferral source, % (national 2020):")
    for source, national in facts.REFERRAL_SOURCE_SHARES.items():
        print(f"  {source:20s} {100 * (cohort['referral_source'] == source).mean():5.1f}  ({national})")
    print("\nFactors at assessment, % (national 2024):")
    for factor in FACTORS:
        print(f"  {factor:28s} {100 * cohort[factor].mean():5.1f}  ({facts.ASSESSMENT_FACTOR_SHARES[factor]})")
    refs = cohort.groupby("deprivation_decile").size() / population * 10_000
    esc = cohort.groupby("deprivation_decile")["outcome"].sum() / population * 10_000
    cond = cohort.groupby("deprivation_decile")["outcome"].mean()
    print(f"\nPer 10,000 children, decile 1 / decile 10: escalations {esc[1] / esc[10]:.1f}x "
          f"(target {facts.DECILE_RATIO_RANGE}); referrals {refs[1] / refs[10]:.1f}x; "
          f"escalation per referral {cond[1] / cond[10]:.1f}x")
    sample = load_sample_cohort("moderate")
    print(f"\nTest period: {len(sample):,} referrals, {int(sample.y.sum())} escalations")
    for model in sample.models:
        s = sample.scores(model)
        ap = metrics.average_precision(sample.y, s)
        low, high = metrics.bootstrap_interval(metrics.average_precision, sample.y, s, n_boot=500)
        # The rule is yes/no: it can only flag everyone it flags (ties are never split).
        t = 0.5 if model == "rule" else metrics.threshold_for_top_share(s, 0.10)
        row = metrics.row_at_threshold(sample.y, s, t)
        what = "its flags" if model == "rule" else "top 10% flagged"
        print(f"  {model:10s} AP {ap:.3f} (95% {low:.3f}-{high:.3f}); {what} "
              f"({int(row['flagged'])}): recall {row['recall']:.2f}, precision {row['precision']:.2f}")
    print(f"  random baseline (base rate) {np.mean(sample.y):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
