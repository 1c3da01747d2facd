"""SQL expression texts in one comparable form, and SQLite's column definitions.

Django writes a default or a generated column's expression one way and the
server prints it back another: PostgreSQL adds casts (``'x'::character
varying``) and parentheses, MariaDB renames functions (``lcase``), each
quotes identifiers and strings its own way.  ``canonical`` reduces both
texts to the tokens they share; two expressions compare equal when their
canonical forms are.
"""

from __future__ import annotations

import functools
import re

_TOKEN = re.compile(
    r"""
    (?P<string>[nNeE]?'(?:[^'\\]|''|\\.)*')
  | (?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
  | (?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<cast>::)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Words that continue a PostgreSQL type name after a ``::`` cast.
_TYPE_WORDS = frozenset({"varying", "precision", "with", "without", "time", "zone"})

#: Function names a server prints back under another name.
_ALIASES = {"lcase": "lower", "ucase": "upper", "substr": "substring"}

_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def _string_value(token: str, backslashes: bool) -> str:
    body = token[token.index("'") + 1 : -1]
    if backslashes:
        body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": "\0"}.get(m[1], m[1]), body)
    return body.replace("''", "'")


def _tokens(text: str, backslashes: bool) -> list[str]:
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m[0]
        if kind == "space":
            continue
        if kind == "string":
            out.append("'" + _string_value(value, backslashes).replace("'", "''") + "'")
        elif kind == "quoted":
            out.append(value[1:-1].lower())
        elif kind == "word":
            word = value.lower()
            out.append(_ALIASES.get(word, word))
        else:
            out.append(value)
    return out


def _drop_casts(tokens: list[str]) -> list[str]:
    """``x::character varying(10)[]`` -> ``x``; ``'-5'::integer`` -> ``-5``."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i] != "::":
            out.append(tokens[i])
            i += 1
            continue
        i += 2  # "::" and the type's first word
        while i < len(tokens) and tokens[i] in _TYPE_WORDS:
            i += 1
        if i < len(tokens) and tokens[i] == "(":
            while i < len(tokens) and tokens[i] != ")":
                i += 1
            i += 1
        while i + 1 < len(tokens) and tokens[i] == "[" and tokens[i + 1] == "]":
            i += 2
        if out and out[-1].startswith("'") and _NUMBER.fullmatch(out[-1][1:-1]):
            number = out.pop()[1:-1]
            if number[0] in "+-":
                out.append(number[0])
            out.append(number.lstrip("+-"))
    return out


def _matching(tokens: list[str], start: int) -> int:
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i] == "(":
            depth += 1
        elif tokens[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _drop_parens(tokens: list[str]) -> list[str]:
    """Parentheses around the whole expression or one operand, not a call's."""
    changed = True
    while changed:
        changed = False
        while tokens and tokens[0] == "(" and _matching(tokens, 0) == len(tokens) - 1:
            tokens = tokens[1:-1]
            changed = True
        for i in range(len(tokens) - 2):
            if tokens[i] == "(" and tokens[i + 2] == ")":
                before = tokens[i - 1] if i else ""
                if not (before[:1].isalpha() or before[:1] == "_"):
                    tokens = [*tokens[:i], tokens[i + 1], *tokens[i + 3 :]]
                    changed = True
                    break
    return tokens


@functools.lru_cache(maxsize=4096)
def canonical(text: str | None, *, backslashes: bool = False) -> str | None:
    """``text`` reduced to the form both sides share; None for no expression.

    ``backslashes``: string literals use backslash escapes (MySQL/MariaDB).
    A ``NULL`` default is no default.
    """
    if text is None:
        return None
    tokens = _drop_parens(_drop_casts(_tokens(text, backslashes)))
    if not tokens or tokens == ["null"]:
        return None
    return " ".join(tokens)


# -- SQLite: a table's column definitions from its CREATE TABLE text ---------

_CONSTRAINT_WORDS = frozenset({"constraint", "primary", "unique", "check", "foreign"})
#: a definition without these words has no default, collation, generation
#: or AUTOINCREMENT (a superset: "AS" also matches inside other words)
_FACT_WORDS = re.compile(r"DEFAULT|COLLATE|AS|AUTOINCREMENT", re.IGNORECASE)
_FIRST = re.compile(r'"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[^\s(]+')
_PLAIN: dict[str, object] = {
    "default": None,
    "collation": None,
    "generated": None,
    "autoincrement": False,
}


#: what ``_split_top`` must look at: quoted text (skipped whole) and ( ) ,
_SPECIAL = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[(),]""")


def _split_top(body: str) -> list[str]:
    """``body`` split at its top-level commas (not in parentheses or quotes)."""
    parts, depth, start = [], 0, 0
    for match in _SPECIAL.finditer(body):
        ch = match[0]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start : match.start()])
            start = match.end()
    parts.append(body[start:])
    return [p.strip() for p in parts if p.strip()]


def _groups(definition: str) -> list[str]:
    """Top-level tokens of a column definition, a parenthesised group as one."""
    out: list[str] = []
    depth, start = 0, 0
    for m in _TOKEN.finditer(definition):
        token = m[0]
        if m.lastgroup == "space":
            continue
        if token == "(":
            if not depth:
                start = m.start()
            depth += 1
        elif token == ")" and depth:
            depth -= 1
            if not depth:
                out.append(definition[start : m.end()])
        elif not depth:
            out.append(token)
    return out


def sqlite_columns(create_sql: str) -> dict[str, dict[str, object]]:
    """Each column's DEFAULT, COLLATE, GENERATED and AUTOINCREMENT, as written."""
    head = create_sql.find("(")
    tail = create_sql.rfind(")")
    columns: dict[str, dict[str, object]] = {}
    if head == -1 or tail <= head:
        return columns
    for part in _split_top(create_sql[head + 1 : tail]):
        if not _FACT_WORDS.search(part):  # a plain column: only its name is needed
            lead = _FIRST.match(part)
            if lead is None or lead[0].lower() in _CONSTRAINT_WORDS:
                continue
            name = lead[0][1:-1] if lead[0][:1] in '"`[' else lead[0]
            columns[name] = dict(_PLAIN)
            continue
        tokens = _groups(part)
        if not tokens or tokens[0].lower() in _CONSTRAINT_WORDS:
            continue
        first = tokens[0]
        name = first[1:-1] if first[:1] in '"`[' else first
        facts: dict[str, object] = {
            "default": None,
            "collation": None,
            "generated": None,
            "autoincrement": False,
        }
        upper = [t.upper() for t in tokens]
        for i, word in enumerate(upper):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if word == "DEFAULT" and nxt is not None and (i == 0 or upper[i - 1] != "SET"):
                # (``ON DELETE SET DEFAULT`` is a foreign key's action)
                value = nxt
                if nxt in "+-" and i + 2 < len(tokens):
                    value = nxt + tokens[i + 2]
                facts["default"] = value
            elif word == "COLLATE" and nxt is not None:
                facts["collation"] = nxt.strip('"`[]')
            elif word == "AS" and nxt is not None and nxt.startswith("("):
                stored = i + 2 < len(upper) and upper[i + 2] == "STORED"
                facts["generated"] = (nxt, stored)
            elif word == "AUTOINCREMENT":
                facts["autoincrement"] = True
        columns[name] = facts
    return columns
