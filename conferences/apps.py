from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conferences"

    def ready(self) -> None:
        # Adds this app's events to the child's chronology.
        from cases.access import register_reach
        from cases.selectors import register_summary_section

        from . import chronology_sources  # noqa: F401
        from .selectors import child_summary_section, iro_reach

        # An IRO reaches the children whose conferences they chair.
        register_reach(iro_reach)
        # The plan and the next conference on the child's summary.
        register_summary_section(child_summary_section)
