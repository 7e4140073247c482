"""The core stays pure: importing csc_dash (outside csc_dash/ui) never loads Streamlit."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

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


def app_sources() -> list[Path]:
    """Every Python file the app runs: the entry point, the page scripts and the package."""
    return [ROOT / "app.py", *sorted((ROOT / "app_pages").rglob("*.py")), *sorted((ROOT / "csc_dash").rglob("*.py"))]


def unsafe_html_uses(source: str) -> list[int]:
    """Lines that pass ``unsafe_allow_html`` as anything but a literal ``False`` (by keyword, or
    in a ``**options`` dict), so no page can render raw HTML a user or a file supplied."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html":
            if not (isinstance(node.value, ast.Constant) and node.value.value is False):
                lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                if isinstance(key, ast.Constant) and key.value == "unsafe_allow_html":
                    lines.append(key.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            lines += [k.lineno for k in node.keywords if k.arg == "unsafe_allow_html"]
    return sorted(set(lines))


def test_the_scan_covers_the_entry_point_and_every_page_in_the_navigation():
    from csc_dash.ui import navigation

    scanned = set(app_sources())
    assert ROOT / "app.py" in scanned
    pages = {ROOT / spec.path for spec in navigation.PAGES} | {ROOT / "app_pages" / "sign_in.py"}
    assert pages <= scanned
    assert set((ROOT / "app_pages").glob("*.py")) <= scanned


def test_no_file_the_app_runs_passes_unsafe_html():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in app_sources()
        for line in unsafe_html_uses(path.read_text())
    ]
    assert not offenders, offenders


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("st.markdown(x, unsafe_allow_html=True)", [1]),
        ("st.markdown(x, unsafe_allow_html = flag)", [1]),
        ("st.markdown(x, **{'unsafe_allow_html': True})", [1]),
        ("st.markdown(x, **dict(unsafe_allow_html=True))", [1]),
        ("st.markdown(x, unsafe_allow_html=False)", []),
        ("st.markdown(x)  # unsafe_allow_html is never used", []),
    ],
)
def test_the_unsafe_html_scan_finds_every_form(source, lines):
    assert unsafe_html_uses(source) == lines


def test_there_is_no_pages_folder():
    """Streamlit would run scripts in a ``pages/`` folder beside app.py outside the page list (and
    its sign-in gate): page scripts live in ``app_pages/``."""
    assert not (ROOT / "pages").exists()
