from django.db import models

class Thing(models.Model):
    name = models.CharField(max_length=50, unique=True)
    flag = models.BooleanField(default=False)
    data = models.JSONField(null=True)
    uid = models.UUIDField(null=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    small = models.PositiveSmallIntegerField(db_index=True)
    parent = models.ForeignKey("self", null=True, on_delete=models.SET_NULL)
