"""Foreign keys: target table and columns, ``ON DELETE`` (Django 6.1's
``DB_CASCADE`` / ``DB_SET_NULL`` / ``DB_SET_DEFAULT``) and deferrability, as
signatures (``sig``)."""

from __future__ import annotations

import sqlalchemy as sa

from .sig import FOREIGN_KEY, Sig


def fk_sig(fk: sa.ForeignKeyConstraint) -> Sig:
    ref_table, ref_cols = "", []
    for element in fk.elements:
        table, _, column = element.target_fullname.rpartition(".")
        ref_table = table.rpartition(".")[2]
        ref_cols.append(column)
    info = fk.info or {}
    if "on_delete" in info:  # the models' side
        on_delete, deferrable = info["on_delete"], info["deferrable"]
    else:
        on_delete = (fk.ondelete or "").upper() or None
        deferrable = None
        if fk.deferrable:
            deferrable = "DEFERRABLE"
            if (fk.initially or "").upper() == "DEFERRED":
                deferrable += " INITIALLY DEFERRED"
    if on_delete == "NO ACTION":  # the default, printed or not
        on_delete = None
    return Sig(
        FOREIGN_KEY,
        tuple(fk.column_keys),
        (ref_table, tuple(ref_cols), on_delete, deferrable),
        name=str(fk.name) if fk.name else None,
        field=info.get("field"),
        sql=info.get("django_sql", ""),
    )
