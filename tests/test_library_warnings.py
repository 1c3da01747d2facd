"""No SQLAlchemy or alembic warning reaches the user: each is dropped where
djmigrator reads the thing itself, or said in our words as a note."""

from __future__ import annotations

import uuid
import warnings

import pytest
from django.db import connections

import djmigrator
from djmigrator.libwarnings import note_for

from .conftest import kinds, qn, run_sql

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)


def test_a_migrated_database_raises_no_library_warning(alias: str) -> None:
    """The kitchen apps have expression indexes, which SQLAlchemy skips with a
    warning on SQLite; the comparison reads them itself and says nothing."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = djmigrator.compare(alias)
    assert kinds(report) == []
    assert [str(w.message) for w in caught] == []
    assert not any("schema reader" in n for n in report[alias].notes)


def test_an_unknown_type_is_a_note_in_our_words(alias: str) -> None:
    if connections[alias].vendor != "postgresql":
        pytest.skip("a column type SQLAlchemy does not know: a PostgreSQL composite type")
    suffix = uuid.uuid4().hex[:8]
    type_name, table = f"djm_pair_{suffix}", f"drift_odd_{suffix}"
    run_sql(
        alias,
        f"CREATE TYPE {type_name} AS (a integer, b integer)",
        f"CREATE TABLE {qn(alias, table)} (id integer PRIMARY KEY, p {type_name})",
    )
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = djmigrator.compare(alias, ["drift"])
        assert [str(w.message) for w in caught] == []
        assert kinds(report) == [("extra_table", table, ())]
        assert any(f"has type {type_name}" in n for n in report[alias].notes), report[alias].notes
    finally:
        run_sql(alias, f"DROP TABLE {qn(alias, table)}", f"DROP TYPE {type_name}")


def test_other_warnings_pass_through(alias: str) -> None:
    """Only the libraries' warnings are ours to translate."""
    from djmigrator.libwarnings import captured

    notes: list[str] = []
    with pytest.warns(UserWarning, match="the project's own"), captured(notes):
        warnings.warn("the project's own", UserWarning, stacklevel=1)
    assert notes == []


def test_translations() -> None:
    assert note_for("Skipped unsupported reflection of expression-based index foo_idx") is None
    assert note_for("Did not recognize type 'ltree' of column 'path'") == (
        "column path has type ltree, which SQLAlchemy cannot read: "
        "that column's type is not compared"
    )
    assert note_for("something new") == "the schema reader warned: something new"
