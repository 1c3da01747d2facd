"""The state one comparison of one alias carries through alembic's comparators."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from django.db.backends.base.base import BaseDatabaseWrapper

if TYPE_CHECKING:
    from ..vendors.base import Vendor
    from .expected import ExpectedSchema


@dataclass
class CompareContext:
    alias: str
    connection: BaseDatabaseWrapper
    sa_conn: sa.Connection
    vendor: Vendor
    expected: ExpectedSchema | None = None
    notes: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def dialect(self) -> sa.Dialect:
        return self.sa_conn.dialect

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
