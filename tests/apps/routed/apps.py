from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.routed"
    label = "routed"
    default_auto_field = "django.db.models.BigAutoField"
