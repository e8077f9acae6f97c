from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "conferences"

    def ready(self) -> None:
        # Adds this app's events to the child's chronology.
        from django.urls import reverse

        from cases.access import register_reach
        from cases.rules import register_cin_plan_clash, register_open_on_closure
        from cases.selectors import register_summary_section
        from documents.contributions import register_contribution_target
        from documents.events import register_event_kind
        from documents.models import ContributionKind
        from documents.selectors import register_document_reader
        from strategy.models import register_completion_check

        from . import chronology_sources, family_status  # noqa: F401
        from .letters import business_support_reads_conference_papers
        from .models import ChildProtectionPlan, Conference, CoreGroupMeeting
        from .rules import icpc_before_completion, open_on_closure, saved_cin_plan_clash
        from .selectors import child_summary_section, conferences_for_user, iro_reach

        # An IRO reaches the children whose conferences they chair.
        register_reach(iro_reach)
        # The plan and the next conference on the child's summary.
        register_summary_section(child_summary_section)
        # An episode closes only when its enquiries and protection plans have; a child in need
        # plan never runs alongside a protection plan.
        register_open_on_closure(open_on_closure)
        register_cin_plan_clash(saved_cin_plan_clash)
        # A section 47 on "ICPC required" completes only once the conference exists.
        register_completion_check(icpc_before_completion)
        # Documents may be attached to a conference, a plan or a core group; business support
        # read the letters and minutes of the conferences they arrange.
        register_event_kind("conference", Conference, "Conference", describe=str)
        register_event_kind("plan", ChildProtectionPlan, "Child protection plan", describe=str)
        register_event_kind(
            "core-group", CoreGroupMeeting, "Core group", describe=str, child_field="plan__child"
        )
        register_document_reader(business_support_reads_conference_papers)
        # Partner professionals may be asked for their report for a conference (by the
        # child's workers, or business support, who arrange it) or a core group.
        register_contribution_target(
            "conference",
            Conference,
            "Conference",
            asks=ContributionKind.REPORT,
            when=lambda c: c.held_on or c.scheduled_for or c.target_date,
            url=lambda c: reverse("conferences:detail", args=[c.pk]),
            requestable_by=lambda user: (
                conferences_for_user(user)
                if user.is_business_support
                else Conference.objects.none()
            ),
        )
        register_contribution_target(
            "core-group",
            CoreGroupMeeting,
            "Core group",
            asks=ContributionKind.REPORT,
            when=lambda m: m.meeting_date,
            url=lambda m: reverse("conferences:core-groups", args=[m.plan.child_id, m.plan_id]),
            child_field="plan__child",
        )
