"""Sync's repair of the column kinds: a missing ``db_default`` or
auto-increment, and comments, restored with Django's schema editor.

Each is Django's own ``alter_field`` from the field as the database has it
(without the default, not auto-incrementing, another comment) to the model's
field, so the DDL is what a migration making that change would run.
"""

from __future__ import annotations

import copy
from typing import Any

from django.db import models

from ..comparison.kinds.defaults import ALWAYS
from ..report import Discrepancy

#: the kinds ``restore`` handles (what of them: ``restorable``)
RESTORED_KINDS = frozenset({"default_mismatch", "comment_mismatch"})

#: unlike any comment a model has: ``alter_field`` then sets the model's
_OTHER_COMMENT = "\0djmigrator: the database's comment"

#: the non-auto field class Django's ``alter_field`` turns into each auto one
_PLAIN = {
    "SmallAutoField": models.SmallIntegerField,
    "AutoField": models.IntegerField,
    "BigAutoField": models.BigIntegerField,
}


def _has_default(text: str | None) -> bool:
    return bool(text) and str(text).startswith("DEFAULT ")


def _has_auto(text: str | None, word: str) -> bool:
    return bool(text) and str(text).endswith(word)


def restorable(d: Discrepancy, auto_word: str) -> bool:
    """What the sync restores (SPEC "Sync" step 4): a comment, a missing
    ``db_default`` or auto-increment; another default is report only."""
    if d.kind == "comment_mismatch":
        return True
    if d.kind != "default_mismatch" or d.column is None:
        return False
    missing_default = _has_default(d.expected) and not _has_default(d.actual)
    # an identity the server generates ALWAYS is another auto-increment, not a
    # missing one: report only
    live_auto = _has_auto(d.actual, auto_word) or _has_auto(d.actual, ALWAYS)
    missing_auto = _has_auto(d.expected, auto_word) and not live_auto
    return missing_default or missing_auto


def _field(model: Any, column: str | None) -> Any:
    return next((f for f in model._meta.local_fields if f.column == column), None)


def _without_db_default(field: Any) -> Any:
    old = copy.copy(field)
    old.db_default = models.NOT_PROVIDED
    old.__dict__.pop("_db_default_expression", None)
    return old


def _not_auto(field: Any) -> Any:
    plain = _PLAIN.get(field.get_internal_type())
    if plain is None:
        return None
    old = plain(primary_key=field.primary_key, serialize=False, db_column=field.db_column)
    old.set_attributes_from_name(field.name)
    old.model = field.model
    return old


def restore(editor: Any, model: Any, d: Discrepancy, auto_word: str) -> str:
    """Restore ``d`` on ``model``'s table; a description of what was done, or ""."""
    if d.kind == "comment_mismatch":
        if d.column is None:
            editor.alter_db_table_comment(model, _OTHER_COMMENT, model._meta.db_table_comment)
            return f"set the comment of table {d.table}"
        field = _field(model, d.column)
        if field is None:
            return ""
        old = copy.copy(field)
        old.db_comment = _OTHER_COMMENT
        editor.alter_field(model, old, field)
        return f"set the comment of column {d.table}.{d.column}"
    field = _field(model, d.column)
    if field is None:
        return ""
    done = []
    if _has_auto(d.expected, auto_word) and not _has_auto(d.actual, auto_word):
        old = _not_auto(field)
        if old is not None:
            editor.alter_field(model, old, field)
            done.append("auto-increment")
    if _has_default(d.expected) and not _has_default(d.actual):
        editor.alter_field(model, _without_db_default(field), field)
        done.append("database default")
    if not done:
        return ""
    return f"restored the {' and '.join(done)} of column {d.table}.{d.column}"
