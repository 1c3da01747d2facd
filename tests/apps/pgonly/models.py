"""PostgreSQL-only fields, indexes and constraints (django.contrib.postgres).

Installed when PostgreSQL is under test; every model requires the
``postgresql`` vendor, so ``migrate`` (and djmigrator) skip them elsewhere.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateRangeField,
    DateTimeRangeField,
    DecimalRangeField,
    HStoreField,
    IntegerRangeField,
    RangeOperators,
)
from django.contrib.postgres.indexes import (
    BloomIndex,
    BrinIndex,
    BTreeIndex,
    GinIndex,
    GistIndex,
    HashIndex,
    OpClass,
    SpGistIndex,
)
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower, Upper


class PgFields(models.Model):
    tags = ArrayField(models.CharField(max_length=10), default=list)
    numbers = ArrayField(models.IntegerField(), size=3, null=True)
    matrix = ArrayField(ArrayField(models.IntegerField()), null=True)
    indexed_array = ArrayField(models.CharField(max_length=5), null=True, db_index=True)
    attrs = HStoreField(null=True)
    ints = IntegerRangeField(null=True)
    bigints = BigIntegerRangeField(null=True)
    decimals = DecimalRangeField(null=True)
    dates = DateRangeField(null=True)
    during = DateTimeRangeField(null=True)
    search = SearchVectorField(null=True)
    name = models.CharField(max_length=40)
    title = models.CharField(max_length=40, db_collation="C")
    ci_name = models.CharField(
        max_length=40, db_collation="djm_case_insensitive", db_index=True, null=True
    )
    ci_unique = models.TextField(db_collation="djm_case_insensitive", unique=True, null=True)
    room = models.IntegerField(default=0)
    created = models.DateTimeField(null=True)
    body = models.TextField(default="")

    class Meta:
        required_db_vendor = "postgresql"
        indexes = [
            GinIndex(fields=["tags"], name="pgonly_tags_gin"),
            GinIndex(fields=["attrs"], name="pgonly_attrs_gin"),
            GinIndex(fields=["search"], name="pgonly_search_gin", fastupdate=False),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="pgonly_name_trgm"),
            GistIndex(fields=["during"], name="pgonly_during_gist"),
            BrinIndex(fields=["created"], name="pgonly_created_brin", pages_per_range=16),
            HashIndex(fields=["room"], name="pgonly_room_hash"),
            BTreeIndex(fields=["name"], name="pgonly_name_btree", fillfactor=70),
            SpGistIndex(fields=["ints"], name="pgonly_ints_spgist"),
            BloomIndex(fields=["room"], name="pgonly_room_bloom"),
            models.Index(
                fields=["name"], name="pgonly_name_pattern", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(
                fields=["name", "body"],
                name="pgonly_name_body_ops",
                opclasses=["varchar_pattern_ops", "text_pattern_ops"],
            ),
            models.Index(
                OpClass(Lower("title"), name="text_pattern_ops"), name="pgonly_lower_title_ops"
            ),
            models.Index(fields=["room"], include=["name", "created"], name="pgonly_room_incl"),
            models.Index(
                fields=["room"], condition=Q(room__gt=0), include=["name"], name="pgonly_room_pi"
            ),
            models.Index(fields=["-created", "name"], name="pgonly_created_desc"),
        ]
        constraints = [
            ExclusionConstraint(
                name="pgonly_room_overlap_excl",
                expressions=[("during", RangeOperators.OVERLAPS), ("room", RangeOperators.EQUAL)],
                condition=Q(room__gt=0),
            ),
            models.UniqueConstraint(
                fields=["name", "room"],
                deferrable=models.Deferrable.DEFERRED,
                name="pgonly_name_room_deferred",
            ),
            models.UniqueConstraint(
                fields=["title"], include=["room"], name="pgonly_title_incl_uniq"
            ),
            models.UniqueConstraint(
                fields=["body"], opclasses=["text_pattern_ops"], name="pgonly_body_ops_uniq"
            ),
            models.UniqueConstraint(
                Lower("name"), "room", condition=Q(room__lt=0), name="pgonly_lower_name_uniq"
            ),
            # longer than 63 bytes: PostgreSQL truncates the name
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(room=1),
                name="pgonly_a_partial_unique_constraint_whose_name_is_longer_than_63_bytes",
            ),
        ]


class PgTagged(models.Model):
    """An FK, an M2M and an array on a PostgreSQL-only model."""

    owner = models.ForeignKey(PgFields, on_delete=models.CASCADE)
    others = models.ManyToManyField(PgFields, related_name="tagged_by")
    codes = ArrayField(models.CharField(max_length=10, unique=False), default=list)
    long_ref = models.ForeignKey(
        "ModelWithAVeryLongNameThatPostgresTruncatesToSixtyThreeBytes",
        null=True,
        on_delete=models.CASCADE,
    )

    class Meta:
        required_db_vendor = "postgresql"


class PgUnlimited(models.Model):
    """``CharField()`` without max_length: ``varchar`` with no length (PostgreSQL)."""

    name = models.CharField()
    code = models.CharField(unique=True, null=True)

    class Meta:
        required_db_vendor = "postgresql"
        required_db_features = {"supports_unlimited_charfield"}


class ModelWithAVeryLongNameThatPostgresTruncatesToSixtyThreeBytes(models.Model):
    """Its table name is longer than PostgreSQL's 63-byte identifiers: Django
    shortens names by the *default* alias's limit (SQLite's: none), PostgreSQL
    then truncates the table name itself.  Django cannot create an M2M here (its
    table name truncates to the same 63 bytes), and its ``flush`` skips this
    table (so no FK from it: flushing the referenced table would fail).
    """

    name = models.CharField(max_length=10, db_index=True)

    class Meta:
        required_db_vendor = "postgresql"
