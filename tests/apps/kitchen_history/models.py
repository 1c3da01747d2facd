"""Models whose tables are the product of a migration history with renames and
alterations (``migrations/0002_history.py``), not of one CreateModel each:
hashed index names from before a rename, SQLite's table remakes, PostgreSQL's
``_like`` indexes recreated by AlterField, a renamed model's M2M table.
"""

from __future__ import annotations

from django.db import models


class HAuthor(models.Model):
    name = models.CharField(max_length=120)  # was 50
    email = models.CharField(max_length=100, db_index=True)  # was unique
    age = models.BigIntegerField(null=True)  # was IntegerField NOT NULL
    handle = models.CharField(max_length=20, db_index=True)  # renamed from nick
    code = models.CharField(max_length=10, unique=True)  # an FK's to_field
    score = models.IntegerField(default=0)  # was null=True
    summary = models.TextField(default="")  # was CharField
    motto = models.CharField(max_length=30, unique=True, null=True)  # added
    joined = models.DateTimeField(null=True, db_comment="when")  # added


class HLabel(models.Model):
    """Renamed from HTag; its AutoField became a BigAutoField."""

    id = models.BigAutoField(primary_key=True)
    label = models.CharField(max_length=20, unique=True)  # unique added


class HBook(models.Model):
    title = models.CharField(max_length=150)  # was 100, in unique_together
    writer = models.ForeignKey(HAuthor, null=True, on_delete=models.SET_NULL)  # was author
    by_code = models.ForeignKey(
        HAuthor,
        to_field="code",
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # was indexed
    )
    pages = models.PositiveIntegerField()  # was SmallIntegerField
    isbn = models.CharField(max_length=13, unique=True)  # unique added
    slug = models.SlugField(max_length=60)  # was 40
    labels = models.ManyToManyField(HLabel)  # was tags, to HTag
    published = models.DateField(null=True, db_index=True)  # added

    class Meta:
        db_table = "kitchen_history_books"  # was kitchen_history_hbook
        unique_together = [("title", "writer")]
        indexes = [
            models.Index(fields=["pages"], name="khist_pages_renamed"),  # RenameIndex
            models.Index(fields=["published", "-pages"], name="khist_pub_pages"),
        ]
        constraints = [models.UniqueConstraint(fields=["isbn", "pages"], name="khist_isbn_pages")]
