from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.pgonly"
    label = "pgonly"
    default_auto_field = "django.db.models.BigAutoField"
