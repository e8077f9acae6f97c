from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import FigureTarget

        auditlog.register(FigureTarget)
