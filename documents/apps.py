from django.apps import AppConfig

from wirral_cp.dates import day


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"

    def ready(self) -> None:
        from cases.models import Visit

        from . import tasks  # noqa: F401 (the scan task, sent by name from services)
        from .events import register_event_kind

        # Visits are in `cases`, below this app; strategy and conferences register their own
        # events from their AppConfigs.
        register_event_kind(
            "visit", Visit, "Visit", describe=lambda v: f"Visit on {day(v.visit_date)}"
        )
