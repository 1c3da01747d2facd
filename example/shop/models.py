"""The bundled example's models: three tables, a foreign key chain, an index,
a unique field and a named unique constraint."""

from __future__ import annotations

from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100)

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    in_stock = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["name", "price"])]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="shop_product_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    # The README's "one-line change" appends a field below the last line.
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="orders")
    quantity = models.PositiveIntegerField(default=1)
    placed_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, null=True)
