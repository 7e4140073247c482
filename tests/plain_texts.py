"""Every text the code holds as a module-level value, found by walking the package (not a
hand-kept list), for tests/test_plain.py.

Each module under ``csc_dash`` (the core, ``content``, ``charts`` and ``ui``) is imported and
every name its own source binds at top level (an assignment, not an import) is walked: a string,
and every string inside a tuple, list, dict or mapping (values), or dataclass instance. A string
counts as text when it holds a space (ids, keys and paths do not). Each text comes with where it
is: ``content.glossary.GLOSSARY[3][1]``, ``ui.workshop.MSG_SAVED``, ``tradeoffs.X``.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator, Mapping
from types import ModuleType

import csc_dash

#: Modules that are not walked: running ``python -m csc_dash`` is a command line, not text.
SKIP_MODULES = frozenset({"csc_dash.__main__"})


def package_modules() -> list[ModuleType]:
    """Every module of the package, imported, in name order."""
    names = sorted(
        m.name
        for m in pkgutil.walk_packages(csc_dash.__path__, prefix="csc_dash.")
        if m.name not in SKIP_MODULES
    )
    return [importlib.import_module(name) for name in names]


def short_name(module: ModuleType) -> str:
    """``csc_dash.content.glossary`` -> ``content.glossary``."""
    return module.__name__.removeprefix("csc_dash.").removeprefix("csc_dash")


def assigned_names(module: ModuleType) -> list[str]:
    """Names bound by a top-level assignment in the module's own source, in source order."""
    tree = ast.parse(inspect.getsource(module))
    names: list[str] = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.extend(t.id for t in targets if isinstance(t, ast.Name) and t.id not in names)
    return names


def walk(where: str, value: object) -> Iterator[tuple[str, str]]:
    """Every text inside ``value``, each with where it is."""
    if isinstance(value, str):
        if " " in value.strip():
            yield where, value
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from walk(f"{where}[{i}]", item)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from walk(f"{where}[{key!r}]", item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from walk(f"{where}.{field.name}", getattr(value, field.name))


def module_texts(module: ModuleType) -> list[tuple[str, str]]:
    """The texts one module holds at top level."""
    short = short_name(module)
    found: list[tuple[str, str]] = []
    for name in assigned_names(module):
        if name == "__all__" or name.startswith("__"):
            continue
        value = getattr(module, name, None)
        if callable(value) or isinstance(value, (re.Pattern, type)):
            continue
        found.extend(walk(f"{short}.{name}", value))
    return found


def all_texts() -> list[tuple[str, str]]:
    """Every text of every module of the package."""
    return [pair for module in package_modules() for pair in module_texts(module)]


_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_MARKS = re.compile(r"\*\*|__|`|:material/[a-z_]+:|<br\s*/?>")


def as_read(text: str) -> str:
    """A text as a person reads it: a ``{placeholder}`` as a short number, Markdown marks and
    icon names dropped."""
    return re.sub(r"\s+", " ", _MARKS.sub(" ", _PLACEHOLDER.sub("5", text))).strip()
