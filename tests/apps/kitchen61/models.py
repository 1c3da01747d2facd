"""Django 6.1: foreign keys whose ``on_delete`` the database carries out
(``DB_CASCADE``, ``DB_SET_NULL``, ``DB_SET_DEFAULT``: ``ON DELETE ...`` in the
constraint).  MySQL/MariaDB has no ``ON DELETE SET DEFAULT``: Django skips that
model there (``required_db_features``), and so must djmigrator."""

from __future__ import annotations

from django.db import models


class Parent(models.Model):
    name = models.CharField(max_length=20)


class CascadeChild(models.Model):
    parent = models.ForeignKey(Parent, on_delete=models.DB_CASCADE)


class SetNullChild(models.Model):
    parent = models.ForeignKey(Parent, null=True, on_delete=models.DB_SET_NULL)


class SetDefaultChild(models.Model):
    parent = models.ForeignKey(Parent, null=True, db_default=None, on_delete=models.DB_SET_DEFAULT)

    class Meta:
        required_db_features = {"supports_on_delete_db_default"}


class SelfTree(models.Model):
    """A database-level cascade to the model's own table."""

    parent = models.ForeignKey("self", null=True, on_delete=models.DB_CASCADE)
