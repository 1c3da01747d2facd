from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.kitchen_history"
    label = "kitchen_history"
    default_auto_field = "django.db.models.AutoField"
