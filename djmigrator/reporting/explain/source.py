"""Where a model, a field or a ``Meta`` declaration is written: file and line.

Found from the code objects, not by searching text: the model class names
its file (``inspect.getsourcefile``) and, on Python 3.13+, its first line
(``__firstlineno__``); its ``class`` statement is read as ``inspect``
reads it and parsed with ``ast`` (after ``WHOLE_FILE_AFTER`` classes of
one file, or without ``__firstlineno__``, the whole file is parsed once and
the class is the ``ClassDef`` whose qualified name is its ``__qualname__``).
A field is the assignment to its name in the body of the first class of the
model's MRO that has one (an abstract parent's, for an inherited field); a
``Meta`` index or constraint is the call in a ``Meta`` body that names it
(or lists its fields), ``unique_together`` its tuple (or its assignment).

Paths: relative to ``settings.BASE_DIR`` (the working directory when it is
not set), with ``/``; a file of an installed package (site-packages)
relative to where it is installed, as its import path spells it
(``django/contrib/auth/models.py``); any other file outside the base
directory relative to its ``sys.path`` entry; else absolute.
"""

from __future__ import annotations

import ast
import functools
import inspect
import linecache
import os
import site
import sys
import sysconfig
import textwrap
import threading
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import models

from ...report import Source

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


@dataclass(frozen=True)
class _Class:
    path: str
    node: ast.ClassDef
    #: what to add to a line of ``node`` to get the file's line
    offset: int


#: Classes of one file read on their own before the whole file is parsed
#: (once) instead: a class costs about 1/40 of a 1,000-line file.
WHOLE_FILE_AFTER = 20
_ASKED: dict[str, int] = {}

_CLASSES: weakref.WeakKeyDictionary[type, _Class | None] = weakref.WeakKeyDictionary()


def _class_node(cls: type) -> _Class | None:
    """The ``class`` statement of ``cls``, parsed (once per class)."""
    try:
        return _CLASSES[cls]
    except KeyError:
        pass
    found = _find_class(cls)
    with _LOCK:
        _CLASSES[cls] = found
    return found


def _find_class(cls: type) -> _Class | None:
    try:
        path = inspect.getsourcefile(cls)
    except (TypeError, OSError):  # built in, or made at run time (a migration state's)
        return None
    if not path:
        return None
    first = cls.__dict__.get("__firstlineno__")  # Python 3.13+
    with _LOCK:
        _ASKED[path] = asked = _ASKED.get(path, 0) + 1
    if isinstance(first, int) and asked <= WHOLE_FILE_AFTER:
        # only the class's own lines are parsed, as inspect.getsource reads them
        block = inspect.getblock(linecache.getlines(path)[first - 1 :])
        try:
            tree = ast.parse(textwrap.dedent("".join(block)))
        except (SyntaxError, ValueError):
            pass
        else:
            for node in tree.body:
                if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
                    return _Class(path, node, first - 1)
    parsed = _parsed(path)  # the whole file, once, for the class's qualified name
    if parsed is None:
        return None
    nodes = parsed.classes.get(cls.__qualname__, [])
    if not nodes:
        return None
    for node in nodes:
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        if start == first:
            return _Class(path, node, 0)
    return _Class(path, nodes[-1], 0)  # redefined: the last definition is the one in use


# -- lines -----------------------------------------------------------------------


def model_source(model: ModelType, base: Path) -> Source | None:
    """The line of ``class Model(...)``."""
    found = _class_node(model)
    if found is None:
        return None
    return Source(display_path(found.path, base), found.node.lineno + found.offset)


def field_source(model: ModelType, name: str, base: Path) -> Source | None:
    """The line of the assignment to ``name`` in the model's class body, or in
    the first class up its MRO that has one (an abstract parent)."""
    for cls in _model_classes(model):
        found = _class_node(cls)
        if found is None:
            continue
        for stmt in found.node.body:
            if _assigns(stmt, name):
                return Source(display_path(found.path, base), stmt.lineno + found.offset)
    return None


def declaration_source(model: ModelType, declaration: Declaration, base: Path) -> Source | None:
    """The line of the ``Meta`` declaration: the call naming the index or
    constraint (or listing its fields), the ``unique_together`` tuple."""
    for cls in _model_classes(model):
        found = _class_node(cls)
        if found is None:
            continue
        for meta in found.node.body:
            if isinstance(meta, ast.ClassDef) and meta.name == "Meta":
                line = _declaration_line(meta, declaration, model)
                if line is not None:
                    return Source(display_path(found.path, base), line + found.offset)
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
