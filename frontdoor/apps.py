from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "frontdoor"
    verbose_name = "front door"

    def ready(self) -> None:
        # Contacts on the child's chronology and summary, and documents attachable to them.
        from django.urls import reverse

        from cases.selectors import register_summary_section
        from documents.contributions import register_contribution_target
        from documents.events import register_event_kind
        from documents.models import ContributionKind

        from . import chronology_sources  # noqa: F401
        from .models import AgencyCheck, Contact
        from .selectors import child_summary_section
        from .services import check_answered_by_contribution

        register_summary_section(child_summary_section)
        register_event_kind("contact", Contact, "Contact", describe=str)
        # A partner professional may be asked to answer a multi-agency check through the
        # portal or the partner API; what they send is a document of the contact, and the
        # check is recorded as answered (pointing to it) unless a response is already there.
        register_contribution_target(
            "agency-check",
            AgencyCheck,
            "Multi-agency check",
            asks=ContributionKind.CHECK,
            when=lambda c: c.due_at,
            url=lambda c: reverse("frontdoor:contact-detail", args=[c.child_id, c.contact_id]),
            lands_on=lambda c: c.contact,
            on_received=check_answered_by_contribution,
        )
