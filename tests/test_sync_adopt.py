"""Adoption: a legacy database (tables, rows, no migrations, no history) is
taken over: 0001 is written and faked, and Django finds nothing left to do."""

from __future__ import annotations

from .synctools import Project, dropped_databases_fixture, project_fixture  # noqa: F401

MODELS = """
class Customer(models.Model):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=200, unique=True)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    total = models.IntegerField()
    note = models.CharField(max_length=200, null=True)

    class Meta:
        indexes = [models.Index(fields=["total", "note"], name="shop_order_total_note")]
"""

LEGACY = [
    """CREATE TABLE shop_customer (
        id {pk},
        name varchar(100) NOT NULL,
        email varchar(200) NOT NULL UNIQUE
    )""",
    """CREATE TABLE shop_order (
        id {pk},
        customer_id bigint NOT NULL REFERENCES shop_customer (id) {deferred},
        total integer NOT NULL,
        note varchar(200) NULL
    )""",
    "CREATE INDEX shop_order_customer_legacy ON shop_order (customer_id)",
    "CREATE INDEX shop_order_total_note ON shop_order (total, note)",
    "INSERT INTO shop_customer (id, name, email) VALUES (1, 'Ada', 'ada@x'), (2, 'Bob', 'bob@x')",
    "INSERT INTO shop_order (id, customer_id, total, note) VALUES (1, 1, 10, 'first'), "
    "(2, 2, 20, NULL), (3, 1, 30, 'third')",
]


def test_adopt_legacy_database(project: Project) -> None:
    project.app("shop", MODELS)
    project.execute(*(project.ddl(sql) for sql in LEGACY))
    customers = project.rows("SELECT id, name, email FROM shop_customer ORDER BY id")
    orders = project.rows("SELECT id, customer_id, total, note FROM shop_order ORDER BY id")

    result = project.sync()

    assert result.code == 0, str(result)
    report = result.report
    assert report["in_sync"] is True, report["discrepancies"]
    expected = [("makemigrations", "shop", "0001_initial"), ("fake", "shop", "0001_initial")]
    if project.vendor == "postgresql":
        # Django adds a varchar_pattern_ops index beside a unique varchar; the
        # legacy schema lacks it, and the repair step adds it.
        expected.append(("repair", "shop", None))
    assert result.actions == expected
    if project.vendor == "postgresql":
        assert ("email",) in project.index_columns("shop_customer")
    assert project.migration_files("shop") == ["0001_initial"]
    assert project.history("shop") == [("shop", "0001_initial")]
    assert project.rows("SELECT id, name, email FROM shop_customer ORDER BY id") == customers
    assert project.rows("SELECT id, customer_id, total, note FROM shop_order ORDER BY id") == orders
    project.assert_django_clean()

    again = project.sync()
    assert again.code == 0, str(again)
    assert again.actions == []


def test_adopt_a_database_that_lost_its_history(project: Project) -> None:
    """Every table there, django_migrations gone: every migration is faked.

    contenttypes' 0002 holds a RunPython whose forwards is ``RunPython.noop``
    (it only runs backwards): no code of it would run, so its schema changes
    being present decide it like any other migration's."""
    project.use_auth()
    project.app("shop", MODELS)
    first = project.sync()
    assert first.code == 0, str(first)
    history = project.history()
    schema = project.schema()
    project.execute("DROP TABLE django_migrations")

    result = project.sync()

    assert result.code == 0, str(result)
    assert result.report["in_sync"] is True, result.report["discrepancies"]
    # what made a table, column or index is faked; auth's migrations that
    # change nothing in the schema (options, validators, permissions) are
    # applied, as migrate would
    assert ("fake", "contenttypes", "0001_initial") in result.actions
    assert ("fake", "contenttypes", "0002_remove_content_type_name") in result.actions
    assert ("fake", "auth", "0001_initial") in result.actions
    assert ("fake", "shop", "0001_initial") in result.actions
    assert {(verb, app) for verb, app, _ in result.actions} <= {
        ("fake", "contenttypes"),
        ("fake", "auth"),
        ("apply", "auth"),
        ("fake", "shop"),
    }, result.actions
    assert project.history() == history
    assert project.schema() == schema
    project.assert_django_clean()
