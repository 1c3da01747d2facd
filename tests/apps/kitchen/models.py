"""Every Django built-in field class and schema option that works on Django 4.2+
and on SQLite, PostgreSQL and MySQL/MariaDB alike.

``migrate`` creates these tables; the in-sync tests assert djmigrator reports
nothing on them.  Where Django itself does not create a variant on a vendor it
says so next to the variant; Django then skips it (and so must djmigrator):

* partial indexes / conditional UniqueConstraint: not on MySQL/MariaDB (Django
  creates the index without its WHERE clause; a conditional unique is skipped);
* expression indexes / expression UniqueConstraint: not on MariaDB (skipped);
* deferrable UniqueConstraint: PostgreSQL only (skipped elsewhere);
* INCLUDE (covering) indexes: PostgreSQL only (a plain index elsewhere);
* descending index columns: ignored by MariaDB < 10.8;
* db_index on TextField/JSONField/BinaryField: no index on MySQL/MariaDB
  (TEXT/BLOB need a key length);
* db_comment / db_table_comment: not on SQLite (ignored);
* db_collation names differ per vendor: one model per vendor
  (``required_db_vendor``), created only there.

Django 5-only options live in ``tests.apps.kitchen5``, PostgreSQL-only fields
and indexes in ``tests.apps.pgonly``.
"""

from __future__ import annotations

import uuid

import django
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Upper

# Django 5.1 renamed CheckConstraint(check=) to condition=; 6.0 drops check=.
_CHECK_KW = "condition" if django.VERSION >= (5, 1) else "check"


def check_constraint(q: Q, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(**{_CHECK_KW: q}, name=name)  # type: ignore[arg-type]


class Colour(models.TextChoices):
    RED = "r", "Red"
    GREEN = "g", "Green"


class Size(models.IntegerChoices):
    SMALL = 1
    LARGE = 2


# -- primary keys ----------------------------------------------------------


class AutoPk(models.Model):
    """AutoField primary key (the app's default is BigAutoField)."""

    id = models.AutoField(primary_key=True)
    name = models.CharField(max_length=30)


class SmallAutoPk(models.Model):
    id = models.SmallAutoField(primary_key=True)
    name = models.CharField(max_length=30)


class BigAutoPk(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=30)


class UuidPk(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=30)


class CharPk(models.Model):
    """A varchar primary key: PostgreSQL adds a ``_like`` index to it and to FKs on it."""

    code = models.CharField(max_length=12, primary_key=True)
    name = models.CharField(max_length=30)


class IntPk(models.Model):
    """A plain integer primary key, no auto-increment."""

    number = models.IntegerField(primary_key=True)


# -- every field class, with and without the column options ------------------


class AllFields(models.Model):
    boolean = models.BooleanField(default=False)
    boolean_null = models.BooleanField(null=True)
    char = models.CharField(max_length=120)
    char_null = models.CharField(max_length=30, null=True, blank=True)
    char_choices = models.CharField(max_length=1, choices=Colour.choices, default=Colour.RED)
    char_index = models.CharField(max_length=40, db_index=True)
    char_unique = models.CharField(max_length=50, unique=True)
    char_unique_null = models.CharField(max_length=50, unique=True, null=True)
    char_unique_index = models.CharField(max_length=50, unique=True, db_index=True)
    text = models.TextField()
    text_null = models.TextField(null=True, blank=True)
    text_index = models.TextField(db_index=True)  # MySQL: no index (TEXT)
    slug = models.SlugField()  # db_index by default
    slug_unique = models.SlugField(max_length=80, unique=True)
    slug_noindex = models.SlugField(db_index=False)
    email = models.EmailField()
    email_unique = models.EmailField(max_length=200, unique=True, null=True)
    url = models.URLField(max_length=300)
    url_default = models.URLField()
    uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    uuid_null = models.UUIDField(null=True)
    uuid_index = models.UUIDField(null=True, db_index=True)
    ip = models.GenericIPAddressField()
    ipv4 = models.GenericIPAddressField(protocol="IPv4", null=True)
    ip_unique = models.GenericIPAddressField(unique=True, null=True)
    integer = models.IntegerField(default=0)
    integer_index = models.IntegerField(db_index=True)
    integer_unique = models.IntegerField(unique=True, null=True)
    big = models.BigIntegerField(null=True)
    small = models.SmallIntegerField(choices=Size.choices, default=Size.SMALL)
    positive = models.PositiveIntegerField()
    positive_small = models.PositiveSmallIntegerField(db_index=True)
    positive_big = models.PositiveBigIntegerField(null=True)
    floating = models.FloatField()
    floating_null = models.FloatField(null=True)
    decimal = models.DecimalField(max_digits=10, decimal_places=2)
    decimal_wide = models.DecimalField(max_digits=30, decimal_places=10, null=True)
    decimal_int = models.DecimalField(max_digits=5, decimal_places=0, default=0)
    date = models.DateField()
    date_auto = models.DateField(auto_now_add=True)
    datetime = models.DateTimeField(db_index=True)
    datetime_auto = models.DateTimeField(auto_now=True)
    datetime_null = models.DateTimeField(null=True)
    time = models.TimeField(null=True)
    duration = models.DurationField()
    duration_null = models.DurationField(null=True)
    binary = models.BinaryField()
    binary_small = models.BinaryField(max_length=16, null=True)
    file = models.FileField(upload_to="files/")
    file_long = models.FileField(upload_to="files/", max_length=255, null=True)
    file_path = models.FilePathField(path="/tmp")
    file_path_long = models.FilePathField(path="/tmp", max_length=200, null=True)
    json = models.JSONField(default=dict)
    json_null = models.JSONField(null=True)
    # db_column: a reserved word, mixed case, a different name
    reserved = models.IntegerField(db_column="order", default=0)
    mixed_case = models.CharField(max_length=10, db_column="MixedCase", null=True)
    renamed = models.BooleanField(db_column="is_renamed", default=True, db_index=True)
    commented = models.IntegerField(null=True, db_comment="A column comment; it's 'quoted'.")

    class Meta:
        db_table_comment = "Every Django field class."
        unique_together = [("char", "date"), ("integer", "small", "positive")]
        indexes = [
            models.Index(fields=["floating"]),  # unnamed: Django names it
            models.Index(fields=["integer", "small"], name="kitchen_int_small_idx"),
            models.Index(fields=["-datetime"], name="kitchen_dt_desc_idx"),
            models.Index(fields=["char", "-integer"], name="kitchen_char_int_desc_idx"),
            models.Index(fields=["date", "char"], name="kitchen_date_char_idx"),
            # same columns as unique_together, but an index: both exist
            models.Index(fields=["char", "date"], name="kitchen_char_date_idx"),
            # partial: MySQL/MariaDB create it without the WHERE clause
            models.Index(
                fields=["positive"], condition=Q(positive__gt=10), name="kitchen_pos_partial"
            ),
            # functional: not created on MariaDB
            models.Index(Lower("char"), name="kitchen_lower_char_idx"),
            models.Index(Upper("email").desc(), "integer", name="kitchen_upper_email_idx"),
            models.Index(F("integer") * 2, name="kitchen_int_times_two_idx"),
            # covering: INCLUDE only on PostgreSQL, a plain index elsewhere
            models.Index(fields=["big"], include=["char"], name="kitchen_big_incl_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["char", "integer"], name="kitchen_char_int_uniq"),
            models.UniqueConstraint(fields=["slug"], name="kitchen_slug_uniq"),
            # conditional: not created on MySQL/MariaDB
            models.UniqueConstraint(
                fields=["email"], condition=Q(boolean=True), name="kitchen_email_active_uniq"
            ),
            # expressions: not created on MariaDB
            models.UniqueConstraint(Lower("email"), "date", name="kitchen_lower_email_uniq"),
            # deferrable: PostgreSQL only
            models.UniqueConstraint(
                fields=["url"],
                deferrable=models.Deferrable.DEFERRED,
                name="kitchen_url_deferred_uniq",
            ),
            models.UniqueConstraint(
                fields=["url_default"],
                deferrable=models.Deferrable.IMMEDIATE,
                name="kitchen_url_immediate_uniq",
            ),
            # INCLUDE: PostgreSQL only, a plain unique elsewhere
            models.UniqueConstraint(
                fields=["file"], include=["integer"], name="kitchen_file_incl_uniq"
            ),
            check_constraint(Q(integer__gte=0), "kitchen_integer_gte_0"),
            check_constraint(Q(decimal__gte=F("decimal_int")), "kitchen_decimal_ge_int"),
        ]


# -- relations ---------------------------------------------------------------


class Category(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=50)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        db_table = "kitchen_custom_category"
        verbose_name_plural = "categories"


class Tag(models.Model):
    label = models.CharField(max_length=30, unique=True)


class Item(models.Model):
    name = models.CharField(max_length=60)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="items")
    maybe_category = models.ForeignKey(
        Category, null=True, on_delete=models.SET_NULL, related_name="maybe_items"
    )
    loose = models.ForeignKey(
        Category, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    loose_noindex = models.ForeignKey(
        Category,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    by_code = models.ForeignKey(
        Category, to_field="code", null=True, on_delete=models.PROTECT, related_name="+"
    )
    by_code_column = models.ForeignKey(
        Category,
        to_field="code",
        db_column="category_code",
        null=True,
        on_delete=models.SET_DEFAULT,
        default=None,
        related_name="+",
    )
    noindex = models.ForeignKey(
        Category, null=True, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    unique_fk = models.ForeignKey(
        Tag, null=True, on_delete=models.CASCADE, unique=True, related_name="+"
    )
    parent = models.ForeignKey(
        "self", null=True, on_delete=models.SET_NULL, related_name="children"
    )
    auto_pk = models.ForeignKey(AutoPk, null=True, on_delete=models.CASCADE)
    small_pk = models.ForeignKey(SmallAutoPk, null=True, on_delete=models.CASCADE)
    uuid_pk = models.ForeignKey(UuidPk, null=True, on_delete=models.CASCADE)
    char_pk = models.ForeignKey(CharPk, null=True, on_delete=models.CASCADE)
    int_pk = models.ForeignKey(IntPk, null=True, on_delete=models.RESTRICT)
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    tags_custom_table = models.ManyToManyField(
        Tag, blank=True, related_name="+", db_table="kitchen_item_tag_custom"
    )
    small_pks = models.ManyToManyField(SmallAutoPk, blank=True, related_name="items")
    char_pks = models.ManyToManyField(CharPk, blank=True, related_name="items")
    uuid_pks = models.ManyToManyField(UuidPk, blank=True, related_name="items")
    related = models.ManyToManyField("self", blank=True)  # symmetrical
    follows = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="followed_by"
    )
    generic_comments = GenericRelation("Comment", related_query_name="generic_item")
    # to an unmanaged model whose table another model owns (migrate creates
    # the M2M table and the FK all the same)
    unmanaged_tags = models.ManyToManyField("UnmanagedOnManagedTable", blank=True, related_name="+")
    unmanaged_tag = models.ForeignKey(
        "UnmanagedOnManagedTable", null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["category", "name"], name="kitchen_item_cat_name_idx")]
        unique_together = [("category", "name")]


class Comment(models.Model):
    """A generic relation (no column of its own) and Meta.order_with_respect_to
    (Django adds an ``_order`` column)."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, db_comment="the commented model"
    )
    object_id = models.PositiveIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")
    item = models.ForeignKey("Item", on_delete=models.CASCADE, related_name="comments")
    text = models.CharField(max_length=100)

    class Meta:
        order_with_respect_to = "item"
        indexes = [models.Index(fields=["content_type", "object_id"])]


class MixedCaseTable(models.Model):
    """A quoted, mixed-case table name with mixed-case columns."""

    Name = models.CharField(max_length=20, db_index=True)
    value = models.IntegerField(db_column="Value", unique=True)
    item = models.ForeignKey("Item", on_delete=models.CASCADE, db_column="ItemRef")

    class Meta:
        db_table = "KitchenMixedCase"
        unique_together = [("Name", "item")]


class OneToOne(models.Model):
    item = models.OneToOneField(Item, on_delete=models.CASCADE)
    maybe_tag = models.OneToOneField(Tag, null=True, on_delete=models.SET_NULL, related_name="+")
    by_code = models.OneToOneField(
        Category, to_field="code", null=True, on_delete=models.CASCADE, related_name="+"
    )
    loose = models.OneToOneField(
        AutoPk, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )


class Person(models.Model):
    name = models.CharField(max_length=40)
    friends = models.ManyToManyField("self", through="Friendship", symmetrical=False)


class Group(models.Model):
    name = models.CharField(max_length=40)
    members = models.ManyToManyField(Person, through="Membership", related_name="groups")
    admins = models.ManyToManyField(
        Person,
        through="Role",
        through_fields=("group", "person"),
        related_name="administered",
    )


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    joined = models.DateField(null=True)

    class Meta:
        unique_together = [("person", "group")]


class Role(models.Model):
    id = models.AutoField(primary_key=True)
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    granted_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        db_table = "kitchen_group_role"
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="kitchen_role_uniq"),
        ]


class Friendship(models.Model):
    from_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    to_person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")


# -- inheritance -------------------------------------------------------------


class Stamped(models.Model):
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    note = models.CharField(max_length=40, blank=True)
    owner = models.ForeignKey(
        Person, null=True, on_delete=models.SET_NULL, related_name="%(app_label)s_%(class)s_set"
    )

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["note", "created"], name="%(app_label)s_%(class)s_nc")]


class Memo(Stamped):
    body = models.TextField()


class Receipt(Stamped):
    total = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta(Stamped.Meta):
        db_table = "kitchen_receipt_table"


class Place(models.Model):
    name = models.CharField(max_length=50)
    address = models.CharField(max_length=80, db_index=True)


class Restaurant(Place):
    serves_pizza = models.BooleanField(default=False)


class Pizzeria(Restaurant):
    oven_count = models.PositiveSmallIntegerField(default=1)


class Bar(Place):
    place = models.OneToOneField(
        Place, parent_link=True, on_delete=models.CASCADE, related_name="+"
    )
    licence = models.CharField(max_length=20, unique=True)


class ProxyItem(Item):
    class Meta:
        proxy = True


class ProxyOfProxy(ProxyItem):
    class Meta:
        proxy = True


# -- unmanaged ---------------------------------------------------------------


class Legacy(models.Model):
    """Not created by ``migrate``; neither is its M2M table."""

    code = models.CharField(max_length=10)
    tags = models.ManyToManyField(Tag, related_name="+")

    class Meta:
        managed = False
        db_table = "kitchen_legacy_view"


class UnmanagedOnManagedTable(models.Model):
    """An unmanaged model reading a table another model owns."""

    label = models.CharField(max_length=30)

    class Meta:
        managed = False
        db_table = "kitchen_tag"


# -- per-vendor collations -----------------------------------------------------


class CollatedSqlite(models.Model):
    code = models.CharField(max_length=20, db_collation="NOCASE", unique=True)
    text = models.TextField(db_collation="RTRIM", null=True)
    ref = models.ForeignKey("self", to_field="code", null=True, on_delete=models.CASCADE)

    class Meta:
        required_db_vendor = "sqlite"


class CollatedPostgres(models.Model):
    code = models.CharField(max_length=20, db_collation="C", unique=True)
    text = models.TextField(db_collation="POSIX", null=True, db_index=True)
    ref = models.ForeignKey("self", to_field="code", null=True, on_delete=models.CASCADE)

    class Meta:
        required_db_vendor = "postgresql"


class CollatedMysql(models.Model):
    code = models.CharField(max_length=20, db_collation="utf8mb4_bin", unique=True)
    text = models.TextField(db_collation="utf8mb4_unicode_ci", null=True)
    ref = models.ForeignKey("self", to_field="code", null=True, on_delete=models.CASCADE)

    class Meta:
        required_db_vendor = "mysql"
