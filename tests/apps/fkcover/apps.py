from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.fkcover"
    label = "fkcover"
    default_auto_field = "django.db.models.BigAutoField"
