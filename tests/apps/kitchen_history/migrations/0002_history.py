"""Renames and alterations, written as a developer's makemigrations would."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("kitchen_history", "0001_initial")]

    operations = [
        migrations.RenameModel("HTag", "HLabel"),
        migrations.AlterField(
            "hlabel", "id", models.BigAutoField(primary_key=True, serialize=False)
        ),
        migrations.AlterField("hlabel", "label", models.CharField(max_length=20, unique=True)),
        migrations.RenameField("hauthor", "nick", "handle"),
        migrations.AlterField("hauthor", "name", models.CharField(max_length=120)),
        migrations.AlterField(
            "hauthor", "email", models.CharField(max_length=100, db_index=True)
        ),
        migrations.AlterField("hauthor", "age", models.BigIntegerField(null=True)),
        migrations.RemoveField("hauthor", "bio"),
        migrations.AlterField("hauthor", "score", models.IntegerField(default=0)),
        migrations.AlterField("hauthor", "summary", models.TextField(default="")),
        migrations.AddField(
            "hauthor", "motto", models.CharField(max_length=30, unique=True, null=True)
        ),
        migrations.AddField(
            "hauthor", "joined", models.DateTimeField(null=True, db_comment="when")
        ),
        migrations.RenameField("hbook", "author", "writer"),
        migrations.AlterField(
            "hbook",
            "writer",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to="kitchen_history.hauthor",
            ),
        ),
        migrations.AlterField("hbook", "title", models.CharField(max_length=150)),
        migrations.AlterField(
            "hbook",
            "by_code",
            models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="kitchen_history.hauthor",
                to_field="code",
            ),
        ),
        migrations.AlterField("hbook", "pages", models.PositiveIntegerField()),
        migrations.AlterField("hbook", "isbn", models.CharField(max_length=13, unique=True)),
        migrations.AlterField("hbook", "slug", models.SlugField(max_length=60)),
        migrations.RenameField("hbook", "tags", "labels"),
        migrations.AddField("hbook", "published", models.DateField(null=True, db_index=True)),
        migrations.AlterModelTable("hbook", "kitchen_history_books"),
        migrations.RenameIndex(
            "hbook", new_name="khist_pages_renamed", old_name="khist_pages_idx"
        ),
        migrations.AddIndex(
            "hbook", models.Index(fields=["published", "-pages"], name="khist_pub_pages")
        ),
        migrations.AddConstraint(
            "hbook", models.UniqueConstraint(fields=["isbn", "pages"], name="khist_isbn_pages")
        ),
    ]
