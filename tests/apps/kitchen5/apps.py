from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.kitchen5"
    label = "kitchen5"
    default_auto_field = "django.db.models.BigAutoField"
