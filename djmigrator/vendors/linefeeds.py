"""Identifiers with line feeds, through SQLAlchemy parsers that read by line.

SQLAlchemy parses some of the server's DDL texts with regular expressions that
stop at a line feed: MySQL/MariaDB's ``SHOW CREATE TABLE`` (read line by
line: a column named ``"line1\\nline2"`` was dropped), PostgreSQL's
``pg_get_constraintdef`` of a foreign key (the parse failed).  The vendor
modules hide the line feeds inside quoted identifiers from the parser and put
them back in what it read.
"""

from __future__ import annotations

import re
from typing import Any

#: What stands for a line feed inside an identifier while SQLAlchemy parses.
HIDDEN_LF = "\x00djm-lf\x00"

#: A quoted identifier or a string literal (skipped: servers escape line feeds
#: in those), by the identifier quote.
_TOKENS = {
    quote: re.compile(
        rf"{quote}(?:[^{quote}]|{quote}{quote})*{quote}"
        + r"|'(?:[^'\\]|\\.|'')*'"
        + ("" if quote == '"' else r'|"(?:[^"\\]|\\.|"")*"'),
        re.DOTALL,
    )
    for quote in ("`", '"')
}


def hide_line_feeds(sql: str, quote: str) -> str | None:
    """``sql`` with each line feed inside a ``quote``-quoted identifier hidden;
    None where there is none (or the text already holds the stand-in)."""
    if "\n" not in sql or HIDDEN_LF in sql:
        return None
    found = False

    def hide(match: re.Match[str]) -> str:
        nonlocal found
        token = match.group()
        if token[0] == quote and "\n" in token:
            found = True
            return token.replace("\n", HIDDEN_LF)
        return token

    hidden = _TOKENS[quote].sub(hide, sql)
    return hidden if found else None


def unhide_line_feeds(value: Any) -> Any:
    """``value`` (what a parser read: strings, lists, tuples, dicts) with the
    hidden line feeds put back."""
    if isinstance(value, str):
        return value.replace(HIDDEN_LF, "\n")
    if isinstance(value, list):
        return [unhide_line_feeds(v) for v in value]
    if isinstance(value, tuple):
        return tuple(unhide_line_feeds(v) for v in value)
    if isinstance(value, dict):
        return {k: unhide_line_feeds(v) for k, v in value.items()}
    return value
