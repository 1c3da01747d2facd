from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.pgschema"
    label = "pgschema"
    default_auto_field = "django.db.models.BigAutoField"
