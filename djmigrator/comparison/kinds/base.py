"""What every object module shares: the operation alembic carries, condition texts."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from alembic.operations import ops
from alembic.util import PriorityDispatchResult

from ...report import Discrepancy

if TYPE_CHECKING:
    from ..context import CompareContext


def compare_context(autogen_context: Any) -> CompareContext:
    """The comparison's context, which ``diff.run_alembic`` hands to alembic."""
    ctx: CompareContext = autogen_context.opts["djmigrator"]
    return ctx


#: A kind's comparison of one table present on both sides: (context, table
#: name, the models' table, the reflected table) -> its differences.
TableComparison = Callable[["CompareContext", str, sa.Table, sa.Table], Iterable["ObjectOp"]]


def table_comparator(comparison: TableComparison) -> Callable[..., PriorityDispatchResult]:
    """``comparison`` as an alembic table comparator of the ``djmigrator.compare``
    plugin: run for each table on both sides (a missing or extra table is the
    whole difference), its ``ObjectOp``\\ s added to alembic's diff."""

    def comparator(
        autogen_context: Any,
        modify_table_ops: ops.ModifyTableOps,
        schema: str | None,
        tname: str,
        conn_table: sa.Table | None,
        metadata_table: sa.Table | None,
    ) -> PriorityDispatchResult:
        if conn_table is not None and metadata_table is not None:
            ctx = compare_context(autogen_context)
            modify_table_ops.ops.extend(comparison(ctx, tname, metadata_table, conn_table))
        return PriorityDispatchResult.CONTINUE

    comparator.__name__ = comparator.__qualname__ = comparison.__name__
    comparator.__module__ = comparison.__module__
    comparator.__doc__ = comparison.__doc__
    return comparator


class Namer(Protocol):
    """Resolves a table (and column) to app label, model and field (``diff.Namer``)."""

    metadata: sa.MetaData

    def table(self, name: str) -> sa.Table | None: ...

    def expected_column_text(self, table: str, column: str) -> str: ...

    def owner(self, table: str) -> tuple[str | None, str | None]: ...

    def field(self, table: str, column: str | None) -> str | None: ...

    def label(self, table: str, column: str | None = None, field: str | None = None) -> str: ...


class ObjectOp(ops.MigrateOperation):
    """One difference found by an object module, made into a discrepancy once the
    tables are known to Django terms (``diff.to_discrepancies``)."""

    def __init__(
        self, table: str, columns: tuple[str, ...], build: Callable[[Namer], Discrepancy]
    ) -> None:
        self.table = table
        #: the columns involved: a missing or extra column's own discrepancy covers it
        self.columns = columns
        self.build = build

    def to_diff_tuple(self) -> tuple[Any, ...]:
        return ("djmigrator_object", self.table, self)

    def reverse(self) -> ObjectOp:
        return self


# -- condition and expression texts ------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<string>'(?:[^']|'')*')
    |(?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
    |(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<op>::|<=|>=|<>|!=|\|\||[-+*/%<>=(),.~!@#^&|?:;\[\]{}])
    |(?P<space>\s+)
    |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_SIMPLE = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_CONNECTIVES = frozenset({"and", "or", "not"})

Token = tuple[str, str]


def tokens(text: str, *, fold_quoted: bool) -> list[Token]:
    """``text`` as tokens that compare equal where SQL reads them alike.

    Unquoted words are folded to lower case (keywords, function names, and
    identifiers as PostgreSQL folds them); a quoted identifier equals the
    unquoted word where the server would read them alike: always where
    identifiers are case-insensitive (``fold_quoted``: SQLite, MySQL), else
    only when it is already a lower-case simple name (PostgreSQL).  Strings
    and numbers are kept as written.
    """
    out: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        value = match.group()
        if kind == "space":
            continue
        if kind == "word":
            out.append(("word", value.lower()))
        elif kind == "quoted":
            name = value[1:-1]
            if fold_quoted:
                out.append(("word", name.lower()))
            elif _SIMPLE.match(name):
                out.append(("word", name))
            else:
                out.append(("quoted", name))
        else:
            out.append((kind, value))
    return out


def _strip_parentheses(items: list[Token]) -> list[Token]:
    """Drop parentheses that change nothing: around one token (not a call's
    arguments), and around the whole text."""
    changed = True
    while changed:
        changed = False
        for i in range(len(items) - 2):
            if items[i] == ("op", "(") and items[i + 2] == ("op", ")"):
                inner = items[i + 1]
                before = items[i - 1] if i else None
                call = before is not None and (
                    (before[0] == "word" and before[1] not in _CONNECTIVES)
                    or before[0] == "quoted"
                    or before == ("op", ")")
                )
                if inner[0] != "op" and not call:
                    items = [*items[:i], inner, *items[i + 3 :]]
                    changed = True
                    break
        if len(items) >= 2 and items[0] == ("op", "(") and items[-1] == ("op", ")"):
            depth = 0
            for i, item in enumerate(items):
                if item == ("op", "("):
                    depth += 1
                elif item == ("op", ")"):
                    depth -= 1
                    if depth == 0 and i < len(items) - 1:
                        break
            else:
                items = items[1:-1]
                changed = True
    return items


def text_key(text: str, *, fold_quoted: bool) -> tuple[Token, ...]:
    """A conservative key: equal keys mean the same condition or expression.

    Only spelling is normalised (case of keywords, identifier quotes, spaces,
    parentheses that group nothing); texts that differ in anything else get
    different keys, and are left to the server's canonical form.
    """
    return tuple(_strip_parentheses(tokens(text, fold_quoted=fold_quoted)))


def referenced(text: str, columns: set[str], *, fold_quoted: bool) -> tuple[str, ...]:
    """The names of ``columns`` that ``text`` mentions, in ``columns``' spelling."""
    by_key = {(c.lower() if fold_quoted else c): c for c in columns}
    found: list[str] = []
    for kind, value in tokens(text, fold_quoted=fold_quoted):
        if kind in ("word", "quoted") and value in by_key and by_key[value] not in found:
            found.append(by_key[value])
    return tuple(found)


@dataclass(frozen=True)
class Check:
    """One CHECK constraint: its condition, as Django wrote it or the server stored it."""

    text: str
    name: str | None = None
    #: the names it may carry in the database (models' side: a column's inline
    #: check is named by the server, or by Django where AlterField added it)
    names: tuple[str, ...] = ()
    field: str | None = None
    #: the column whose own check it is (``db_check``), if any
    column: str | None = None
    #: Django's DDL that adds it (models' side only), rendered when a repair needs it
    sql: Any = dataclasses.field(default="", compare=False)
