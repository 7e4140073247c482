"""Check that ``sample_data/`` regenerates on this machine, as any machine must.

The rule (what "reproduces" means, on every CPU and BLAS):

- data files are identical byte for byte: ``*.csv`` as written, ``*.csv.gz`` once decompressed
  (the CSV inside is the data; the gzip wrapper depends on the zlib build, not on our code);
- fitted models (``structured_model_*.json``) have the same names in the same order, and every
  number within :data:`MODEL_RTOL` of the committed one (relative). The files store 12
  significant digits (``csc_dash.models.STORED_DIGITS``), so they are usually byte-identical too;
  the tolerance only absorbs a last-digit flip when a fit lands on a rounding boundary.

Usage:
    python scripts/check_sample_data.py                 # regenerate once, compare
    python scripts/check_sample_data.py --variants      # under several OpenBLAS kernels and threads
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data"

#: Relative tolerance for a fitted coefficient (12 significant digits are stored).
MODEL_RTOL = 1e-9

#: OpenBLAS variants tried by ``--variants``: (OPENBLAS_CORETYPE or None for automatic, threads).
VARIANTS = (
    (None, 1),
    (None, 2),
    ("Haswell", 1),
    ("Haswell", 2),
    ("SandyBridge", 1),
    ("Nehalem", 2),
    ("Prescott", 1),
)


def _numbers_match(ours, theirs, where: str) -> list[str]:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        if list(ours) != list(theirs):
            return [f"{where}: the names differ"]
        return [p for key in ours for p in _numbers_match(ours[key], theirs[key], f"{where}.{key}")]
    if isinstance(ours, list) and isinstance(theirs, list):
        if len(ours) != len(theirs):
            return [f"{where}: the lengths differ"]
        return [p for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) for p in _numbers_match(a, b, f"{where}[{i}]")]
    if isinstance(ours, bool) or isinstance(theirs, bool) or not isinstance(ours, int | float):
        return [] if ours == theirs else [f"{where}: {ours!r} != {theirs!r}"]
    if not isinstance(theirs, int | float):
        return [f"{where}: {ours!r} != {theirs!r}"]
    if math.isclose(ours, theirs, rel_tol=MODEL_RTOL, abs_tol=0.0):
        return []
    return [f"{where}: {ours!r} != {theirs!r} (more than {MODEL_RTOL:g} apart, relative)"]


def compare_file(produced: Path, committed: Path) -> list[str]:
    """Problems between a regenerated file and the committed one under the rule above ([] if none)."""
    name = produced.name
    if not committed.exists():
        return [f"{name}: not in the committed sample_data/"]
    if name.endswith(".json"):
        return _numbers_match(json.loads(produced.read_text()), json.loads(committed.read_text()), name)
    if name.endswith(".gz"):
        same = gzip.decompress(produced.read_bytes()) == gzip.decompress(committed.read_bytes())
    else:
        same = produced.read_bytes() == committed.read_bytes()
    return [] if same else [f"{name}: differs byte for byte"]


def compare_folders(produced: Path, committed: Path = SAMPLE) -> list[str]:
    names = sorted(p.name for p in produced.iterdir() if p.is_file())
    if not names:
        return ["nothing was produced"]
    return [problem for name in names for problem in compare_file(produced / name, committed / name)]


def regenerate(out: Path, *, coretype: str | None = None, threads: int | None = None) -> None:
    """Run ``scripts/make_sample_data.py --out OUT`` in a fresh process with the BLAS settings given."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    if threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(threads)
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_sample_data.py"), "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"make_sample_data.py failed:\n{done.stderr}")


def blas_kernel(*, coretype: str | None = None) -> str:
    """The OpenBLAS kernel numpy picks under ``coretype`` (e.g. 'Haswell'), as numpy reports it."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    code = (
        "import numpy, threadpoolctl\n"
        "print(' '.join(f\"{i.get('internal_api')}:{i.get('architecture')}\" "
        "for i in threadpoolctl.threadpool_info() if i.get('user_api') == 'blas'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", action="store_true", help="regenerate under several BLAS variants")
    args = parser.parse_args(argv)
    variants = VARIANTS if args.variants else ((None, None),)
    failed = False
    for coretype, threads in variants:
        with tempfile.TemporaryDirectory() as tmp:
            regenerate(Path(tmp), coretype=coretype, threads=threads)
            problems = compare_folders(Path(tmp))
        label = f"OPENBLAS_CORETYPE={coretype or '(auto)'} threads={threads or '(default)'} [{blas_kernel(coretype=coretype)}]"
        print(f"{'OK  ' if not problems else 'FAIL'} {label}")
        for problem in problems:
            print(f"     {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
