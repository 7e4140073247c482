"""Regenerate the synthetic sample data in sample_data/, bit for bit.

For each level of visibility bias (none, moderate, strong) it generates the fictional council's
referrals from the same seed, fits both models on the earlier referrals, scores every referral,
and writes:

- ``sample_data/cohort_<bias>.csv.gz`` — every referral with its split (train/gap/test),
  scores and the current-practice rule flag;
- ``sample_data/structured_model_<bias>.json`` — the structured model's coefficients, so the app
  can explain a score without fitting anything;
- ``sample_data/council_population.csv`` — the fictional council's children, for rates per 10,000.

Usage: python scripts/make_sample_data.py [--out sample_data] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from csc_dash.cohort import write_sample_cohort  # noqa: E402
from csc_dash.models import fit_models, rule_flag, time_ordered_split  # noqa: E402
from csc_dash.synthetic import BIAS_LEVELS, council_population, generate_cohort  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "sample_data")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--referrals", type=int, default=24_000)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)

    for bias in BIAS_LEVELS:
        cohort = generate_cohort(args.referrals, seed=args.seed, bias=bias)
        split = time_ordered_split(cohort)
        fitted = fit_models(cohort, split, random_state=args.seed)
        scored = cohort.assign(split=split, rule_flag=rule_flag(cohort), **fitted.scores)
        path = args.out / f"cohort_{bias}.csv.gz"
        write_sample_cohort(scored, path)
        model_path = args.out / f"structured_model_{bias}.json"
        model_path.write_text(json.dumps(fitted.structured.to_dict(), indent=1, sort_keys=False) + "\n")
        print(f"wrote {path} ({len(scored):,} referrals) and {model_path.name}")

    population = council_population(seed=args.seed)
    population.to_csv(args.out / "council_population.csv", index=False, lineterminator="\n")
    print(f"wrote {args.out / 'council_population.csv'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
