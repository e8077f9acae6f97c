from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save

# How to find the child from a changed record, for every model that feeds a rule.
CHILD_PATHS = {
    "cases.Child": "pk",
    "cases.FamilyMember": "child_id",
    "cases.Referral": "child_id",
    "cases.Assessment": "child_id",
    "cases.Visit": "child_id",
    "cases.ManagementOversight": "child_id",
    "cases.MissingEpisode": "child_id",
    "frontdoor.Contact": "child_id",
    "frontdoor.AgencyCheck": "child_id",
    "strategy.StrategyDiscussion": "child_id",
    "strategy.StrategyParticipant": "discussion.child_id",
    "strategy.Section47": "child_id",
    "conferences.Conference": "child_id",
    "conferences.ConferenceParticipant": "conference.child_id",
    "conferences.ChildProtectionPlan": "child_id",
    "conferences.PlanAction": "outcome.plan.child_id",
    "conferences.CoreGroupMeeting": "plan.child_id",
    "conferences.TransferIn": "child_id",
    "conferences.TransferOut": "child_id",
    "documents.ContributionRequest": "child_id",
    "familyhelp.FamilyHelpPlan": "child_id",
    "familyhelp.FamilyHelpReview": "plan.child_id",
    "familyhelp.StepDown": "child_id",
}


def _child_id(instance, path: str):
    value = instance
    for part in path.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def _record_changed(sender, instance, **kwargs) -> None:
    # Not business logic: it only asks for the child's alerts to be worked out again, after
    # the change commits, so "my tasks" stays current between the scheduled scans.
    from .tasks import enqueue_child_evaluation

    child_id = _child_id(instance, CHILD_PATHS[sender._meta.label])
    if child_id:
        enqueue_child_evaluation(child_id)
    if sender._meta.label == "conferences.ConferenceParticipant":
        # A sibling-group conference's attendance is every child's in the group.
        from conferences.models import Conference

        for other in Conference.objects.filter(group_lead_id=instance.conference_id).values_list(
            "child_id", flat=True
        ):
            enqueue_child_evaluation(other)


class MonitoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "monitoring"

    def ready(self) -> None:
        from django.apps import apps

        from cases.selectors import register_due_source, register_summary_section

        from .selectors import child_summary_section, stored_due

        # What is due for a child (the summary, the plan pages) and the open alerts.
        register_due_source(stored_due)
        register_summary_section(child_summary_section)

        from .models import register_definitions
        from .rules import RULES_BY_CODE

        register_definitions(RULES_BY_CODE)
        for label in CHILD_PATHS:
            model = apps.get_model(label)
            post_save.connect(_record_changed, sender=model, dispatch_uid=f"monitor-{label}")
            post_delete.connect(_record_changed, sender=model, dispatch_uid=f"monitor-d-{label}")
