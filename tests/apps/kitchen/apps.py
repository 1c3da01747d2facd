from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.kitchen"
    label = "kitchen"
    default_auto_field = "django.db.models.BigAutoField"
