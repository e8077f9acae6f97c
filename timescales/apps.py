from django.apps import AppConfig


class TimescalesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "timescales"
