from __future__ import annotations

from django.db import models


class Shelf(models.Model):
    name = models.CharField(max_length=50)
    position = models.IntegerField(default=0)


class Bin(models.Model):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE)
    label = models.CharField(max_length=20)
