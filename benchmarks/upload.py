"""Reading an analyst's upload: time, peak memory against the file's size, and other sessions.

Budgets (issue 13 item 3, issue 15): a 1,000,000-row scored test set reads in at most 1 s
(``load_scored_csv`` with the columns mapped, as the page's "Check this file" does); the
guess of which column is which takes at most 1 s too; peak memory while reading is at most 5x
the file (a file of tiny cells as well as a normal one); and another session's thread is not
held up for long while a file is read (the longest gap a 5 ms ticker sees).

Each read runs in a fresh Python process, so the peak resident memory (``VmHWM``, the high-water
mark of this process's own memory) less the memory before the read is what that read cost.
(``ru_maxrss`` would not do: Linux carries it over ``exec`` from the parent, so a parent that
had made the test file in pandas set the child's floor.) ``python -m benchmarks.upload`` prints the rows;
``make bench`` includes them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
ROWS = 1_000_000


def scored_csv(rows: int = ROWS, seed: int = 0) -> bytes:
    """A realistic scored test set: id, outcome, two scores, three groups and a date."""
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.2).astype(np.int8)
    frame = pd.DataFrame(
        {
            "referral_id": np.char.add("r", np.arange(rows).astype(str)),
            "outcome": y,
            "score_new": np.clip(0.3 * y + 0.7 * rng.random(rows), 0, 1).round(4),
            "score_old": rng.random(rows).round(4),
            "age_band": rng.choice(["0-4", "5-9", "10-15", "16+"], rows),
            "ethnicity": rng.choice(["White", "Mixed", "Asian", "Black", "Other", "Not recorded"], rows),
            "gender": rng.choice(["Girl", "Boy"], rows),
            "referral_date": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 365, rows), unit="D"),
        }
    )
    return frame.to_csv(index=False, date_format="%Y-%m-%d").encode()


def tiny_cells_csv(target_bytes: int = 40_000_000, columns: int = 100, seed: int = 1) -> bytes:
    """The issue's worst case: one-character cells, as many as fit (outcome, score, groups)."""
    rng = np.random.default_rng(seed)
    rows = target_bytes // (2 * columns)
    header = ["outcome", "score", *[f"g{i}" for i in range(columns - 2)]]
    body = rng.integers(0, 2, size=(rows, columns)).astype(np.int8)
    lines = "\n".join(",".join(map(str, row)) for row in body[:1000])  # a block, repeated
    block = (lines + "\n").encode()
    data = (",".join(header) + "\n").encode() + block * max(1, rows // 1000)
    return data


_CHILD = r"""
import faulthandler
faulthandler.dump_traceback_later(300, exit=True)  # a hang prints where, instead of waiting on
import json, sys, threading, time
from pathlib import Path
from csc_dash import cohort

path, mode, mapping = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
def rss_kb(field="VmRSS:"):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
data = Path(path).read_bytes()
try:  # warm up imports and code paths (a file the limits refuse warms up on its refusal)
    cohort.guess_columns(data[:100000].rsplit(b"\n", 1)[0])
except cohort.CohortError:
    pass
before = rss_kb()
gaps = []
stop = False
def ticker():
    last = time.perf_counter()
    while not stop:
        time.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
thread = threading.Thread(target=ticker, daemon=True)
thread.start()
start = time.perf_counter()
try:
    if mode == "guess":
        cohort.guess_columns(data)
    else:
        cohort.load_scored_csv(data, **mapping)
except cohort.CohortError as refused:
    seconds = time.perf_counter() - start
    peak_mb = (rss_kb("VmHWM:") - before) / 1024 + len(data) / 2**20
    print(json.dumps({"refused": str(refused), "seconds": seconds, "peak_mb": peak_mb,
                      "file_mb": len(data) / 2**20}), flush=True)
    import os
    os._exit(0)
finally:
    stop = True
seconds = time.perf_counter() - start
thread.join()
peak = rss_kb("VmHWM:")
print(json.dumps({"seconds": seconds, "peak_mb": (peak - before) / 1024 + len(data) / 2**20,
                  "file_mb": len(data) / 2**20, "max_gap_ms": 1000 * max(gaps or [0])}), flush=True)
import os
os._exit(0)  # Arrow's thread pool can hang the interpreter's shutdown; the figures are out
"""


def measure(data: bytes, mode: str, mapping: dict | None = None) -> dict:
    """Read ``data`` in a fresh process; seconds, peak MB (file included), the longest gap."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, handle.name, mode, json.dumps(mapping or {})],
            cwd=ROOT, capture_output=True, text=True, check=False,
            env={"CSC_DASH_MAX_UPLOAD_MB": "500", "PATH": "/usr/bin:/bin"},
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


MAPPING = {
    "outcome": "outcome",
    "scores": ["score_new", "score_old"],
    "groups": ["age_band", "ethnicity", "gender"],
    "date": "referral_date",
}


def wide_csv(columns: int = 30_000, rows: int = 24) -> bytes:
    """Issue 13.3: a small file (about 1.5 MB) with 30,000 columns."""
    rng = np.random.default_rng(0)
    lines = [",".join(["outcome", "score", *(f"c{i}" for i in range(columns - 2))])]
    for r in range(rows):
        lines.append(",".join([str(r % 2), f"{rng.random():.2f}", *(["1"] * (columns - 2))]))
    return ("\n".join(lines) + "\n").encode()


def many_groups_csv(groups: int = 3_000, rows: int = 30_000) -> bytes:
    """Issue 13.3: one group column with 3,000 groups (Fairness built every pair of them)."""
    rng = np.random.default_rng(2)
    outcome = (rng.random(rows) < 0.2).astype(int)
    score = rng.random(rows).round(4)
    area = rng.integers(0, groups, rows)
    body = "\n".join(f"{y},{s},area{a}" for y, s, a in zip(outcome, score, area, strict=True))
    return ("outcome,score,area\n" + body + "\n").encode()


def the_issues_files() -> list[dict]:
    """The three files issue 13.3 found costly, each read as an analyst would (columns named):
    what happened, how fast, and the peak memory of the reading process in MB (a ratio to a
    small file says little: the reader's own working memory is a few MB)."""
    cases = [
        ("30,000 columns", wide_csv(), {"outcome": "outcome", "scores": ["score"],
                                        "groups": [f"c{i}" for i in range(8)]}),
        ("192 MB of one-character cells", tiny_cells_csv(target_bytes=192_000_000),
         {"outcome": "outcome", "scores": ["score"], "groups": []}),
        ("a group column of 3,000 groups", many_groups_csv(),
         {"outcome": "outcome", "scores": ["score"], "groups": ["area"]}),
    ]  # fmt: skip
    rows = []
    for name, data, mapping in cases:
        found = measure(data, "load", mapping)
        what = "refused" if "refused" in found else "read"
        rows.append({"name": f"upload: {name} ({found['file_mb']:.1f} MB) {what} in", "value": found["seconds"], "unit": "s"})  # fmt: skip
        rows.append({"name": f"upload: {name}, peak memory of the reader", "value": found["peak_mb"], "unit": "MB"})  # fmt: skip
    return rows


def run() -> list[dict]:
    rows: list[dict] = []
    big = scored_csv()
    load = measure(big, "load", MAPPING)
    guess = measure(big, "guess")
    mb = load["file_mb"]
    rows += [
        {"name": f"upload: read a 1,000,000-row test set ({mb:.0f} MB), mapped", "value": load["seconds"], "unit": "s", "budget": 1.0},
        {"name": "upload: guess the columns of the same file", "value": guess["seconds"], "unit": "s", "budget": 1.0},
        {"name": "upload: peak memory reading it, times the file size", "value": load["peak_mb"] / mb, "unit": "x", "budget": 5.0},
        {"name": "upload: longest gap of another thread while reading it", "value": load["max_gap_ms"], "unit": "ms"},
    ]  # fmt: skip
    tiny = tiny_cells_csv()
    tiny_load = measure(tiny, "load", {"outcome": "outcome", "scores": ["score"], "groups": []})
    mb = len(tiny) / 2**20
    if "refused" in tiny_load:  # by the cell limit: say so, and how fast
        rows.append({"name": f"upload: {mb:.0f} MB of one-character cells refused by the cell limit, in", "value": tiny_load["seconds"], "unit": "s"})
    else:
        rows.append(
            {"name": f"upload: peak memory, {mb:.0f} MB of one-character cells, times the file size", "value": tiny_load["peak_mb"] / tiny_load["file_mb"], "unit": "x", "budget": 5.0}
        )  # fmt: skip
        rows.append({"name": "upload: read that file of tiny cells", "value": tiny_load["seconds"], "unit": "s"})
    return rows + the_issues_files()


if __name__ == "__main__":
    for row in run():
        budget = row.get("budget")
        print(f"| {row['name']} | {row['value']:.2f} {row['unit']} | {'' if budget is None else budget} |", flush=True)
