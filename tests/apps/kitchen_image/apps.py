from django.apps import AppConfig


class Config(AppConfig):
    name = "tests.apps.kitchen_image"
    label = "kitchen_image"
    default_auto_field = "django.db.models.BigAutoField"
