from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor"
    verbose_name = "front door"

    def ready(self) -> None:
        # Contacts on the child's chronology and summary, and documents attachable to them.
        from cases.selectors import register_summary_section
        from documents.events import register_event_kind

        from . import chronology_sources  # noqa: F401
        from .models import Contact
        from .selectors import child_summary_section

        register_summary_section(child_summary_section)
        register_event_kind("contact", Contact, "Contact", describe=str)
