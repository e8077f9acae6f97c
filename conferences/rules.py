"""Rules that span this app's records and the case records below it.

The cases app cannot import this one, so ConferencesConfig.ready registers these checks with
`cases.models`; Referral.clean and CINPlan.clean run them, with the messages a worker sees.
"""

from datetime import date

from django.db import models

from cases.models import CINPlan, Referral, spans_overlap
from strategy.models import S47Outcome, Section47

from .models import INITIAL_TYPES, ChildProtectionPlan, Conference, ConferenceStatus


def open_on_closure(referral: Referral, closure: date) -> list[str]:
    """The episode's section 47 enquiries and child protection plans that would still be open on
    `closure` (census rules 8565 and 8868). An enquiry ends at its initial conference, or with an
    outcome that needs none."""
    problems: list[str] = []
    enquiries = Section47.objects.filter(referral_id=referral.pk).prefetch_related("conferences")
    for enquiry in enquiries:
        held = [
            c.held_on
            for c in enquiry.conferences.all()
            if c.conference_type in INITIAL_TYPES
            and c.status == ConferenceStatus.HELD
            and c.held_on
        ]
        ended_without_icpc = (
            enquiry.outcome in (S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED)
            and enquiry.completion_date is not None
            and enquiry.completion_date <= closure
        )
        if not ended_without_icpc and not (held and min(held) <= closure):
            problems.append(
                f"The section 47 enquiry started {enquiry.start_date:%d/%m/%Y} is still open "
                "on this date: hold the initial conference or record the enquiry's outcome "
                "first."
            )
    plans = ChildProtectionPlan.objects.filter(
        child_id=referral.child_id, start_date__gte=referral.referral_date, start_date__lte=closure
    ).filter(models.Q(end_date__isnull=True) | models.Q(end_date__gt=closure))
    for plan in plans:
        problems.append(
            f"The child protection plan that started {plan.start_date:%d/%m/%Y} is still "
            "open on this date: end the plan first."
        )
    return problems


def protection_plan_clash(cin_plan: CINPlan) -> dict[str, str]:
    """A child in need plan never runs alongside a child protection plan: it starts when the
    protection plan ends (on that day at the earliest). ChildProtectionPlan.clean says the same
    from the other side."""
    mine = (cin_plan.start_date, cin_plan.end_date)
    for plan in ChildProtectionPlan.objects.filter(child_id=cin_plan.child_id):
        if spans_overlap(mine, (plan.start_date, plan.end_date)):
            return {
                "start_date": "The child is on a child protection plan then (from "
                f"{plan.start_date:%d/%m/%Y}): a child in need plan starts when the child "
                "protection plan ends, never at the same time."
            }
    return {}


def icpc_before_completion(enquiry: Section47) -> dict[str, str]:
    """An enquiry whose outcome is "ICPC required" completes only once the initial conference
    exists (requested, booked or held; not cancelled): completing it first would leave the
    child waiting for a conference nobody has asked for. Registered with `strategy.models`."""
    if enquiry.outcome != S47Outcome.ICPC_REQUIRED or not enquiry.pk:
        return {}
    exists = (
        Conference.objects.filter(section47_id=enquiry.pk, conference_type__in=INITIAL_TYPES)
        .exclude(status=ConferenceStatus.CANCELLED)
        .exists()
    )
    if exists:
        return {}
    return {
        "completion_date": "The outcome is that an initial child protection conference is "
        "required, and none has been requested. Request the initial child protection "
        "conference (on the enquiry's page) before completing the enquiry."
    }
