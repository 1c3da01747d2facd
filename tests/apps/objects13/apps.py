from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.objects13"
    label = "objects13"
    default_auto_field = "django.db.models.BigAutoField"
