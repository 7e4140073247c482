"""`make bench`: run every benchmark module and print a table for BENCHMARKS.md."""

from __future__ import annotations

import argparse
import importlib
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODULES = ("sweep", "page_rerun", "fairness", "slider", "upload")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        cores = "?"
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("only", nargs="*", help="benchmark modules to run (default: all)")
    args = parser.parse_args(argv)
    names = args.only or MODULES
    print(f"Machine: {machine()}")
    print("Command: make bench\n")
    print("| benchmark | value | budget | within |")
    print("|---|---|---|---|")
    for name in names:
        try:
            module = importlib.import_module(f"benchmarks.{name}")
        except ModuleNotFoundError as err:
            print(f"| {name} | not available ({err}) | | |")
            continue
        for row in module.run():
            budget = row.get("budget")
            within = "" if budget is None else ("yes" if row["value"] <= budget else "**no**")
            budget_text = "" if budget is None else f"≤ {budget:g} {row['unit']}"
            print(f"| {row['name']} | {row['value']:.1f} {row['unit']} | {budget_text} | {within} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
