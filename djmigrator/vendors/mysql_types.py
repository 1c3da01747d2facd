"""MySQL/MariaDB column types without a probe table.

The server canonicalises Django's type texts best: ``Vendor.resolve_types``
creates them as columns of a temporary table and reads them back.  A user
without ``CREATE TEMPORARY TABLES`` (a read-only account, a replica) cannot,
and MySQL has no way to print a type without a column of it.  There the type
text is rewritten as ``SHOW CREATE TABLE`` prints it, by the server's
documented rules (its synonyms, and the integer display widths MariaDB and
MySQL before 8.0.19 print), and read by SQLAlchemy's own parser of that
output, the one reflection uses for the live columns.

A type these rules do not know (a custom field's ``db_type``) stays unresolved,
and the caller notes it; the test suite checks every Django type against the
probe on the server.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import sqlalchemy as sa

#: Synonyms as the server stores them (MySQL manual, "Data Type Storage
#: Requirements" and "Using Data Types from Other Database Engines").
_SYNONYMS = (
    (re.compile(r"^bool(?:ean)?$"), "tinyint(1)"),
    (re.compile(r"^integer\b"), "int"),
    (re.compile(r"^int[48]\b"), "int"),
    (re.compile(r"^(?:double precision|real|float8)\b"), "double"),
    (re.compile(r"^float4\b"), "float"),
    (re.compile(r"^(?:numeric|dec|fixed)\b"), "decimal"),
    (re.compile(r"^character varying\b"), "varchar"),
    (re.compile(r"^character\b"), "char"),
    (re.compile(r"^middleint\b"), "mediumint"),
)

#: Display widths printed where no width is given (MariaDB, MySQL < 8.0.19):
#: signed, unsigned.
_WIDTHS = {
    "tinyint": (4, 3),
    "smallint": (6, 5),
    "mediumint": (9, 8),
    "int": (11, 10),
    "bigint": (20, 20),
}

_TYPE = re.compile(
    r"^(?P<name>[a-z]+)(?:\s*\((?P<args>[^)]*)\))?(?P<rest>(?:\s+(?:unsigned|zerofill))*)\s*$"
)
_NUMBERS = re.compile(r"\d+(?:,\d+)*")
_CHARSET = re.compile(
    r"\s+(?:character\s+set|charset)\s+\w+|\s+collate\s+\w+|\s+auto_increment\b", re.I
)


def server_text(type_text: str, *, mariadb: bool, version: tuple[int, ...]) -> str | None:
    """``type_text`` as ``SHOW CREATE TABLE`` prints it, or None if not known."""
    text = _CHARSET.sub("", type_text).strip()
    if "'" not in text:
        text = " ".join(text.lower().split())
    for pattern, replacement in _SYNONYMS:
        text = pattern.sub(replacement, text, count=1)
    match = _TYPE.match(text)
    if match is None:
        return text if text.startswith(("enum(", "set(")) else None
    name, args, rest = match["name"], match["args"], match["rest"].split()
    if name == "json" and mariadb:
        return "longtext"  # MariaDB's JSON is an alias (its CHECK is a check)
    if name == "decimal" and not args:
        args = "10,0"
    if name == "char" and not args:
        args = "1"
    if args is not None:
        args = ",".join(a.strip() for a in args.split(","))
        if not _NUMBERS.fullmatch(args):
            return None  # ``varchar(None)``: not a type the server takes
    if name in _WIDTHS:
        widths = mariadb or version < (8, 0, 19)
        if name == "tinyint" and args == "1":
            pass  # tinyint(1) is printed everywhere (it reads as a boolean)
        elif not widths:
            args = None
        elif args is None:
            args = str(_WIDTHS[name]["unsigned" in rest])
    text = f"{name}({args})" if args is not None else name
    return " ".join([text, *rest])


def parse(dialect: sa.Dialect, text: str) -> sa.types.TypeEngine[Any] | None:
    """A ``SHOW CREATE TABLE`` type, as SQLAlchemy's MySQL reflection reads it."""
    from sqlalchemy.dialects.mysql.reflection import ReflectedState

    name = text.split("(", 1)[0].split()[0]
    if name not in dialect.ischema_names:  # type: ignore[attr-defined]
        return None
    state = ReflectedState()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dialect._tabledef_parser._parse_column(f"  `c` {text} NULL", state)  # type: ignore[attr-defined]
    if caught or not state.columns:  # read only in part: not known
        return None
    type_: sa.types.TypeEngine[Any] = state.columns[0]["type"]
    return type_
