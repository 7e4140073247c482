"""Old code and new, interleaved in one run, so both see the same load on a shared machine.

``--before DIR`` is a checkout of the older commit (for example made with
``git archive <commit> | tar -x -C DIR``); the newer code is this checkout. Each figure runs in
a fresh Python process with the working directory set to one checkout or the other, the old
and the new taking turns, ``--rounds`` times. Figures (1,000,000 referrals):

- the anchors: ``np.bincount`` of the scores on the 0.001 grid, scikit-learn's
  ``precision_recall_curve``;
- ``threshold_table`` on the 0.001 grid and at every distinct score;
- ``group_error_rates`` for one 4-group column with 200 draws (the transparency summary's groups);
- reading the 48 MB upload of :mod:`benchmarks.upload` (mapped, and the guess): seconds, peak
  memory against the file, the longest gap of another thread.

Best and median milliseconds are printed for the core figures, with the load average.

    python -m benchmarks.before_after --before DIR --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import upload

ROOT = Path(__file__).resolve().parents[1]

CORE = r"""
import json, time, numpy as np, pandas as pd
from csc_dash import metrics
from csc_dash.fairness import group_error_rates
from sklearn.metrics import precision_recall_curve
rng = np.random.default_rng(0)
n = 1_000_000
y = (rng.random(n) < 0.035).astype(np.int8)
s = np.clip(rng.beta(2, 8, n) + 0.15 * y, 0, 1)
regions = pd.Series(np.random.default_rng(2).choice(list("NSEW"), n))
grid = np.linspace(0, 1, 1001)
t = float(np.quantile(s, 0.9))
def best(f, r):
    ts = []
    for _ in range(r):
        start = time.perf_counter()
        f()
        ts.append(time.perf_counter() - start)
    return [min(ts) * 1000, float(np.median(ts)) * 1000]
print(json.dumps({
    "anchor: np.bincount on the 0.001 grid": best(lambda: np.bincount((s * 1000).astype(np.intp), minlength=1002), 15),
    "threshold_table on the 0.001 grid": best(lambda: metrics.threshold_table(y, s, thresholds=grid), 15),
    "threshold_table, every distinct score": best(lambda: metrics.threshold_table(y, s), 3),
    "anchor: sklearn precision_recall_curve": best(lambda: precision_recall_curve(y, s), 3),
    "group_error_rates, 4 groups, 200 draws": best(lambda: group_error_rates(y, s, regions, threshold=t, n_boot=200), 2),
}))
"""  # noqa: E501


def _run(args: list[str], cwd: Path, env: dict | None = None) -> dict:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the older commit")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    checkouts = {"before": args.before.resolve(), "after": ROOT}
    env = {"CSC_DASH_MAX_UPLOAD_MB": "500", "PATH": "/usr/bin:/bin"}
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(upload.scored_csv())
        handle.flush()
        for _ in range(args.rounds):
            for name, cwd in checkouts.items():
                load = os.getloadavg()[0]
                figures = _run([sys.executable, "-c", CORE], cwd)
                for figure, (best, median) in figures.items():
                    print(
                        f"{name:6} | {figure} | best {best:.1f} ms, median {median:.1f} ms | load {load:.1f}"
                    )
            for name, cwd in checkouts.items():
                for mode, mapping in (("load", upload.MAPPING), ("guess", {})):
                    load = os.getloadavg()[0]
                    r = _run(
                        [
                            sys.executable,
                            "-c",
                            upload._CHILD,
                            handle.name,
                            mode,
                            json.dumps(mapping),
                        ],
                        cwd,
                        env,
                    )
                    print(
                        f"{name:6} | upload {mode} | {r['seconds']:.2f} s, peak {r['peak_mb'] / r['file_mb']:.2f}x"
                        f" the file, longest gap {r['max_gap_ms']:.0f} ms | load {load:.1f}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
