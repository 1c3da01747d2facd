from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.drift"
    label = "drift"
    default_auto_field = "django.db.models.BigAutoField"
