"""Import time of parts of the package, each in a fresh Python process (median of N rounds).

``python -m benchmarks.imports`` times the statements below in this checkout; with
``--before DIR`` (a checkout of an older commit, e.g. made with ``git worktree add``) it times
the same statements there too, interleaved round by round so both see the same machine load.
Statements that fail to import in a checkout (a module it does not have) are reported as such.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: What the workshop's pages and the sign-in path import, as (label, statement).
STATEMENTS = (
    ("the workshop core", "import csc_dash.workshop"),
    ("the workshop core before the package", "import csc_dash.feedback, csc_dash.exports"),
    ("sign-in (auth) alone", "import csc_dash.auth"),
    ("sign-in with pandas, as the first page run has it", "import pandas, csc_dash.auth"),
)


def once(folder: Path, statement: str) -> float | None:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", statement], cwd=folder, capture_output=True)
    return time.perf_counter() - start if done.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    trees = {"after": ROOT} | ({"before": args.before} if args.before else {})
    for label, statement in STATEMENTS:
        times: dict[str, list[float | None]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, folder in trees.items():
                times[name].append(once(folder, statement))
        said = []
        for name, found in times.items():
            ok = [t for t in found if t is not None]
            said.append(f"{name} {statistics.median(ok):.2f} s" if ok else f"{name} -")
        print(f"{label:52s} {statement:45s} " + " | ".join(said))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
