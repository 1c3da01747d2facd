# ruff: noqa: E501  (the migrations below are written as makemigrations writes them)
"""Every schema operation Django has, in one migration, each twice: once with
its effect already in the database (done by hand, "P") and once without ("A").

The sync applies only the absent operations, records the migration, keeps every
row (a renamed column keeps its values), and Django finds nothing left to do.
The "by hand" half runs Django's own DDL for those operations (apply_ops.py), so
the schema is exactly what each vendor gets from ``migrate``.
"""

from __future__ import annotations

import django

from .synctools import AUTO_ID, Project, dropped_databases_fixture, project_fixture  # noqa: F401

#: Person's auxiliary integer columns, one per operation that needs a column.
AUX = [
    "ix_p",
    "ix_a",
    "rmix_p",
    "rmix_a",
    "rnix_p",
    "rnix_a",
    "uq_p",
    "uq_a",
    "ck_p",
    "ck_a",
    "rmuq_p",
    "rmuq_a",
    "rmck_p",
    "rmck_a",
]

INITIAL = f"""
from django.db import migrations, models


def small():
    return [{AUTO_ID}, ("x", models.IntegerField())]


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(name="GoneP", fields=small()),
        migrations.CreateModel(name="GoneA", fields=small()),
        migrations.CreateModel(name="OldP", fields=small()),
        migrations.CreateModel(name="OldA", fields=small()),
        migrations.CreateModel(name="TabP", fields=small()),
        migrations.CreateModel(name="TabA", fields=small()),
        migrations.CreateModel(
            name="UtP", fields=[{AUTO_ID}, ("a", models.IntegerField()), ("b", models.IntegerField())]
        ),
        migrations.CreateModel(
            name="UtA", fields=[{AUTO_ID}, ("a", models.IntegerField()), ("b", models.IntegerField())]
        ),
        migrations.CreateModel(
            name="Person",
            fields=[
                {AUTO_ID},
                ("name", models.CharField(max_length=20)),
                ("rm_p", models.IntegerField(null=True)),
                ("rm_a", models.IntegerField(null=True)),
                ("alt_p", models.CharField(max_length=20)),
                ("alt_a", models.CharField(max_length=20)),
                ("old_p", models.CharField(max_length=20)),
                ("old_a", models.CharField(max_length=20)),
                {", ".join(f'("{c}", models.IntegerField(null=True))' for c in AUX)},
            ],
            options={{
                "indexes": [
                    models.Index(fields=["rmix_p"], name="ops_rmix_p"),
                    models.Index(fields=["rmix_a"], name="ops_rmix_a"),
                    models.Index(fields=["rnix_p"], name="ops_rnix_p_old"),
                    models.Index(fields=["rnix_a"], name="ops_rnix_a_old"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=["rmuq_p"], name="ops_rmuq_p"),
                    models.UniqueConstraint(fields=["rmuq_a"], name="ops_rmuq_a"),
                    models.CheckConstraint(condition=models.Q(rmck_p__gte=0), name="ops_rmck_p"),
                    models.CheckConstraint(condition=models.Q(rmck_a__gte=0), name="ops_rmck_a"),
                ],
            }},
        ),
    ]
"""


def _ops(s: str) -> str:
    """The 16 operations, for suffix ``s`` ("p" or "a")."""
    S = s.upper()
    return f"""
        migrations.CreateModel(name="New{S}", fields=small()),
        migrations.DeleteModel(name="Gone{S}"),
        migrations.RenameModel(old_name="Old{S}", new_name="Ren{S}"),
        migrations.AlterModelTable(name="tab{s}", table="ops_tab{s}_moved"),
        migrations.AddField(model_name="person", name="add_{s}", field=models.IntegerField(null=True)),
        migrations.RemoveField(model_name="person", name="rm_{s}"),
        migrations.AlterField(model_name="person", name="alt_{s}", field=models.CharField(max_length=40)),
        migrations.RenameField(model_name="person", old_name="old_{s}", new_name="new_{s}"),
        migrations.AddIndex(model_name="person", index=models.Index(fields=["ix_{s}"], name="ops_ix_{s}")),
        migrations.RemoveIndex(model_name="person", name="ops_rmix_{s}"),
        migrations.RenameIndex(model_name="person", new_name="ops_rnix_{s}_new", old_name="ops_rnix_{s}_old"),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.UniqueConstraint(fields=["uq_{s}"], name="ops_uq_{s}"),
        ),
        migrations.AddConstraint(
            model_name="person",
            constraint=models.CheckConstraint(condition=models.Q(ck_{s}__gte=0), name="ops_ck_{s}"),
        ),
        migrations.RemoveConstraint(model_name="person", name="ops_rmuq_{s}"),
        migrations.RemoveConstraint(model_name="person", name="ops_rmck_{s}"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AddField(model_name="person", name="sep_{s}", field=models.IntegerField(null=True)),
            ],
            state_operations=[
                migrations.AddField(model_name="person", name="sep_{s}", field=models.IntegerField(null=True)),
            ],
        ),
        migrations.AlterUniqueTogether(name="ut{s}", unique_together={{("a", "b")}}),
"""


OPS_PER_SIDE = 17

#: The "present" operations come first: Django's SQLite backend rebuilds a table
#: from the migration state, which must match the table when apply_ops runs.
SECOND = f"""
from django.db import migrations, models


def small():
    return [{AUTO_ID}, ("x", models.IntegerField())]


class Migration(migrations.Migration):
    dependencies = [("ops", "0001_initial")]
    operations = [{_ops("p")}{_ops("a")}    ]
"""

MODELS = f"""
class Small(models.Model):
    x = models.IntegerField()

    class Meta:
        abstract = True


class NewP(Small):
    pass


class NewA(Small):
    pass


class RenP(Small):
    pass


class RenA(Small):
    pass


class TabP(Small):
    class Meta:
        db_table = "ops_tabp_moved"


class TabA(Small):
    class Meta:
        db_table = "ops_taba_moved"


class UtP(models.Model):
    a = models.IntegerField()
    b = models.IntegerField()

    class Meta:
        unique_together = [("a", "b")]


class UtA(models.Model):
    a = models.IntegerField()
    b = models.IntegerField()

    class Meta:
        unique_together = [("a", "b")]


class Person(models.Model):
    name = models.CharField(max_length=20)
    alt_p = models.CharField(max_length=40)
    alt_a = models.CharField(max_length=40)
    new_p = models.CharField(max_length=20)
    new_a = models.CharField(max_length=20)
{"".join(f"    {c} = models.IntegerField(null=True){chr(10)}" for c in AUX)}
    add_p = models.IntegerField(null=True)
    add_a = models.IntegerField(null=True)
    sep_p = models.IntegerField(null=True)
    sep_a = models.IntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["ix_p"], name="ops_ix_p"),
            models.Index(fields=["ix_a"], name="ops_ix_a"),
            models.Index(fields=["rnix_p"], name="ops_rnix_p_new"),
            models.Index(fields=["rnix_a"], name="ops_rnix_a_new"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["uq_p"], name="ops_uq_p"),
            models.UniqueConstraint(fields=["uq_a"], name="ops_uq_a"),
            models.CheckConstraint(condition=models.Q(ck_p__gte=0), name="ops_ck_p"),
            models.CheckConstraint(condition=models.Q(ck_a__gte=0), name="ops_ck_a"),
        ]
"""

# CheckConstraint took ``check=`` before Django 5.1 (``condition=`` since).
_CHECK_KW = "condition" if django.VERSION >= (5, 1) else "check"
INITIAL, SECOND, MODELS = (
    text.replace("CheckConstraint(condition=", f"CheckConstraint({_CHECK_KW}=")
    for text in (INITIAL, SECOND, MODELS)
)

PERSON_COLUMNS = ["name", "rm_p", "rm_a", "alt_p", "alt_a", "old_p", "old_a", *AUX]


def _person_row(i: int) -> tuple[object, ...]:
    return (f"n{i}", i, i, f"alt_p{i}", f"alt_a{i}", f"old_p{i}", f"old_a{i}", *[i] * len(AUX))


def _seed(project: Project) -> None:
    statements = []
    for table in ("gonep", "gonea", "oldp", "olda", "tabp", "taba"):
        statements.append(f"INSERT INTO ops_{table} (id, x) VALUES (1, 11), (2, 22)")
    for table in ("utp", "uta"):
        statements.append(f"INSERT INTO ops_{table} (id, a, b) VALUES (1, 1, 1), (2, 1, 2)")
    for i in (1, 2, 3):
        values = ", ".join(repr(v) for v in _person_row(i))
        statements.append(
            f"INSERT INTO ops_person (id, {', '.join(PERSON_COLUMNS)}) VALUES ({i}, {values})"
        )
    project.execute(*statements)


def test_every_operation_present_or_absent(project: Project) -> None:
    project.app("ops", MODELS, {"0001_initial": INITIAL, "0002_everything": SECOND})
    project.migrate("ops", "0001")
    _seed(project)
    project.apply_ops("ops", "0002_everything", range(OPS_PER_SIDE))  # the "P" half, by hand
    files = project.file_hashes()

    result = project.sync()

    assert result.code == 0, str(result)
    assert result.report["in_sync"] is True, result.report["discrepancies"]
    assert result.actions == [("apply", "ops", "0002_everything")]
    detail = result.report["actions"][0]["detail"]
    assert f"{OPS_PER_SIDE} of {2 * OPS_PER_SIDE} operations applied" in detail, detail
    assert project.history("ops") == [("ops", "0001_initial"), ("ops", "0002_everything")]
    assert project.file_hashes() == files

    tables = project.tables()
    assert {
        "ops_newp",
        "ops_newa",
        "ops_renp",
        "ops_rena",
        "ops_tabp_moved",
        "ops_taba_moved",
    } <= tables
    assert not {"ops_gonep", "ops_gonea", "ops_oldp", "ops_olda", "ops_tabp", "ops_taba"} & tables
    for table in ("ops_renp", "ops_rena", "ops_tabp_moved", "ops_taba_moved"):
        assert project.rows(f"SELECT id, x FROM {table} ORDER BY id") == [(1, 11), (2, 22)], table
    for table in ("ops_utp", "ops_uta"):
        assert project.rows(f"SELECT id, a, b FROM {table} ORDER BY id") == [(1, 1, 1), (2, 1, 2)]
    person = project.schema_of("ops_person")
    columns = [c[0] for c in person["columns"]]
    assert not {"rm_p", "rm_a", "old_p", "old_a"} & set(columns)
    assert {"add_p", "add_a", "sep_p", "sep_a", "new_p", "new_a"} <= set(columns)
    index_names = {name for name, _, _ in person["indexes"]}
    assert {"ops_ix_p", "ops_ix_a", "ops_rnix_p_new", "ops_rnix_a_new"} <= index_names
    assert not {"ops_rmix_p", "ops_rmix_a", "ops_rnix_p_old", "ops_rnix_a_old"} & index_names
    assert set(person["checks"]) == {"ops_ck_p", "ops_ck_a"}
    uniques = {cols for _, cols in person["uniques"]} | {c for _, c, u in person["indexes"] if u}
    assert uniques == {("uq_p",), ("uq_a",)}
    got = project.rows(
        "SELECT id, name, alt_p, alt_a, new_p, new_a, ix_p, ck_a, add_p, sep_a "
        "FROM ops_person ORDER BY id"
    )
    assert got == [
        (i, f"n{i}", f"alt_p{i}", f"alt_a{i}", f"old_p{i}", f"old_a{i}", i, i, None, None)
        for i in (1, 2, 3)
    ]
    project.assert_django_clean()
