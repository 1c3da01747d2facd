from __future__ import annotations

from django.conf import settings
from django.db import models


class Book(models.Model):
    title = models.CharField(max_length=200)
    pages = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["title"], name="library_book_title_idx")]


class Loan(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    borrower = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    due = models.DateField(null=True)
