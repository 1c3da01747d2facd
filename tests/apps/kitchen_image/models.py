"""ImageField needs Pillow (Django's check fields.E210): installed only with it."""

from __future__ import annotations

from django.db import models


class Picture(models.Model):
    image = models.ImageField(upload_to="pictures/", width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to="thumbs/", max_length=200, null=True, unique=True)
    width = models.PositiveIntegerField(null=True)
    height = models.PositiveIntegerField(null=True)
