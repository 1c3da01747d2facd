from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.colkinds"
    label = "colkinds"
    default_auto_field = "django.db.models.BigAutoField"
