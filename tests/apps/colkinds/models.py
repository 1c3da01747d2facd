"""The column kinds' drift tests (defaults, comments, generated columns,
collations): tables they rebuild and then change with raw SQL.  Django 5.2+."""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.db.models.functions import Now


class Priced(models.Model):
    number = models.IntegerField(db_default=42)
    created = models.DateTimeField(db_default=Now())
    label = models.CharField(max_length=20, db_default="x", db_comment="the label")
    #: Python-side default only: no database default
    plain = models.IntegerField(default=5)
    code = models.CharField(max_length=20)

    class Meta:
        db_table = "colkinds_priced"
        db_table_comment = "priced things"


class Summed(models.Model):
    a = models.IntegerField()
    b = models.IntegerField()
    total = models.GeneratedField(
        expression=F("a") + F("b"), output_field=models.IntegerField(), db_persist=True
    )

    class Meta:
        db_table = "colkinds_summed"
        required_db_features = {"supports_stored_generated_columns"}
