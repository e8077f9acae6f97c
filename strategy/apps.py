from django.apps import AppConfig


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy"

    def ready(self) -> None:
        # Adds this app's events to the child's chronology.
        from cases.services import register_visit_listener

        from . import chronology_sources  # noqa: F401
        from .services import section47_child_seen_from_visit

        # A section 47 visit where the child was seen marks the enquiry "child seen".
        register_visit_listener(section47_child_seen_from_visit)
