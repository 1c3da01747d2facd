"""djmigrator: tells exactly how the database differs from the Django models,
and brings it back in line without losing a row."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "compare", "sync"]


def compare(*args: Any, **kwargs: Any) -> Any:
    """See :func:`djmigrator.api.compare`."""
    from .api import compare as _compare

    return _compare(*args, **kwargs)


def sync(*args: Any, **kwargs: Any) -> Any:
    """See :func:`djmigrator.synchronization.sync.sync`."""
    from .api import sync as _sync

    return _sync(*args, **kwargs)
