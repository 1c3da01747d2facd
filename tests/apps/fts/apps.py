from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.fts"
    label = "fts"
    default_auto_field = "django.db.models.BigAutoField"
