from django.apps import AppConfig


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy"

    def ready(self) -> None:
        # Adds this app's events to the child's chronology.
        from . import chronology_sources  # noqa: F401
