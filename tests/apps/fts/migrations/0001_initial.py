import django.db.models.deletion
from django.db import migrations, models

#: what wagtail's search migration runs on SQLite (FTS5 keeps rowid hidden)
CREATE_FTS = "CREATE VIRTUAL TABLE fts_entry_fts USING fts5(autocomplete, body, title)"


def create_search_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(CREATE_FTS)
    else:
        schema_editor.create_model(apps.get_model("fts", "EntryFTS"))


def drop_search_table(apps, schema_editor):
    schema_editor.delete_model(apps.get_model("fts", "EntryFTS"))


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=100)),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EntryFTS",
                    fields=[
                        (
                            "entry",
                            models.OneToOneField(
                                db_column="rowid",
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                serialize=False,
                                to="fts.entry",
                            ),
                        ),
                        ("autocomplete", models.TextField(null=True)),
                        ("title", models.TextField()),
                        ("body", models.TextField(null=True)),
                    ],
                    options={"db_table": "fts_entry_fts"},
                ),
            ],
            database_operations=[],
        ),
        # after the state has the model: the table, virtual on SQLite
        migrations.RunPython(create_search_table, drop_search_table, atomic=False),
    ]
