"""The repo stands alone: a clone with nothing beside it has every file it needs."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ROOT / "data" / "public"

# A path that leaves the repo: ../something, the root's parent, this machine's work folder, the
# folder of shared notes the project started from.
OUTSIDE = re.compile(r"\.\./\w|\bROOT\.parent\b|/work/|\bshared/(data|DESIGN|DOMAIN|STYLE|STACK)")


def tracked_files() -> list[Path]:
    done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if done.returncode != 0:  # not a git checkout (e.g. an unpacked archive): every file
        return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts and ".git" not in p.parts]
    return [ROOT / name for name in done.stdout.decode().split("\0") if name]


def test_no_tracked_file_refers_to_a_folder_outside_the_repo():
    offenders = []
    for path in tracked_files():
        if path.suffix in {".gz", ".png"} or path.parent == PUBLIC or not path.exists():
            continue
        if path == Path(__file__).resolve():  # this file names the patterns it looks for
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line) and "noqa: outside-ok" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    ("line", "outside"),
    [
        ("PUBLIC_DATA ?= ../notes/data/public", True),
        ('PUBLIC = ROOT.parent / "notes" / "data"', True),
        ("/work/notes/data/public", True),
        ("Read `../notes/DESIGN.md` first.", True),
        ("PUBLIC_DATA ?= data/public", False),
        ("ROOT = Path(__file__).resolve().parents[1]", False),
        ("see docs/DESIGN.md", False),
    ],
)
def test_the_outside_pattern(line, outside):
    assert bool(OUTSIDE.search(line)) is outside


def test_the_public_statistics_are_in_the_repo_with_their_sources_and_licence():
    sources = (PUBLIC / "SOURCES.md").read_text()
    assert "Open Government Licence v3.0" in sources
    csvs = sorted(PUBLIC.glob("*.csv"))
    assert len(csvs) >= 14
    for path in csvs:
        assert path.name in sources, f"{path.name} has no entry in SOURCES.md"
        assert len(pd.read_csv(path, nrows=5, encoding="utf-8-sig")) > 0
    readme = (ROOT / "README.md").read_text()
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in readme
    assert "data/public/SOURCES.md" in readme
