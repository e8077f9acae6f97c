from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conferences"

    def ready(self) -> None:
        # Adds this app's events to the child's chronology.
        from . import chronology_sources  # noqa: F401
