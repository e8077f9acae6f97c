from django.apps import AppConfig

from wirral_cp.dates import day


class StrategyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "strategy"

    def ready(self) -> None:
        # Adds this app's events to the child's chronology.
        from django.urls import reverse

        from cases.services import register_visit_listener
        from documents.contributions import register_contribution_target
        from documents.events import register_event_kind
        from documents.models import ContributionKind

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

        # Partner professionals may be asked for their information for a strategy discussion.
        register_contribution_target(
            "strategy",
            StrategyDiscussion,
            "Strategy discussion",
            asks=ContributionKind.INFORMATION,
            when=lambda d: d.held_at,
            url=lambda d: reverse("strategy:discussion-detail", args=[d.child_id, d.pk]),
        )

        # A section 47 visit where the child was seen marks the enquiry "child seen".
        register_visit_listener(section47_child_seen_from_visit)
