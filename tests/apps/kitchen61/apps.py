from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.kitchen61"
    label = "kitchen61"
    default_auto_field = "django.db.models.BigAutoField"
