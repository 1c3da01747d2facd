"""Checks, index definitions, foreign keys and keys that the issue-13 tests
damage with raw SQL (``tests/test_diff_checks.py``, ``test_index_mismatch.py``,
``test_foreign_key_mismatch.py``, ``test_primary_keys.py``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

#: Django 6.1's database-level ON DELETE; CASCADE (done by Django) before it
DB_CASCADE = getattr(models, "DB_CASCADE", models.CASCADE)


class Gadget(models.Model):
    name = models.CharField(max_length=40)
    qty = models.PositiveIntegerField()
    price = models.IntegerField()
    data = models.JSONField(null=True)

    class Meta:
        db_table = "objects13_gadget"
        constraints = [
            models.CheckConstraint(
                condition=Q(price__gte=0) & Q(qty__lte=1000), name="objects13_price_qty"
            ),
            # PostgreSQL stores it as NOT ((name)::text = ''::text): only the
            # server's own print of both sides tells they are the same
            models.CheckConstraint(condition=~Q(name=""), name="objects13_name_not_empty"),
            models.UniqueConstraint(fields=["name", "price"], name="objects13_name_price_uniq"),
        ]
        indexes = [
            models.Index(fields=["-name"], name="objects13_name_desc"),
            models.Index(fields=["price", "qty"], name="objects13_price_qty_idx"),
            models.Index(Lower("name"), name="objects13_lower_name"),
            models.Index(Lower("name").desc(), "price", name="objects13_lower_name_desc"),
            models.Index(fields=["qty"], condition=Q(price__gt=0), name="objects13_qty_partial"),
        ]


class Part(models.Model):
    gadget = models.ForeignKey(Gadget, on_delete=models.CASCADE)
    serial = models.CharField(max_length=20)

    class Meta:
        db_table = "objects13_part"


class Spare(models.Model):
    """ON DELETE CASCADE in the database on Django 6.1 (``DB_CASCADE``)."""

    gadget = models.ForeignKey(Gadget, on_delete=DB_CASCADE, null=True, related_name="+")

    class Meta:
        db_table = "objects13_spare"
