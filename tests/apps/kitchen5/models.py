"""Django 5-only schema features: db_default, GeneratedField, CompositePrimaryKey
(5.2), UniqueConstraint(nulls_distinct=).  Installed only on Django >= 5.2.

Where Django cannot create a variant on a vendor:

* virtual (not stored) generated columns: not on PostgreSQL (before 18);
  ``VirtualGenerated`` requires ``supports_virtual_generated_columns``;
* ``nulls_distinct``: PostgreSQL 15+ only; Django skips the constraint elsewhere.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Lower, Now, Upper


class Defaults(models.Model):
    number = models.IntegerField(db_default=42)
    text = models.CharField(max_length=10, db_default="x")
    quoted = models.CharField(max_length=20, db_default="it's")
    flag = models.BooleanField(db_default=True)
    created = models.DateTimeField(db_default=Now())
    amount = models.DecimalField(max_digits=6, decimal_places=2, db_default=Decimal("1.50"))
    long_text = models.TextField(db_default="long")
    both = models.IntegerField(default=1, db_default=2)
    nullable = models.IntegerField(null=True, db_default=None)
    lowered = models.CharField(max_length=10, db_default=Lower(Value("ABC")))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["text", "number"], name="kitchen5_text_num_uniq"),
        ]


class NullsNotDistinct(models.Model):
    """Not on ``Defaults``: on MySQL/MariaDB a table with a db_default (a
    parametrised DEFAULT) defers ``constraint.create_sql()``, which is None for
    a constraint the vendor cannot create, and ``migrate`` executes "None"
    (Django 5.2 ``BaseDatabaseSchemaEditor.table_sql``)."""

    maybe = models.CharField(max_length=10, null=True)

    class Meta:
        constraints = [
            # PostgreSQL 15+ only; skipped elsewhere
            models.UniqueConstraint(
                fields=["maybe"], nulls_distinct=False, name="kitchen5_maybe_nd_uniq"
            ),
        ]


class StoredGenerated(models.Model):
    a = models.IntegerField()
    b = models.IntegerField()
    name = models.CharField(max_length=30)
    total = models.GeneratedField(
        expression=F("a") + F("b"), output_field=models.IntegerField(), db_persist=True
    )
    upper_name = models.GeneratedField(
        expression=Upper("name"),
        output_field=models.CharField(max_length=30),
        db_persist=True,
        db_index=True,
    )

    class Meta:
        required_db_features = {"supports_stored_generated_columns"}


class VirtualGenerated(models.Model):
    a = models.IntegerField()
    doubled = models.GeneratedField(
        expression=F("a") * 2, output_field=models.BigIntegerField(), db_persist=False
    )

    class Meta:
        required_db_features = {"supports_virtual_generated_columns"}


class Order(models.Model):
    number = models.IntegerField(unique=True)


class OrderLine(models.Model):
    pk = models.CompositePrimaryKey("order_id", "line")
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    line = models.PositiveSmallIntegerField()
    qty = models.IntegerField(db_default=1)


class TenantCode(models.Model):
    pk = models.CompositePrimaryKey("tenant", "code")
    tenant = models.CharField(max_length=10)
    code = models.CharField(max_length=20)
    label = models.CharField(max_length=30, unique=True)

    class Meta:
        indexes = [models.Index(fields=["code"], name="kitchen5_tenant_code_idx")]


class LineNote(models.Model):
    """A ForeignObject (no column of its own) to a composite primary key."""

    order_ref = models.BigIntegerField()
    line_no = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=20)
    order_line = models.ForeignObject(
        OrderLine,
        on_delete=models.CASCADE,
        from_fields=["order_ref", "line_no"],
        to_fields=["order", "line"],
        related_name="notes",
    )
