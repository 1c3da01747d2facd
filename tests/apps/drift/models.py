"""A small app whose tables the drift tests rebuild and then damage with raw SQL."""

from __future__ import annotations

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.CharField(max_length=200, unique=True)

    class Meta:
        db_table = "drift_author"


class Book(models.Model):
    title = models.CharField(max_length=100, db_index=True)
    pages = models.IntegerField()
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    isbn = models.CharField(max_length=20, null=True)
    #: a plain column: the drift tests hang an extra index / unique / FK on it
    editor_ref = models.BigIntegerField(null=True)
    authors = models.ManyToManyField(Author, related_name="coauthored")

    class Meta:
        db_table = "drift_book"
        unique_together = [("title", "author")]
        indexes = [models.Index(fields=["pages", "title"], name="drift_book_pages_title")]


class Shelf(models.Model):
    """No other table refers to it: the drift tests drop it whole."""

    code = models.CharField(max_length=10)

    class Meta:
        db_table = "drift_shelf"
