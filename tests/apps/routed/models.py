"""An app that the multi-database tests route to one alias only (tests/routers.py)."""

from __future__ import annotations

from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=30, unique=True)

    class Meta:
        db_table = "routed_tag"


class Account(models.Model):
    code = models.CharField(max_length=20, unique=True)
    opened = models.DateField()

    class Meta:
        db_table = "routed_account"


class Entry(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    memo = models.CharField(max_length=200, blank=True, default="")
    booked = models.DateTimeField(db_index=True)
    tags = models.ManyToManyField(Tag, blank=True)

    class Meta:
        db_table = "routed_entry"
        indexes = [models.Index(fields=["account", "booked"], name="routed_entry_acct_booked")]
