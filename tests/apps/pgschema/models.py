"""A model in another PostgreSQL schema (``db_table = '"schema"."table"'``)."""

from __future__ import annotations

from django.db import models


class Widget(models.Model):
    name = models.CharField(max_length=40, db_index=True)
    size = models.IntegerField(null=True)

    class Meta:
        db_table = '"djm_pgschema"."pgschema_widget"'
        required_db_vendor = "postgresql"


class Gadget(models.Model):
    """In the alias's own schema, pointing into the other one."""

    widget = models.ForeignKey(Widget, on_delete=models.CASCADE)
    label = models.CharField(max_length=20)

    class Meta:
        required_db_vendor = "postgresql"
