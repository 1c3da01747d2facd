"""Where a model, a field or a ``Meta`` declaration is written: file and line.

Found from the code objects, not by searching text: the model class names
its module (``inspect.getsourcefile``), the module's source is parsed with
``ast`` (once per file, ``_parsed``), and the class is the ``ClassDef``
whose qualified name is the class's ``__qualname__``.  A field is the
assignment to its name in the body of the first class of the model's MRO
that has one (an abstract parent's, for an inherited field); a ``Meta``
index or constraint is the call in a ``Meta`` body that names it (or lists
its fields), ``unique_together`` its tuple (or its assignment).

Paths: relative to ``settings.BASE_DIR`` (the working directory when it is
not set), with ``/``; a file of an installed package (site-packages, or any
``sys.path`` root outside the base directory) relative to that root, as its
import path spells it (``django/contrib/auth/models.py``); else absolute.
"""

from __future__ import annotations

import ast
import functools
import inspect
import os
import site
import sys
import sysconfig
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

from ..report import Source

ModelType = type[models.Model]


@dataclass(frozen=True)
class Declaration:
    """An index or constraint of ``Meta`` that a discrepancy is about."""

    #: ``indexes``, ``constraints``, ``unique_together`` or ``index_together``
    option: str
    name: str | None
    fields: tuple[str, ...]


# -- parsed files --------------------------------------------------------------


@dataclass
class _File:
    #: ``ClassDef`` nodes by qualified name, in the order they are written
    classes: dict[str, list[ast.ClassDef]]


_FILES: dict[tuple[str, int, int], _File | None] = {}
_LOCK = threading.Lock()


def _parsed(path: str) -> _File | None:
    """The classes of the Python file ``path`` (cached while it is unchanged)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (path, stat.st_mtime_ns, stat.st_size)
    with _LOCK:
        if key in _FILES:
            return _FILES[key]
    try:
        tree = ast.parse(Path(path).read_bytes(), filename=path)
    except (OSError, SyntaxError, ValueError):
        found = None
    else:
        classes: dict[str, list[ast.ClassDef]] = {}
        for qualname, node in _class_defs(tree.body, ""):
            classes.setdefault(qualname, []).append(node)
        found = _File(classes)
    with _LOCK:
        _FILES[key] = found
    return found


def _class_defs(body: Sequence[ast.stmt], prefix: str) -> Iterator[tuple[str, ast.ClassDef]]:
    """Every class in ``body``, with the ``__qualname__`` Python gives it."""
    for node in body:
        for child, inner in _nested(node):
            if isinstance(child, ast.ClassDef):
                qualname = f"{prefix}{child.name}"
                yield qualname, child
                yield from _class_defs(child.body, f"{qualname}.")
            else:  # a function: its classes are ``f.<locals>.C``
                yield from _class_defs(inner, f"{prefix}{child.name}.<locals>.")


def _nested(
    node: ast.AST,
) -> Iterator[tuple[ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, list[ast.stmt]]]:
    """The class and function definitions in ``node``, looking through
    ``if``/``try``/``with`` blocks (which do not make a scope)."""
    if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        yield node, node.body
        return
    for name in ("body", "orelse", "finalbody", "handlers"):
        for child in getattr(node, name, ()) or ():
            if isinstance(child, ast.stmt | ast.excepthandler):
                yield from _nested(child)


def _class_node(cls: type) -> tuple[str, ast.ClassDef] | None:
    """The file of ``cls`` and its ``class`` statement."""
    try:
        path = inspect.getsourcefile(cls)
    except (TypeError, OSError):  # built in, or made at run time (a migration state's)
        return None
    if not path:
        return None
    parsed = _parsed(path)
    if parsed is None:
        return None
    nodes = parsed.classes.get(cls.__qualname__, [])
    if not nodes:
        return None
    first = getattr(cls, "__firstlineno__", None)  # Python 3.13
    if first is not None:
        for node in nodes:
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if start == first:
                return path, node
    return path, nodes[-1]  # redefined: the last definition is the one in use


# -- lines -----------------------------------------------------------------------


def model_source(model: ModelType, base: Path) -> Source | None:
    """The line of ``class Model(...)``."""
    found = _class_node(model)
    if found is None:
        return None
    path, node = found
    return Source(display_path(path, base), node.lineno)


def field_source(model: ModelType, name: str, base: Path) -> Source | None:
    """The line of the assignment to ``name`` in the model's class body, or in
    the first class up its MRO that has one (an abstract parent)."""
    for cls in _model_classes(model):
        found = _class_node(cls)
        if found is None:
            continue
        path, node = found
        for stmt in node.body:
            if _assigns(stmt, name):
                return Source(display_path(path, base), stmt.lineno)
    return None


def declaration_source(model: ModelType, declaration: Declaration, base: Path) -> Source | None:
    """The line of the ``Meta`` declaration: the call naming the index or
    constraint (or listing its fields), the ``unique_together`` tuple."""
    for cls in _model_classes(model):
        found = _class_node(cls)
        if found is None:
            continue
        path, node = found
        for meta in node.body:
            if isinstance(meta, ast.ClassDef) and meta.name == "Meta":
                line = _declaration_line(meta, declaration, model)
                if line is not None:
                    return Source(display_path(path, base), line)
    return None


def _model_classes(model: ModelType) -> Iterator[type]:
    for cls in model.__mro__:
        if cls is models.Model or not isinstance(cls, type):
            continue
        if issubclass(cls, models.Model):
            yield cls


def _assigns(stmt: ast.stmt, name: str) -> bool:
    if isinstance(stmt, ast.Assign):
        return any(_binds(target, name) for target in stmt.targets)
    if isinstance(stmt, ast.AnnAssign):
        return _binds(stmt.target, name)
    return False


def _binds(target: ast.expr, name: str) -> bool:
    if isinstance(target, ast.Name):
        return target.id == name
    if isinstance(target, ast.Tuple | ast.List):
        return any(_binds(t, name) for t in target.elts)
    return False


def _declaration_line(meta: ast.ClassDef, declaration: Declaration, model: ModelType) -> int | None:
    if declaration.option in ("unique_together", "index_together"):
        for stmt in meta.body:
            if _assigns(stmt, declaration.option):
                value = getattr(stmt, "value", None)
                for node in ast.walk(value) if value is not None else ():
                    if isinstance(node, ast.Tuple | ast.List) and _strings(node) == list(
                        declaration.fields
                    ):
                        return node.lineno
                return stmt.lineno
        return None
    calls = [node for stmt in meta.body for node in ast.walk(stmt) if isinstance(node, ast.Call)]
    if declaration.name is not None:
        names = {declaration.name}
        for call in calls:
            written = _keyword_string(call, "name")
            if written is not None and (
                written in names or _expand(written, model) == declaration.name
            ):
                return call.lineno
    if declaration.fields:
        for call in calls:
            fields = _keyword(call, "fields")
            if fields is not None and _strings(fields) == list(declaration.fields):
                return call.lineno
    return None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _keyword_string(call: ast.Call, name: str) -> str | None:
    value = _keyword(call, name)
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    return None


def _strings(node: ast.expr) -> list[str] | None:
    if not isinstance(node, ast.Tuple | ast.List):
        return None
    out: list[str] = []
    for element in node.elts:
        if not isinstance(element, ast.Constant) or not isinstance(element.value, str):
            return None
        out.append(element.value)
    return out


def _expand(name: str, model: ModelType) -> str:
    """An abstract parent's ``name="%(app_label)s_%(class)s_x"`` for ``model``."""
    if "%(" not in name:
        return name
    try:
        return name % {
            "app_label": model._meta.app_label.lower(),
            "class": model.__name__.lower(),
        }
    except (KeyError, ValueError, TypeError):
        return name


# -- paths -----------------------------------------------------------------------


def base_dir() -> Path:
    """``settings.BASE_DIR``, or the working directory."""
    base: Any = getattr(settings, "BASE_DIR", None)
    return Path(base if base else os.getcwd()).resolve()


@functools.cache
def _package_roots() -> tuple[Path, ...]:
    """Where installed packages live."""
    found: list[str] = []
    for key in ("purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            found.append(path)
    try:
        found += site.getsitepackages()
    except AttributeError:  # pragma: no cover - an old virtualenv's site module
        pass
    user = getattr(site, "ENABLE_USER_SITE", False) and site.getusersitepackages()
    if isinstance(user, str):
        found.append(user)
    roots: list[Path] = []
    for path in found:
        resolved = Path(path).resolve()
        if resolved not in roots:
            roots.append(resolved)
    return tuple(roots)


@functools.lru_cache(maxsize=4096)
def display_path(path: str, base: Path) -> str:
    """``path`` as a report shows it (see the module's docstring)."""
    file = Path(path).resolve()
    for root in _package_roots():
        if file.is_relative_to(root):
            return file.relative_to(root).as_posix()
    if file.is_relative_to(base):
        return file.relative_to(base).as_posix()
    roots = [Path(p).resolve() for p in sys.path if p]
    inside = [r for r in roots if file.is_relative_to(r)]
    if inside:
        return file.relative_to(max(inside, key=lambda r: len(r.parts))).as_posix()
    return file.as_posix()
