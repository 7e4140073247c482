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


# -- imports of our own modules: at the top of the module, and never in a circle ----------------------

#: Files (not of the workshop's UI) that still import our modules inside functions, with how many
#: such imports each holds. Their owners remove them; the list may only shrink (a file that is
#: clean, or holds fewer, fails the test below until its entry goes or its number drops).
FUNCTION_LEVEL_IMPORTS_LEFT: dict[str, int] = {}


def our_sources() -> list[Path]:
    """Every Python file of ours the app imports or runs: the package and the page scripts."""
    return [*sorted((ROOT / "csc_dash").rglob("*.py")), *sorted((ROOT / "app_pages").rglob("*.py"))]


def _imports_ours(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level == 0 and (node.module or "").split(".")[0] == "csc_dash" or node.level > 0
    if isinstance(node, ast.Import):
        return any(alias.name.split(".")[0] == "csc_dash" for alias in node.names)
    return False


def function_level_imports(source: str) -> list[int]:
    """Lines that import one of our modules inside a function (a cycle hidden that way is a defect)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            lines += [inner.lineno for inner in ast.walk(node) if _imports_ours(inner)]
    return sorted(set(lines))


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("from csc_dash import store\n", []),
        ("def f():\n    from csc_dash import store\n", [2]),
        ("def f():\n    import csc_dash.store as s\n", [2]),
        ("class A:\n    def m(self):\n        from csc_dash.ui import state\n", [3]),
        ("async def f():\n    from . import x\n", [2]),
        ("def f():\n    import json\n    from pathlib import Path\n", []),
    ],
)
def test_the_function_level_import_scan_finds_every_form(source, lines):
    assert function_level_imports(source) == lines


def test_no_function_level_imports_of_our_modules():
    found = {}
    for path in our_sources():
        lines = function_level_imports(path.read_text())
        if lines:
            found[path.relative_to(ROOT).as_posix()] = len(lines)
    new = {name: n for name, n in found.items() if n > FUNCTION_LEVEL_IMPORTS_LEFT.get(name, 0)}
    assert not new, f"imports of our modules inside functions: {new}"
    assert {name: found.get(name, 0) for name in FUNCTION_LEVEL_IMPORTS_LEFT} == FUNCTION_LEVEL_IMPORTS_LEFT, (
        "a file got cleaner: lower or remove its entry in FUNCTION_LEVEL_IMPORTS_LEFT"
    )


def test_the_workshop_ui_and_its_pages_import_nothing_inside_functions():
    mine = [*sorted((ROOT / "csc_dash" / "ui" / "workshop").glob("*.py"))]
    mine += [ROOT / "app_pages" / f"{name}.py" for name in ("welcome", "your_views", "facilitator", "sign_in")]
    assert len(mine) > 8
    assert {p.name: function_level_imports(p.read_text()) for p in mine if function_level_imports(p.read_text())} == {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level(node: ast.AST):
    """Every node of ``node`` outside function bodies (what runs when the module is imported)."""
    for child in ast.iter_child_nodes(node):
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            yield child
            yield from _module_level(child)


def module_imports(path: Path, modules: set[str]) -> set[str]:
    """Our modules that ``path`` imports at module level (``from package import submodule``
    counts as importing the submodule; ``from package import name`` as importing the package)."""
    found = set()
    for node in _module_level(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in modules:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found - {module_name(path)}


def import_circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The circles (strongly connected groups of two or more, or a module importing itself) of
    ``graph`` (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return circles


def test_the_circle_finder_finds_circles():
    assert import_circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_among_our_modules():
    paths = our_sources()
    modules = {module_name(p) for p in paths}
    graph = {module_name(p): module_imports(p, modules) for p in paths}
    assert graph["csc_dash.ui.workshop.answers"] >= {"csc_dash.ui.workshop.session"}  # the scan sees edges
    assert import_circles(graph) == []
