"""The models' side of the column kinds: what Django's schema editor writes."""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field


def _inline(editor: Any, sql: str, params: Any) -> str:
    """Django's ``(sql, params)`` as one SQL text, values quoted as it quotes them."""
    if not params:
        return str(sql)
    quoted = [editor.quote_value(p) for p in params]
    # MySQLdb quotes a value that is not a string to bytes
    return str(sql) % tuple(q.decode() if isinstance(q, bytes) else q for q in quoted)


def column_facts(
    editor: Any, connection: BaseDatabaseWrapper, fld: Field[Any, Any], type_text: str
) -> dict[str, Any]:
    """What a column carries besides its type: Django's ``db_default`` (SQL
    text), auto-increment, and a ``GeneratedField``'s expression and storage."""
    default = None
    has_db_default = getattr(fld, "has_db_default", None)
    if has_db_default is not None and has_db_default():
        try:
            default = _inline(editor, *editor.db_default_sql(fld))
        except Exception:  # an expression the vendor cannot render: not compared
            default = None
    suffix = fld.db_type_suffix(connection) if hasattr(fld, "db_type_suffix") else None
    auto = bool(suffix) or "AUTO_INCREMENT" in type_text.upper()
    generated = None
    if getattr(fld, "generated", False):
        try:
            text = _inline(editor, *fld.generated_sql(connection))  # type: ignore[attr-defined]
        except Exception:
            text = None
        if text is not None:
            generated = (text, bool(getattr(fld, "db_persist", False)))
    return {"db_default": default, "autoincrement": auto, "generated": generated}
