"""Plain-language text for the app: glossary, framework, questions, statements.

Kept out of page scripts so it can be read-level tested (Flesch–Kincaid grade 8 or below).

:func:`plain_texts` is the registry the reading-level test walks. Every module in this package
takes part automatically:

- a module that defines ``plain_texts() -> iterable of (where, text)`` says itself which of its
  texts are plain words (the analyst wording it also holds is then left out);
- else a module that defines ``PLAIN_BLOCKS`` (a tuple of strings) has those blocks tested;
- any other module is walked: every public module-level string (names in ``__all__`` if it has
  one), and every string inside its public tuples, lists, dicts (values) and dataclass instances,
  counts as plain words, except names containing ``ANALYST``, dataclass fields named in
  :data:`NOT_PLAIN_FIELDS`, names it imports, and strings without a
  space (ids, paths).
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import ModuleType

#: Dataclass fields that hold ids, links or analyst wording rather than plain words.
NOT_PLAIN_FIELDS = frozenset(
    {"id", "tier", "kind", "topic", "page", "pages", "number", "source", "technical", "analyst"}
)


def content_modules() -> list[ModuleType]:
    """Every public module of this package, imported, in name order."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def _walk(where: str, value: object) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if " " in value.strip():
            yield where, value
    elif isinstance(value, (tuple, list)):
        for i, item in enumerate(value):
            yield from _walk(f"{where}[{i}]", item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(f"{where}[{key!r}]", item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in NOT_PLAIN_FIELDS:
                yield from _walk(f"{where}.{field.name}", getattr(value, field.name))


def module_texts(module: ModuleType) -> list[tuple[str, str]]:
    """The plain texts of one content module, each with where it comes from."""
    short = module.__name__.rsplit(".", 1)[-1]
    own = getattr(module, "plain_texts", None)
    if callable(own):
        return [(f"{short}.{where}", text) for where, text in own()]
    blocks = getattr(module, "PLAIN_BLOCKS", None)
    if blocks is not None:
        return [(f"{short}.PLAIN_BLOCKS[{i}]", text) for i, text in enumerate(blocks)]
    own_names = _assigned_names(module)
    names = getattr(module, "__all__", None) or sorted(own_names)
    found: list[tuple[str, str]] = []
    for name in names:
        value = getattr(module, name)
        if (
            name.startswith("_")
            or name not in own_names  # imported, tested where it is defined
            or "ANALYST" in name.upper()
            or callable(value)
        ):
            continue
        found.extend(_walk(f"{short}.{name}", value))
    return found


def _assigned_names(module: ModuleType) -> set[str]:
    """Names bound by a top-level assignment in the module's own source (not imports)."""
    tree = ast.parse(inspect.getsource(module))
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def plain_texts() -> list[tuple[str, str]]:
    """Every plain-words text in the content package, as (where, text) pairs."""
    return [pair for module in content_modules() for pair in module_texts(module)]
