"""PostgreSQL: indexes also differ by access method and operator classes."""

from __future__ import annotations

from .base import Vendor


class PostgreSQLVendor(Vendor):
    name = "postgresql"
    # Django adds ``varchar_pattern_ops`` / ``text_pattern_ops`` ``_like``
    # indexes next to plain ones on the same column; only operator classes
    # tell them apart.
    index_method = True
