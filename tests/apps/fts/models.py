"""A search table kept as an SQLite FTS5 virtual table, as wagtail keeps its
``wagtailsearch_indexentry_fts``: the migration creates it with SQL on SQLite
(and as an ordinary table elsewhere), and the model maps onto it."""

from django.db import models


class Entry(models.Model):
    title = models.CharField(max_length=100)


class EntryFTS(models.Model):
    entry = models.OneToOneField(
        Entry, primary_key=True, on_delete=models.CASCADE, db_column="rowid"
    )
    autocomplete = models.TextField(null=True)
    title = models.TextField()
    body = models.TextField(null=True)

    class Meta:
        db_table = "fts_entry_fts"
