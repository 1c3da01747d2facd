"""A unique that began with a foreign key's column, replaced by another one
(0002): on MySQL/MariaDB Django's schema editor leaves an index on the key's
column, which a database built from these models does not have."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE)
    title = models.CharField(max_length=50)
    year = models.IntegerField(default=0)

    class Meta:
        unique_together = [("author", "year")]
