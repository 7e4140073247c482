"""The core stays pure: importing csc_dash (outside csc_dash/ui) never loads Streamlit."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import csc_dash

ROOT = Path(__file__).resolve().parents[1]


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(csc_dash.__path__, prefix="csc_dash."):
        if info.name.startswith("csc_dash.ui") or info.name == "csc_dash.__main__":
            continue
        names.append(info.name)
    return names


def test_there_are_core_modules_to_check():
    assert {"csc_dash.metrics", "csc_dash.synthetic", "csc_dash.cohort"} <= set(core_modules())


def test_importing_the_core_does_not_import_streamlit():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.'))\n"
        "print(loaded)\n"
        "sys.exit(1 if loaded else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_source_file_outside_ui_imports_streamlit():
    offenders = []
    for path in (ROOT / "csc_dash").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "csc_dash").parts[:1]:
            continue
        for line in path.read_text().splitlines():
            stripped = line.strip()
            if re.match(r"(import streamlit(\.|\s|$)|from streamlit(\.|\s))", stripped):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert not offenders


def test_no_page_or_module_passes_unsafe_html():
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("pages", "csc_dash")
        for p in (ROOT / folder).rglob("*.py")
        if "unsafe_allow_html=True" in p.read_text().replace(" ", "")
    ]
    assert not offenders, offenders
