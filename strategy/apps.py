from django.apps import AppConfig

from wirral_cp.dates import day


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy"

    def ready(self) -> None:
        # Adds this app's events to the child's chronology.
        from cases.services import register_visit_listener
        from documents.events import register_event_kind

        from . import chronology_sources  # noqa: F401
        from .models import Section47, StrategyDiscussion
        from .services import section47_child_seen_from_visit

        # Documents may be attached to a strategy discussion or an enquiry.
        register_event_kind(
            "strategy",
            StrategyDiscussion,
            "Strategy discussion",
            describe=str,
        )
        register_event_kind(
            "s47",
            Section47,
            "Section 47 enquiry",
            describe=lambda e: f"Section 47 enquiry, started {day(e.start_date)}",
        )

        # A section 47 visit where the child was seen marks the enquiry "child seen".
        register_visit_listener(section47_child_seen_from_visit)
